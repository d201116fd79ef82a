#include "engine/share/digest.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "engine/common/sha256.h"

namespace hw::share {

namespace {

// One-shot digest; EVP_Digest fails only when allocation fails, which the
// process cannot recover from anyway.
template <size_t N>
std::array<uint8_t, N> Digest(const EVP_MD* md, std::string_view a, std::string_view b = {}) {
  std::array<uint8_t, N> out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int len = 0;
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, md, nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 &&
                  EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == N;
  EVP_MD_CTX_free(ctx);
  if (!ok) std::abort();
  return out;
}

int HexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Uuid MustParse(std::string_view text) {
  Uuid u{};
  if (!ParseUuid(text, u)) std::abort();
  return u;
}

}  // namespace

std::string Sha256Hex(std::string_view data) { return ToHex(Sha256Of(data)); }

bool ParseUuid(std::string_view text, Uuid& out) noexcept {
  if (text.size() != 36) return false;
  size_t byte = 0;
  for (size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      ++i;
      continue;
    }
    const int hi = HexValue(text[i]);
    const int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[byte++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return byte == 16;
}

std::string FormatUuid(const Uuid& u) {
  char buf[37];
  std::snprintf(buf, sizeof buf,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
                u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
                u[15]);
  return std::string(buf, 36);
}

Uuid UuidV5(const Uuid& name_space, std::string_view name) {
  const std::string_view ns(reinterpret_cast<const char*>(name_space.data()), name_space.size());
  const auto d = Digest<20>(EVP_sha1(), ns, name);
  Uuid u{};
  for (size_t i = 0; i < u.size(); ++i) u[i] = d[i];
  u[6] = static_cast<uint8_t>((u[6] & 0x0f) | 0x50);
  u[8] = static_cast<uint8_t>((u[8] & 0x3f) | 0x80);
  return u;
}

const Uuid& HydrawatchNamespace() {
  static const Uuid kNs = MustParse("6f1c2a57-93e4-4b8e-a0d2-5c7b9e3f4a61");
  return kNs;
}

const Uuid& StixObservableNamespace() {
  static const Uuid kNs = MustParse("00abedb4-aa42-466c-9c01-fed23315a9b7");
  return kNs;
}

}  // namespace hw::share
