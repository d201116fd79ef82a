// Dotted-quad IPv4 parsing without a library call, for the per-event paths
// (address validation in decode, the /24 key in fingerprint).
#pragma once

#include <cstdint>
#include <string_view>

namespace hw {

// The address of a dotted quad as inet_pton(AF_INET) reads it (four decimal
// octets up to 255, no leading zeros), in host order; false for anything
// else, which the caller then gives to inet_pton itself (IPv6, or forms this
// does not take).
inline bool ParsePlainIpv4(std::string_view s, uint32_t* host) noexcept {
  int octets = 0;
  uint32_t value = 0, octet = 0;
  bool saw_digit = false;
  for (const char ch : s) {
    if (ch >= '0' && ch <= '9') {
      if (saw_digit && octet == 0) return false;
      octet = octet * 10 + static_cast<uint32_t>(ch - '0');
      if (octet > 255) return false;
      if (!saw_digit) {
        if (++octets > 4) return false;
        saw_digit = true;
      }
    } else if (ch == '.' && saw_digit) {
      if (octets == 4) return false;
      value = (value << 8) | octet;
      octet = 0;
      saw_digit = false;
    } else {
      return false;
    }
  }
  if (octets != 4) return false;
  *host = (value << 8) | octet;
  return true;
}

}  // namespace hw
