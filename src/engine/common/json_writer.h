// Appends JSON text to a std::string. Used for every output file so that
// escaping and number formatting are the same everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hw {

// Appends `s` as a JSON string literal (with quotes). Invalid UTF-8 bytes are
// replaced with U+FFFD so that output is always valid JSON.
void AppendJsonString(std::string& out, std::string_view s);
// Room for the JSON string literal of `n` input bytes (it takes at most
// 6 * n + 2; WriteJsonString may store a few bytes past its end).
constexpr size_t JsonStringMaxSize(size_t n) { return 6 * n + 16; }
// Writes the same literal as AppendJsonString at `dst`, which must have room
// for JsonStringMaxSize(s.size()) bytes; returns the end of what was written.
char* WriteJsonString(char* dst, std::string_view s) noexcept;
// Shortest round-trip representation; NaN/inf become null.
void AppendJsonNumber(std::string& out, double v);
void AppendJsonInt(std::string& out, int64_t v);

// A minimal streaming writer that inserts commas. Not validating: callers
// pair Begin/End calls.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view k);
  JsonWriter& String(std::string_view s);
  JsonWriter& Number(double v);
  JsonWriter& Int(int64_t v);
  JsonWriter& Bool(bool b);
  JsonWriter& Null();
  // Already-encoded JSON.
  JsonWriter& Raw(std::string_view json);

 private:
  void Sep();
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace hw
