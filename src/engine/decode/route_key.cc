#include "engine/decode/route_key.h"

#include <cstring>

#include "engine/common/hash.h"

namespace hw::decode {

namespace {

bool IsJsonSpace(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Position of the next `"user.id"` at or after `from`. The key is usually
// among the first few members, so a plain byte loop beats
// string_view::find, which calls memchr once per '"' (every JSON string).
size_t FindKey(std::string_view line, size_t from) noexcept {
  static constexpr char kKey[] = "\"user.id\"";
  constexpr size_t kLen = sizeof kKey - 1;
  if (line.size() < kLen) return std::string_view::npos;
  const char* p = line.data();
  for (size_t i = from, last = line.size() - kLen; i <= last; ++i) {
    // 'u' after a quote: test the rarer byte first.
    if (p[i + 1] == 'u' && p[i] == '"' && std::memcmp(p + i, kKey, kLen) == 0) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view RawUserId(std::string_view line) noexcept {
  static constexpr std::string_view kKey = "\"user.id\"";
  size_t pos = 0;
  while ((pos = FindKey(line, pos)) != std::string_view::npos) {
    size_t i = pos + kKey.size();
    // An escaped quote: the key text sits inside some string value.
    if (pos > 0 && line[pos - 1] == '\\') {
      pos = i;
      continue;
    }
    while (i < line.size() && IsJsonSpace(line[i])) ++i;
    if (i >= line.size() || line[i] != ':') {
      pos = i;
      continue;
    }
    ++i;
    while (i < line.size() && IsJsonSpace(line[i])) ++i;
    if (i >= line.size() || line[i] != '"') return {};
    ++i;
    const size_t end = line.find('"', i);
    if (end == std::string_view::npos) return {};
    return line.substr(i, end - i);
  }
  return {};
}

uint64_t RouteKeyOfId(std::string_view raw_id) noexcept {
  return raw_id.empty() ? 0 : Hash64(raw_id, 0x726f757465ULL);
}

uint64_t RouteKey(std::string_view line) noexcept { return RouteKeyOfId(RawUserId(line)); }

}  // namespace hw::decode
