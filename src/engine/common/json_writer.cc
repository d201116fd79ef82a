#include "engine/common/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hw {

namespace {

// Length of a valid UTF-8 sequence starting at s[0] (a byte >= 0x80), given
// `n` bytes available, or 0 when invalid.
inline size_t Utf8SeqLen(const unsigned char* s, size_t n) noexcept {
  const unsigned b0 = s[0];
  auto cont = [&](size_t k) { return k < n && (s[k] & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (b0 == 0xE0 && s[1] < 0xA0) return 0;
    if (b0 == 0xED && s[1] > 0x9F) return 0;
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (b0 == 0xF0 && s[1] < 0x90) return 0;
    if (b0 == 0xF4 && s[1] > 0x8F) return 0;
    return 4;
  }
  return 0;
}

// Bytes that can be copied as they are: printable ASCII but '"' and '\\'.
constexpr bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

struct PlainTable {
  bool v[256];
  constexpr PlainTable() : v() {
    for (int i = 0; i < 256; ++i) v[i] = IsPlain(static_cast<unsigned char>(i));
  }
};
constexpr PlainTable kPlain;

// Escapes of the ASCII bytes that need one, stored in 8 bytes so that they
// are copied whole; `n` bytes of each are the escape.
struct Escape {
  char s[8] = {};
  uint8_t n = 0;
};
struct EscapeTable {
  Escape v[128];
  constexpr EscapeTable() : v() {
    constexpr char kHex[] = "0123456789abcdef";
    for (int c = 0; c < 128; ++c) {
      Escape& e = v[c];
      e.s[0] = '\\';
      e.n = 2;
      switch (c) {
        case '"':
          e.s[1] = '"';
          break;
        case '\\':
          e.s[1] = '\\';
          break;
        case '\n':
          e.s[1] = 'n';
          break;
        case '\r':
          e.s[1] = 'r';
          break;
        case '\t':
          e.s[1] = 't';
          break;
        default:
          e.s[1] = 'u';
          e.s[2] = '0';
          e.s[3] = '0';
          e.s[4] = kHex[c >> 4];
          e.s[5] = kHex[c & 15];
          e.n = 6;
      }
    }
  }
};
constexpr EscapeTable kEscapes;

// Output room, in bytes, that one step of the escaper may need: a 32-byte
// block stored whole, then, at most 31 bytes into it, an 8-byte escape copy
// (or a 3- or 4-byte UTF-8 sequence).
constexpr size_t kStep = 31 + 8;

// The escaper: runs of plain bytes are found 16 at a time and stored whole
// (SSE2). Writes the literal, quotes included, through `Room`, which returns
// the output buffer with at least kStep bytes free at offset `o` (`i` bytes
// of input done); returns the length written.
template <typename Room>
size_t EscapeJson(const unsigned char* s, size_t n, Room&& room) noexcept {
  char* d = room(0, 0);
  size_t o = 0, i = 0;
  d[o++] = '"';
  while (i < n) {
    d = room(o, i);
#if defined(__SSE2__)
    if (i + 16 <= n) {
      // Signed compare: bytes >= 0x80 are negative, so one compare finds
      // control bytes and non-ASCII.
      const auto special = [](__m128i v) {
        return static_cast<unsigned>(
            _mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                           _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))))));
      };
      const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o), v0);
      unsigned mask = special(v0);
      size_t width = 16;
      if (mask == 0 && i + 32 <= n) {
        const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 16));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o + 16), v1);
        mask = special(v1) << 16;
        width = 32;
      }
      if (mask == 0) {
        i += width;
        o += width;
        continue;
      }
      const unsigned k = static_cast<unsigned>(__builtin_ctz(mask));
      i += k;
      o += k;
    } else
#endif
    {
      if (kPlain.v[s[i]]) {
        d[o++] = static_cast<char>(s[i++]);
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c >= 0x80) {
      const size_t len = Utf8SeqLen(s + i, n - i);
      if (len == 0) {
        // U+FFFD into a JSON literal, not a C string.
        // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
        std::memcpy(d + o, "\xEF\xBF\xBD", 3);
        o += 3;
        ++i;
      } else {
        for (size_t k = 0; k < len; ++k) d[o + k] = static_cast<char>(s[i + k]);
        o += len;
        i += len;
      }
      continue;
    }
    const Escape& e = kEscapes.v[c];
    std::memcpy(d + o, e.s, 8);
    o += e.n;
    ++i;
  }
  d = room(o, n);
  d[o++] = '"';
  return o;
}

}  // namespace

char* WriteJsonString(char* dst, std::string_view text) noexcept {
  // Bound: after i input bytes o <= 1 + 6 * i. A step that stores 16 (32)
  // bytes at `o` has i + 16 (32) <= n; an escape copy of 8 bytes at
  // o <= 1 + 6 * (n - 1) ends by 6 * n + 3; so JsonStringMaxSize's slack
  // covers both.
  const size_t len = EscapeJson(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                                [dst](size_t, size_t) { return dst; });
  return dst + len;
}

// The string is grown in large steps (resize, then trimmed at the end) so
// that no byte is appended one call at a time.
void AppendJsonString(std::string& out, std::string_view text) {
  if (text.data() >= out.data() && text.data() < out.data() + out.capacity()) {
    // `text` lives in `out`, which is about to grow.
    const std::string copy(text);
    AppendJsonString(out, copy);
    return;
  }
  const size_t n = text.size();
  const size_t base = out.size();
  size_t room = n + 2 + kStep;
  out.resize(base + room);
  const size_t len =
      EscapeJson(reinterpret_cast<const unsigned char*>(text.data()), n, [&](size_t o, size_t i) {
        if (o + kStep > room) {
          room = o + kStep + (n - i) + (n - i) / 4 + 64;
          out.resize(base + room);
        }
        return out.data() + base;
      });
  out.resize(base + len);
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
