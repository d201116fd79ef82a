#include "engine/decode/route_key.h"

#include "engine/common/hash.h"

namespace hw::decode {

namespace {

bool IsJsonSpace(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string_view RawUserId(std::string_view line) noexcept {
  static constexpr std::string_view kKey = "\"user.id\"";
  size_t pos = 0;
  while ((pos = line.find(kKey, pos)) != std::string_view::npos) {
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

uint64_t RouteKey(std::string_view line) noexcept {
  const std::string_view id = RawUserId(line);
  return id.empty() ? 0 : Hash64(id, 0x726f757465ULL);
}

}  // namespace hw::decode
