#include "engine/common/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

namespace hw {

namespace {

// OpenSSL 3's one-shot SHA256() fetches the algorithm from the provider
// store on every call: store locks, a reference count that all threads
// share, and three allocations (19% of serve's CPU under wrk, when API keys
// were hashed that way). Fetched once, with a context per thread, a digest
// takes a quarter of the time and one allocation (the digest state
// EVP_DigestInit_ex2 makes) (bench/RESULTS.md, "Check endpoint"). Never
// freed: threads may hash until the process exits.
const EVP_MD* Sha256Md() noexcept {
  static EVP_MD* const kMd = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return kMd;
}

struct DigestCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~DigestCtx() { EVP_MD_CTX_free(ctx); }
  DigestCtx() = default;
  DigestCtx(const DigestCtx&) = delete;
  DigestCtx& operator=(const DigestCtx&) = delete;
};

}  // namespace

Sha256 Sha256Of(std::string_view data) noexcept {
  thread_local DigestCtx t;
  const EVP_MD* md = Sha256Md();
  Sha256 out;
  unsigned int n = 0;
  if (md && t.ctx && EVP_DigestInit_ex2(t.ctx, md, nullptr) == 1 &&
      EVP_DigestUpdate(t.ctx, data.data(), data.size()) == 1 &&
      EVP_DigestFinal_ex(t.ctx, out.data(), &n) == 1 && n == out.size()) {
    return out;
  }
  // libcrypto refused (no memory, no provider): the one-shot call, which
  // gives the same digest, stands in.
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

bool ParseSha256Hex(std::string_view hex, Sha256* out) noexcept {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

std::string ToHex(const Sha256& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(64, '0');
  for (size_t i = 0; i < 32; ++i) {
    s[2 * i] = kDigits[h[i] >> 4];
    s[2 * i + 1] = kDigits[h[i] & 15];
  }
  return s;
}

bool SameHash(const Sha256& a, const Sha256& b) noexcept {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool MatchesAnyHash(const std::vector<Sha256>& hashes, const Sha256& hash) noexcept {
  bool any = false;
  for (const Sha256& x : hashes) any |= SameHash(x, hash);
  return any;
}

bool MatchesAny(const std::vector<Sha256>& hashes, std::string_view secret) noexcept {
  return MatchesAnyHash(hashes, Sha256Of(secret));
}

}  // namespace hw
