// Integer formatting for hot paths: the same text as the printf conversions
// named below, written through a raw pointer without a format string. The
// caller provides the room (at most 20 bytes per call).
#pragma once

#include <cstdint>
#include <cstring>

namespace hw {

namespace fast_format_internal {

inline constexpr char kHexDigits[] = "0123456789abcdef";

// Decimal text of 0..255 (up to 3 bytes, then its length) and the two hex
// digits of each byte value.
struct Tables {
  char dec[256][4] = {};
  char hex[256][2] = {};
  constexpr Tables() {
    for (int v = 0; v < 256; ++v) {
      char* d = dec[v];
      int n = 0;
      if (v >= 100) d[n++] = static_cast<char>('0' + v / 100);
      if (v >= 10) d[n++] = static_cast<char>('0' + v / 10 % 10);
      d[n++] = static_cast<char>('0' + v % 10);
      d[3] = static_cast<char>(n);
      hex[v][0] = kHexDigits[v >> 4];
      hex[v][1] = kHexDigits[v & 15];
    }
  }
};
inline constexpr Tables kTables;

}  // namespace fast_format_internal

// "%u" of v in 0..255. Writes 3 bytes, returns the end of the number.
inline char* PutDecimal8(char* p, unsigned v) noexcept {
  const auto& t = fast_format_internal::kTables;
  std::memcpy(p, t.dec[v & 0xff], 3);
  return p + t.dec[v & 0xff][3];
}

// "%u.%u.%u.%u" of an IPv4 address (most significant byte first).
inline char* PutIpv4(char* p, uint32_t a) noexcept {
  p = PutDecimal8(p, a >> 24);
  *p++ = '.';
  p = PutDecimal8(p, (a >> 16) & 0xff);
  *p++ = '.';
  p = PutDecimal8(p, (a >> 8) & 0xff);
  *p++ = '.';
  return PutDecimal8(p, a & 0xff);
}

// "%llx": lower-case hex without leading zeros.
inline char* PutHex(char* p, uint64_t v) noexcept {
  int shift = 60;
  while (shift > 0 && ((v >> shift) & 15) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) *p++ = fast_format_internal::kHexDigits[(v >> shift) & 15];
  return p;
}

// "%0*llx" with `digits` even and at most 16: the low digits of v,
// zero-padded.
inline char* PutHexDigits(char* p, uint64_t v, int digits) noexcept {
  for (int i = digits - 2; i >= 0; i -= 2) {
    std::memcpy(p + i, fast_format_internal::kTables.hex[v & 0xff], 2);
    v >>= 8;
  }
  return p + digits;
}

}  // namespace hw
