#include "engine/decode/registry.h"

#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace hw::decode {

namespace {

constexpr const char* kVerificationNames[] = {"unknown", "none", "email",     "phone",
                                              "card",    "id",   "enterprise"};
constexpr const char* kTierNames[] = {"unknown",    "free",      "build",    "scale",
                                      "enterprise", "education", "research", "startup"};

template <size_t N>
int Lookup(const char* const (&names)[N], std::string_view s) {
  for (size_t i = 1; i < N; ++i) {
    if (s == names[i]) return static_cast<int>(i);
  }
  return -1;
}

// Whole file, decompressed by magic bytes.
Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string raw = ss.str();
  const auto* b = reinterpret_cast<const unsigned char*>(raw.data());
  if (raw.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) return Status(ErrorCode::kIoError, path + ": cannot open");
    std::string out;
    char buf[1 << 16];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    const bool bad = n < 0;
    gzclose(f);
    if (bad) return Status(ErrorCode::kIoError, path + ": corrupt gzip data");
    return out;
  }
  if (raw.size() >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
    ZSTD_DCtx* d = ZSTD_createDCtx();
    std::string out;
    std::vector<char> buf(ZSTD_DStreamOutSize());
    ZSTD_inBuffer in_buf{raw.data(), raw.size(), 0};
    size_t rc = 0;
    while (in_buf.pos < in_buf.size) {
      ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
      rc = ZSTD_decompressStream(d, &ob, &in_buf);
      if (ZSTD_isError(rc)) break;
      out.append(buf.data(), ob.pos);
    }
    ZSTD_freeDCtx(d);
    if (ZSTD_isError(rc) || rc != 0)
      return Status(ErrorCode::kIoError, path + ": corrupt zstd data");
    return out;
  }
  return raw;
}

}  // namespace

const char* VerificationName(Verification v) noexcept {
  return kVerificationNames[static_cast<size_t>(v)];
}
const char* TierName(Tier t) noexcept { return kTierNames[static_cast<size_t>(t)]; }

Registry Registry::Parse(std::string_view text, const std::string& name) {
  Registry reg;
  simdjson::dom::parser parser;
  int64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto fail = [&](const std::string& why) {
      reg.errors_.push_back({line_no, name + ":" + std::to_string(line_no) + ": " + why});
    };
    simdjson::dom::element doc;
    if (auto err = parser.parse(line.data(), line.size()).get(doc)) {
      fail(std::string("invalid JSON: ") + simdjson::error_message(err));
      continue;
    }
    simdjson::dom::object obj;
    if (doc.get_object().get(obj)) {
      fail("not a JSON object");
      continue;
    }
    std::string_view id;
    if (obj["user.id"].get_string().get(id) || id.empty()) {
      fail("\"user.id\": missing or not a non-empty string");
      continue;
    }
    AccountInfo info;
    bool ok = true;
    auto str = [&](const char* key, std::string* out) {
      simdjson::dom::element e;
      if (obj[key].get(e)) return;  // absent
      std::string_view v;
      if (e.is_null()) return;
      if (e.get_string().get(v)) {
        fail(std::string("\"") + key + "\": expected string");
        ok = false;
        return;
      }
      out->assign(v);
    };
    std::string created, verification, tier;
    str("created", &created);
    str("organization.id", &info.organization);
    str("payment.fingerprint", &info.payment);
    str("email.domain", &info.email_domain);
    str("verification", &verification);
    str("tier", &tier);
    str("country", &info.country);
    if (!ok) continue;
    if (!created.empty()) {
      auto t = ParseRfc3339(created);
      if (!t) {
        fail("\"created\": not an RFC 3339 time: " + created);
        continue;
      }
      info.created = *t;
    }
    for (auto& c : info.email_domain)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!verification.empty()) {
      const int v = Lookup(kVerificationNames, verification);
      if (v < 0) {
        fail("\"verification\": unknown value '" + verification + "'");
        continue;
      }
      info.verification = static_cast<Verification>(v);
    }
    if (!tier.empty()) {
      const int v = Lookup(kTierNames, tier);
      if (v < 0) {
        fail("\"tier\": unknown value '" + tier + "'");
        continue;
      }
      info.tier = static_cast<Tier>(v);
    }
    reg.infos_[std::string(id)] = std::move(info);
  }
  return reg;
}

Result<Registry> Registry::Load(const std::string& path) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

const AccountInfo* Registry::Find(std::string_view user_id) const {
  auto it = infos_.find(absl::string_view(user_id.data(), user_id.size()));
  return it == infos_.end() ? nullptr : &it->second;
}

}  // namespace hw::decode
