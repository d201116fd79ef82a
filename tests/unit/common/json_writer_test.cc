#include "engine/common/json_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "engine/common/rng.h"

namespace hw {
namespace {

TEST(JsonWriter, EscapesAndReplacesInvalidUtf8) {
  std::string out;
  AppendJsonString(out, std::string_view("a\"b\\c\n\x01\xff\xc3\xa9", 10));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\xc3\xa9\"");
}

TEST(JsonWriter, InsertsCommas) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("a").Int(1).Key("b").BeginArray().String("x").Number(0.5).Null().EndArray();
  w.Key("c").Bool(true).EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":["x",0.5,null],"c":true})");
}

// The byte-at-a-time escaper AppendJsonString replaced, as the reference.
size_t RefUtf8SeqLen(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto b1 = [&] { return static_cast<unsigned char>(s[i + 1]); };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if ((b0 == 0xE0 && b1() < 0xA0) || (b0 == 0xED && b1() > 0x9F)) return 0;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if ((b0 == 0xF0 && b1() < 0x90) || (b0 == 0xF4 && b1() > 0x8F)) return 0;
    return 4;
  }
  return 0;
}

std::string Reference(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = RefUtf8SeqLen(s, i);
      out.append(n ? s.substr(i, n) : std::string_view("\xEF\xBF\xBD"));
      i += n ? n : 1;
      continue;
    }
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out + "\"";
}

// Both entry points, the raw one into a buffer of exactly JsonStringMaxSize.
void ExpectEscapes(std::string_view s, const std::string& want) {
  std::string out = "prefix";
  AppendJsonString(out, s);
  ASSERT_EQ(out, "prefix" + want) << "input size " << s.size();
  auto buf = std::make_unique<char[]>(JsonStringMaxSize(s.size()));
  const char* end = WriteJsonString(buf.get(), s);
  ASSERT_LE(static_cast<size_t>(end - buf.get()), 6 * s.size() + 2);
  ASSERT_EQ(std::string(buf.get(), static_cast<size_t>(end - buf.get())), want);
}

TEST(JsonWriter, EveryControlByteIsEscaped) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string s(1, static_cast<char>(c));
    std::string want;
    switch (c) {
      case '\n':
        want = "\"\\n\"";
        break;
      case '\r':
        want = "\"\\r\"";
        break;
      case '\t':
        want = "\"\\t\"";
        break;
      default: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\"\\u%04x\"", c);
        want = buf;
      }
    }
    ExpectEscapes(s, want);
    // The same byte inside a long run of plain text, at every offset of a
    // 16-byte block.
    for (size_t at = 0; at < 40; ++at) {
      std::string t(48, 'x');
      t[at] = static_cast<char>(c);
      ExpectEscapes(t, Reference(t));
    }
  }
  ExpectEscapes("\x7f", "\"\x7f\"");  // DEL is printable for JSON
  ExpectEscapes("\"\\/", "\"\\\"\\\\/\"");
}

TEST(JsonWriter, Utf8KeptAndInvalidBytesReplaced) {
  // Valid: 2-, 3- and 4-byte sequences, including the edges of each range.
  for (const char* ok : {"\xc2\x80", "\xdf\xbf", "\xc3\xa9", "\xe0\xa0\x80", "\xe4\xb8\xad",
                         "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
                         "\xf0\x9f\x99\x8f", "\xf4\x8f\xbf\xbf"}) {
    ExpectEscapes(ok, std::string("\"") + ok + "\"");
    ExpectEscapes(std::string(20, 'a') + ok, "\"" + std::string(20, 'a') + ok + "\"");
  }
  // Invalid: lone continuation, overlong, surrogates, beyond U+10FFFF,
  // truncated at the end of the input, 0xC0/0xC1/0xF5..0xFF.
  for (const char* bad :
       {"\x80", "\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf0\x80\x80\x80",
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xc3", "\xe4\xb8", "\xf0\x9f\x99"}) {
    ExpectEscapes(bad, Reference(bad));
    EXPECT_NE(Reference(bad).find("\xEF\xBF\xBD"), std::string::npos) << bad;
  }
  for (int b = 0; b < 256; ++b) {
    const std::string s = "ab" + std::string(1, static_cast<char>(b)) + "cd";
    ExpectEscapes(s, Reference(s));
  }
}

TEST(JsonWriter, MatchesTheReferenceOnRandomText) {
  static const char* const kPieces[] = {"a",
                                        "hello world ",
                                        "\"",
                                        "\\",
                                        "\n",
                                        "\t",
                                        "\r",
                                        "\x01",
                                        "\x1f",
                                        "\xc3\xa9",
                                        "\xe4\xb8\xad",
                                        "\xf0\x9f\x99\x8f",
                                        "\xff",
                                        "\xc3",
                                        "\xf0\x9f",
                                        "\xed\xa0\x80",
                                        "0123456789abcdefghij",
                                        "```python\nprint(\"x\")\n```"};
  Rng r(11);
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    const uint64_t n = r.Below(40);
    for (uint64_t k = 0; k < n; ++k) s += kPieces[r.Below(std::size(kPieces))];
    ExpectEscapes(s, Reference(s));
  }
  ExpectEscapes("", "\"\"");
}

TEST(JsonWriter, AppendsFromItsOwnBuffer) {
  std::string out = "say \"hi\"";
  AppendJsonString(out, std::string_view(out).substr(4));
  EXPECT_EQ(out, "say \"hi\"\"\\\"hi\\\"\"");
}

}  // namespace
}  // namespace hw
