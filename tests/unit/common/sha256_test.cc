// Sha256Of against the FIPS 180-2 test vectors, from one thread and from
// several at once (each thread hashes with a libcrypto context of its own),
// and the hex and comparison helpers around it.
#include "engine/common/sha256.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace hw {
namespace {

struct Vector {
  std::string input;
  const char* hex;
};

std::vector<Vector> Vectors() {
  return {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
}

TEST(Sha256, KnownVectors) {
  for (const Vector& v : Vectors()) {
    EXPECT_EQ(ToHex(Sha256Of(v.input)), v.hex) << v.input.substr(0, 60);
    // The thread's context is reused: a second digest of the same input
    // is the same.
    EXPECT_EQ(ToHex(Sha256Of(v.input)), v.hex) << v.input.substr(0, 60);
  }
}

TEST(Sha256, SameDigestsFromSeveralThreads) {
  const std::vector<Vector> vectors = Vectors();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        const Vector& v = vectors[static_cast<size_t>(round + t) % 3];  // the short ones
        if (ToHex(Sha256Of(v.input)) != v.hex) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Sha256, HexRoundTripAndComparisons) {
  Sha256 h;
  ASSERT_TRUE(
      ParseSha256Hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", &h));
  EXPECT_TRUE(SameHash(h, Sha256Of("abc")));
  EXPECT_FALSE(SameHash(h, Sha256Of("abd")));
  EXPECT_FALSE(ParseSha256Hex("ba78", &h));
  EXPECT_FALSE(ParseSha256Hex(std::string(64, 'g'), &h));
  EXPECT_TRUE(MatchesAny({Sha256Of("x"), Sha256Of("abc")}, "abc"));
  EXPECT_FALSE(MatchesAny({Sha256Of("x")}, "abc"));
  EXPECT_FALSE(MatchesAny({}, ""));
}

}  // namespace
}  // namespace hw
