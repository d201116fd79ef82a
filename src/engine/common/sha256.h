// SHA-256 (Debian's libcrypto): secrets kept only as hashes (serve's API
// keys, bouncer keys, admin tokens; comparisons of secrets run in constant
// time) and salted account hashes in exports (share).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hw {

using Sha256 = std::array<uint8_t, 32>;

// Safe from any number of threads at once: each keeps one libcrypto digest
// context, and the algorithm is fetched once per process (see sha256.cc).
Sha256 Sha256Of(std::string_view data) noexcept;
// 64 hex digits (either case); false otherwise.
bool ParseSha256Hex(std::string_view hex, Sha256* out) noexcept;
std::string ToHex(const Sha256& h);
// Constant time in the contents (CRYPTO_memcmp).
bool SameHash(const Sha256& a, const Sha256& b) noexcept;
// Whether `secret` hashes to one of `hashes`; every entry is compared, so
// the time does not tell which (or whether one) matched.
bool MatchesAny(const std::vector<Sha256>& hashes, std::string_view secret) noexcept;
// Same, for a secret already hashed: every entry compared in constant time.
bool MatchesAnyHash(const std::vector<Sha256>& hashes, const Sha256& hash) noexcept;

struct Sha256Hash {
  size_t operator()(const Sha256& h) const noexcept {
    uint64_t v;
    static_assert(sizeof v <= sizeof(Sha256));
    __builtin_memcpy(&v, h.data(), sizeof v);
    return static_cast<size_t>(v);
  }
};

}  // namespace hw
