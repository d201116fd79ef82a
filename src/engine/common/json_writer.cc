#include "engine/common/json_writer.h"

#include <charconv>
#include <cmath>

namespace hw {

namespace {

// Length of a valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t Utf8SeqLen(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;
    if (b0 == 0xED && b1 > 0x9F) return 0;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;
    if (b0 == 0xF4 && b1 > 0x8F) return 0;
    return 4;
  }
  return 0;
}

}  // namespace

namespace {

// Bytes that can be copied as they are: printable ASCII but '"' and '\\'.
constexpr bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

struct PlainTable {
  bool v[256];
  constexpr PlainTable() : v() {
    for (int i = 0; i < 256; ++i) v[i] = IsPlain(static_cast<unsigned char>(i));
  }
};
constexpr PlainTable kPlain;

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    // Copy the longest run of plain bytes at once.
    size_t j = i;
    while (j < s.size() && kPlain.v[static_cast<unsigned char>(s[j])]) ++j;
    if (j > i) {
      out.append(s.data() + i, j - i);
      i = j;
      if (i == s.size()) break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SeqLen(s, i);
      if (n == 0) {
        out.append("\xEF\xBF\xBD");
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    ++i;
  }
  out.push_back('"');
}

void AppendJsonNumber(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void AppendJsonInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void JsonWriter::Sep() {
  if (need_comma_) out_.push_back(',');
}
JsonWriter& JsonWriter::BeginObject() {
  Sep();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::BeginArray() {
  Sep();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::Key(std::string_view k) {
  Sep();
  AppendJsonString(out_, k);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::String(std::string_view s) {
  Sep();
  AppendJsonString(out_, s);
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::Number(double v) {
  Sep();
  AppendJsonNumber(out_, v);
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::Int(int64_t v) {
  Sep();
  AppendJsonInt(out_, v);
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::Bool(bool b) {
  Sep();
  out_.append(b ? "true" : "false");
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::Null() {
  Sep();
  out_.append("null");
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::Raw(std::string_view json) {
  Sep();
  out_.append(json);
  need_comma_ = true;
  return *this;
}

}  // namespace hw
