#include "engine/common/fast_format.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "engine/common/rng.h"

namespace hw {
namespace {

template <typename F>
std::string Put(F&& f) {
  char buf[64];
  return std::string(buf, static_cast<size_t>(f(buf) - buf));
}

std::string Printf(const char* fmt, unsigned long long a, int width = 0) {
  char buf[64];
  const int n = width ? std::snprintf(buf, sizeof buf, fmt, width, a)
                      : std::snprintf(buf, sizeof buf, fmt, a);
  return std::string(buf, static_cast<size_t>(n));
}

TEST(FastFormat, DecimalBytesMatchPrintf) {
  for (unsigned v = 0; v < 256; ++v) {
    EXPECT_EQ(Put([&](char* p) { return PutDecimal8(p, v); }), Printf("%llu", v)) << v;
  }
}

TEST(FastFormat, Ipv4MatchesPrintf) {
  Rng r(5);
  for (int i = 0; i < 100000; ++i) {
    // Random addresses, and ones built from the byte values where the digit
    // count changes (0, 9, 10, 99, 100, 255).
    static constexpr uint32_t kEdges[] = {0, 1, 9, 10, 99, 100, 199, 200, 255};
    const uint32_t a = i % 2 ? static_cast<uint32_t>(r.Next())
                             : kEdges[r.Below(9)] << 24 | kEdges[r.Below(9)] << 16 |
                                   kEdges[r.Below(9)] << 8 | kEdges[r.Below(9)];
    char want[32];
    std::snprintf(want, sizeof want, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
                  a & 0xff);
    ASSERT_EQ(Put([&](char* p) { return PutIpv4(p, a); }), want) << a;
  }
}

TEST(FastFormat, HexMatchesPrintf) {
  Rng r(9);
  for (int i = 0; i < 100000; ++i) {
    // Values of every magnitude: shift a random word right by 0..63.
    const uint64_t v = i == 0 ? 0 : r.Next() >> r.Below(64);
    ASSERT_EQ(Put([&](char* p) { return PutHex(p, v); }), Printf("%llx", v)) << v;
    for (int digits = 2; digits <= 16; digits += 2) {
      const uint64_t low = digits == 16 ? v : v & ((uint64_t{1} << (4 * digits)) - 1);
      ASSERT_EQ(Put([&](char* p) { return PutHexDigits(p, v, digits); }),
                Printf("%0*llx", low, digits))
          << v << " " << digits;
    }
  }
}

}  // namespace
}  // namespace hw
