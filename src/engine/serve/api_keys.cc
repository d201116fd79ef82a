#include "engine/serve/api_keys.h"

#include <simdjson.h>

#include <fstream>
#include <sstream>

namespace hw::serve {

namespace {

Status LineError(const std::string& source, size_t line, const std::string& why) {
  return Status(ErrorCode::kParseError, source + ":" + std::to_string(line) + ": " + why);
}

}  // namespace

Result<ApiKeyTable> ApiKeyTable::Parse(std::string_view text, const std::string& source_name) {
  ApiKeyTable t;
  simdjson::ondemand::parser parser;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    if (parser.iterate(padded).get(doc) || doc.get_object().get(obj))
      return LineError(source_name, line_no, "not a JSON object");
    std::string_view hex, user;
    bool has_hex = false, has_user = false;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return LineError(source_name, line_no, "bad JSON key");
      if (key == "key.sha256") {
        if (field.value().get_string().get(hex))
          return LineError(source_name, line_no, "'key.sha256' must be a string");
        has_hex = true;
      } else if (key == "user.id") {
        if (field.value().get_string().get(user))
          return LineError(source_name, line_no, "'user.id' must be a string");
        has_user = true;
      }  // other fields are the registry's; ignored
    }
    // current_location() succeeds only when something follows the object.
    if (const char* rest = nullptr; !doc.current_location().get(rest))
      return LineError(source_name, line_no, "trailing characters after the object");
    if (!has_hex || !has_user)
      return LineError(source_name, line_no, "needs 'key.sha256' and 'user.id'");
    Sha256 h;
    if (!ParseSha256Hex(hex, &h))
      return LineError(source_name, line_no, "'key.sha256' is not 64 hex digits");
    if (user.empty()) return LineError(source_name, line_no, "'user.id' is empty");
    // The id is sent upstream in a header: no control characters.
    for (char c : user) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return LineError(source_name, line_no, "'user.id' holds a control character");
    }
    if (!t.by_hash_.emplace(h, std::string(user)).second)
      return LineError(source_name, line_no, "key given twice");
  }
  return t;
}

Result<ApiKeyTable> ApiKeyTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, path + ": cannot open API keys file");
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

std::string_view ApiKeyTable::Find(std::string_view key) const noexcept {
  if (key.empty()) return {};
  auto it = by_hash_.find(Sha256Of(key));
  return it == by_hash_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace hw::serve
