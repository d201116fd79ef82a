#include "engine/features/normalize.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hw::features {
namespace {

constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ULL;

inline uint64_t Mix(uint64_t h, uint64_t v) noexcept {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

// Byte classes, by table: the fingerprint runs on every request.
enum : uint8_t {
  kAlpha = 1,    // A-Z a-z
  kUpper = 2,    // A-Z
  kDigit = 4,    // 0-9
  kHigh = 8,     // >= 0x80
  kCjkLead = 16  // 0xe3..0xe9
};
constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = kAlpha | kUpper;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = kDigit;
  for (int c = 0x80; c < 0x100; ++c) t[static_cast<size_t>(c)] = kHigh;
  // Lead bytes of three-byte UTF-8 sequences in the CJK blocks: each such
  // character is a word of its own, since those scripts do not separate words.
  for (int c = 0xe3; c <= 0xe9; ++c) t[static_cast<size_t>(c)] = kHigh | kCjkLead;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

inline uint8_t ClassOf(unsigned char c) noexcept { return kClasses[c]; }
inline bool IsAsciiAlpha(unsigned char c) noexcept { return ClassOf(c) & kAlpha; }
inline bool IsDigit(unsigned char c) noexcept { return ClassOf(c) & kDigit; }
inline bool IsCjkLead(unsigned char c) noexcept { return ClassOf(c) & kCjkLead; }

// A word's hash: its (lowercased) bytes packed eight to a 64-bit lane, each
// full lane mixed in; one multiply per eight bytes instead of one per byte.
class WordHash {
 public:
  void Add(unsigned char c) noexcept {
    acc_ = (acc_ << 8) | c;
    if (++n_ == 8) {
      h_ = Mix(h_, acc_);
      acc_ = 0;
      n_ = 0;
    }
  }
  // Same as Add for each of the k bytes at p. Loads 8 bytes at a time: the
  // 8 bytes from each of p[0 .. k-1] must be readable.
  void AddRun(const unsigned char* p, size_t k) noexcept {
    while (k > 0) {
      const size_t take = std::min<size_t>(k, 8 - n_);
      uint64_t w;
      std::memcpy(&w, p, sizeof w);
      // The first `take` bytes, the first one highest, as Add packs them.
      w = __builtin_bswap64(w) >> (64 - 8 * take);
      acc_ = take == 8 ? w : (acc_ << (8 * take)) | w;
      n_ += static_cast<unsigned>(take);
      p += take;
      k -= take;
      if (n_ == 8) {
        h_ = Mix(h_, acc_);
        acc_ = 0;
        n_ = 0;
      }
    }
  }
  uint64_t Done() const noexcept { return Mix(h_, acc_ | (uint64_t{n_} << 60)); }

 private:
  uint64_t h_ = kFnvBasis;
  uint64_t acc_ = 0;
  unsigned n_ = 0;
};

inline unsigned char Byte(std::string_view t, size_t i) noexcept {
  return static_cast<unsigned char>(t[i]);
}

// Non-ASCII punctuation at t[i]: how many bytes it spans (0 when it is none)
// and whether it ends a segment. Covers no-break space, ¡ ¿ « » ·, the general
// punctuation block U+2000..U+203F (spaces, dashes, quotes, bullets, ellipsis;
// not ’, which is an apostrophe inside words), the CJK symbols block
// U+3000..U+303F (ideographic space, 、 。 「 」 ...) and the full-width forms
// U+FF01..U+FF0F and U+FF1A..U+FF20 (！ ， ： ； ？ ...). Only 。 ！ ： ； ？
// end a segment.
struct Wide {
  int len = 0;
  bool stop = false;
};
inline Wide WidePunct(std::string_view t, size_t i) noexcept {
  const size_t n = t.size();
  const unsigned char a = Byte(t, i);
  if (a == 0xc2 && i + 1 < n) {
    const unsigned char b = Byte(t, i + 1);
    if (b == 0xa0 || b == 0xa1 || b == 0xab || b == 0xb7 || b == 0xbb || b == 0xbf)
      return {2, false};
    return {};
  }
  if (i + 2 >= n) return {};
  const unsigned char b = Byte(t, i + 1), c = Byte(t, i + 2);
  if (a == 0xe2 && b == 0x80 && c != 0x99) return {3, false};
  if (a == 0xe3 && b == 0x80) return {3, c == 0x82};
  if (a == 0xef && b == 0xbc && ((c >= 0x81 && c <= 0x8f) || (c >= 0x9a && c <= 0xa0))) {
    return {3, c == 0x81 || c == 0x9a || c == 0x9b || c == 0x9f};
  }
  return {};
}

// Paired quotation marks beyond ASCII: “…”, «…», 「…」.
struct QuotePair {
  std::string_view open, close;
};
constexpr QuotePair kQuotePairs[] = {
    {"\xe2\x80\x9c", "\xe2\x80\x9d"}, {"\xc2\xab", "\xc2\xbb"}, {"\xe3\x80\x8c", "\xe3\x80\x8d"}};

enum class Token : uint8_t { kWord, kNumber, kIdent, kName, kQuote, kCode };

// Accumulates one segment: its word and slot counts, whether it reads as code
// or a log line, and the hash of its first kTemplateLeadWords tokens.
struct Segment {
  int words = 0;
  int slots = 0;
  int lead = 0;
  bool code = false;
  uint64_t hash = kFnvBasis;

  void Add(Token t, uint64_t word_hash) noexcept {
    if (t == Token::kWord) {
      ++words;
    } else {
      ++slots;
    }
    if (lead < kTemplateLeadWords) {
      // All slot kinds hash alike: "a C# tool" and "a JavaScript tool" fill
      // one slot with a name and an identifier.
      hash = Mix(hash, t == Token::kWord ? word_hash : 1);
      ++lead;
    }
  }
  bool empty() const noexcept { return words == 0 && slots == 0; }
};

// kVector: take runs of lowercase-and-space prose past a segment's lead
// words (PlainRun) and runs of letters inside a word 16 bytes at a time.
// Without it every byte goes through the scalar path: the reference the
// vector paths are tested against.
template <bool kVector>
class TemplateHasher {
 public:
  TemplateHasher(std::string_view text, int max_prose) noexcept : t_(text), max_prose_(max_prose) {}

  uint64_t Run() noexcept {
    size_t i = 0;
    const size_t n = t_.size();
    bool line_start = true;
    while (i < n && prose_ < max_prose_) {
      const auto c = static_cast<unsigned char>(t_[i]);
#if defined(__SSE2__)
      if constexpr (kVector) {
        if (seg_.lead >= kTemplateLeadWords && i + 16 <= n && ((ClassOf(c) & kAlpha) || c == ' ')) {
          bool words = false;
          const size_t j = PlainRun(i, &words);
          if (j != i) {
            if (words) line_start = false;
            i = j;
            continue;
          }
        }
      }
#endif
      if (line_start && c == '`' && t_.substr(i, 3) == "```") {
        i = SkipFence(i);
        EndSegment();
        EmitMarker(Token::kCode);
        line_start = true;
        continue;
      }
      const bool at_line_start = line_start;
      if (c != ' ' && c != '\t') line_start = false;
      if (ClassOf(c) & kAlpha) {  // most tokens: tested first
        i = AnyWord(i);
      } else if (c == ' ') {  // the commonest separator, which marks nothing
        ++i;
      } else if (c == '\n') {
        EndSegment();
        line_start = true;
        ++i;
      } else if (c == '.' || c == '?' || c == '!' || c == ':' || c == ';') {
        // A stop ends a segment only before a space, a line end, a non-ASCII
        // character (CJK text has no spaces) or the end: "3.5", "a.b" and
        // "http://" stay inside their token.
        if (i + 1 >= n || t_[i + 1] == ' ' || t_[i + 1] == '\n' || t_[i + 1] == '\r' ||
            t_[i + 1] == '\t' || static_cast<unsigned char>(t_[i + 1]) >= 0x80) {
          EndSegment();
        }
        ++i;
      } else if (c == '"' || c == '`') {
        i = Quoted(i, c);
      } else if (IsDigit(c)) {
        i = Number(i);
      } else if (c >= 0x80 && NonAscii(&i)) {
        // Handled: a quoted span or wide punctuation.
      } else if (IsAsciiAlpha(c) || c == '_' || (c >= 0x80 && !IsCjkLead(c))) {
        i = AnyWord(i);
      } else if (IsCjkLead(c)) {
        seg_.Add(Token::kWord,
                 Mix(kFnvBasis, (static_cast<uint64_t>(c) << 16) |
                                    (i + 1 < n ? static_cast<unsigned char>(t_[i + 1]) << 8 : 0) |
                                    (i + 2 < n ? static_cast<unsigned char>(t_[i + 2]) : 0)));
        i += 3;
      } else {
        // Punctuation and spaces separate tokens; a comma does not end a
        // segment. Call syntax, braces, arrows, a comma without a space (CSV)
        // and a shell prompt mark a line of code, data or a log, which is
        // data however many words it has.
        const unsigned char next = i + 1 < n ? static_cast<unsigned char>(t_[i + 1]) : 0;
        const unsigned char prev = i > 0 ? static_cast<unsigned char>(t_[i - 1]) : 0;
        if ((c == '(' && (IsAsciiAlpha(prev) || IsDigit(prev) || prev == '_')) ||
            (c == ',' && (IsAsciiAlpha(next) || next == '_' || next == '/')) || c == '{' ||
            c == '}' || ((c == '-' || c == '=') && next == '>') ||
            (c == '$' && next == ' ' && at_line_start)) {
          seg_.code = true;
        }
        ++i;
      }
    }
    EndSegment();
    return prose_ == 0 ? 0 : (hash_ == 0 ? 1 : hash_);
  }

 private:
#if defined(__SSE2__)
  // Past a segment's lead words a word token counts only as a word or a
  // slot, so plain prose needs no token-by-token walk: from i (a token
  // start), takes 16-byte blocks of ASCII letters, spaces, ", " and inner
  // ' or - (before a letter), up to the last space of the run so that every
  // word taken is whole. Each letter run is one token, as Word reads it: a
  // word, or a slot when it holds a capital (inside a non-empty segment both
  // a capitalised name and an inner capital are slots). Returns where it
  // stopped (i when it took nothing); *words is set when it took a word.
  size_t PlainRun(size_t i, bool* words) noexcept {
    const size_t n = t_.size();
    while (i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t_.data() + i));
      const __m128i lowered = _mm_or_si128(v, _mm_set1_epi8(0x20));
      const auto letter = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(lowered, _mm_set1_epi8('a' - 1)),
                                          _mm_cmplt_epi8(lowered, _mm_set1_epi8('z' + 1)))));
      const auto space =
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' '))));
      const auto comma =
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(','))));
      const auto joiner = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
          _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-')))));
      // A comma before a space separates; before a letter it marks CSV data.
      // A ' or - before a letter is inside a word (or, after a space, a
      // punctuation mark before one: the same single token). Bit 15 cannot
      // see its next byte, so those are left to the byte path.
      const unsigned in_word = letter | (joiner & (letter >> 1));
      const unsigned simple = in_word | space | (comma & (space >> 1));
      const auto run = static_cast<unsigned>(std::countr_one(simple));
      const unsigned spaces = space & (run == 16 ? 0xffffu : (1u << run) - 1);
      if (spaces == 0) break;
      const auto last = static_cast<unsigned>(std::bit_width(spaces)) - 1;
      const unsigned taken = (2u << last) - 1;
      const unsigned w = in_word & taken;
      unsigned starts = w & ~(w << 1);
      const unsigned upper =
          ~static_cast<unsigned>(_mm_movemask_epi8(_mm_slli_epi16(v, 2))) & letter & taken;
      int slots = 0;
      if (upper != 0) {
        // Tokens holding a capital: the start at or before each capital,
        // counted once per token.
        unsigned left = upper;
        int counted = -1;
        while (left != 0) {
          const int u = std::countr_zero(left);
          left &= left - 1;
          const int s = std::bit_width(starts & ((2u << u) - 1)) - 1;
          if (s != counted) {
            ++slots;
            counted = s;
          }
        }
      }
      const int tokens = std::popcount(starts);
      seg_.words += tokens - slots;
      seg_.slots += slots;
      if (tokens != 0) *words = true;
      i += last + 1;
      if (run < 16) break;
    }
    return i;
  }
#endif

  // Quotation marks and punctuation beyond ASCII at *i: consumes them and
  // returns true, or returns false for a letter or an ideograph.
  bool NonAscii(size_t* i) noexcept {
    for (const QuotePair& q : kQuotePairs) {
      if (t_.substr(*i, q.open.size()) == q.open) {
        *i = PairQuoted(*i, q);
        return true;
      }
    }
    const Wide w = WidePunct(t_, *i);
    if (w.len == 0) return false;
    if (w.stop) EndSegment();
    *i += static_cast<size_t>(w.len);
    return true;
  }

  size_t SkipFence(size_t i) noexcept {
    const size_t close = t_.find("```", i + 3);
    if (close == std::string_view::npos) return t_.size();
    const size_t eol = t_.find('\n', close + 3);
    return eol == std::string_view::npos ? t_.size() : eol + 1;
  }

  size_t Quoted(size_t i, unsigned char q) noexcept {
    // A quoted span on one line, at most 400 bytes, is one slot; an unpaired
    // quote is punctuation.
    const size_t limit = std::min(t_.size(), i + 401);
    for (size_t j = i + 1; j < limit; ++j) {
      if (t_[j] == '\n') break;
      if (static_cast<unsigned char>(t_[j]) == q) {
        seg_.Add(Token::kQuote, 0);
        return j + 1;
      }
    }
    return i + 1;
  }

  // A span between paired quotation marks on one line, at most 400 bytes, is
  // one slot; an unpaired mark is punctuation.
  size_t PairQuoted(size_t i, const QuotePair& q) noexcept {
    const size_t from = i + q.open.size();
    const size_t limit = std::min(t_.size(), from + 400);
    for (size_t j = from; j < limit; ++j) {
      if (t_[j] == '\n') break;
      if (t_.substr(j, q.close.size()) == q.close) {
        seg_.Add(Token::kQuote, 0);
        return j + q.close.size();
      }
    }
    return from;
  }

  size_t Number(size_t i) noexcept {
    size_t j = i;
    while (j < t_.size()) {
      const auto c = static_cast<unsigned char>(t_[j]);
      if (IsDigit(c) || IsAsciiAlpha(c) || c == '_') {
        ++j;
      } else if ((c == '.' || c == ',') && j + 1 < t_.size() &&
                 IsDigit(static_cast<unsigned char>(t_[j + 1]))) {
        ++j;
      } else {
        break;
      }
    }
    seg_.Add(Token::kNumber, 0);
    return j;
  }

  // Past a segment's lead words only the token's kind counts (words vs
  // slots): its hash would be dropped, so it is not computed.
  size_t AnyWord(size_t i) noexcept {
    return seg_.lead < kTemplateLeadWords ? Word<true>(i) : Word<false>(i);
  }

  template <bool kHash>
  size_t Word(size_t i) noexcept {
    const size_t start = i;
    const size_t n = t_.size();
    WordHash h;
    bool digit = false, underscore = false, inner_upper = false, path = false;
    while (i < n) {
#if defined(__SSE2__)
      // A run of ASCII letters, 16 bytes at a time (whole blocks inside the
      // text only): what the byte loop below does for each letter, at once.
      if (kVector && i + 16 <= n) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t_.data() + i));
        const __m128i lowered = _mm_or_si128(v, _mm_set1_epi8(0x20));
        const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lowered, _mm_set1_epi8('a' - 1)),
                                             _mm_cmplt_epi8(lowered, _mm_set1_epi8('z' + 1)));
        const auto letters = static_cast<unsigned>(_mm_movemask_epi8(letter));
        const auto run = static_cast<size_t>(std::countr_one(letters));
        if (run > 0) {
          const unsigned in_run = run == 16 ? 0xffffu : (1u << run) - 1;
          // Capitals: bit 5 clear in a letter. The word's first byte does
          // not count.
          const unsigned upper =
              ~static_cast<unsigned>(_mm_movemask_epi8(_mm_slli_epi16(v, 2))) & in_run;
          if ((upper & (i == start ? ~1u : ~0u)) != 0) inner_upper = true;
          if constexpr (kHash) {
            alignas(16) unsigned char bytes[32] = {};
            _mm_store_si128(reinterpret_cast<__m128i*>(bytes), lowered);
            h.AddRun(bytes, run);
          }
          i += run;
          if (run == 16) continue;
        }
      }
#endif
      const auto c = static_cast<unsigned char>(t_[i]);
      const uint8_t k = ClassOf(c);
      if (k & kAlpha) {
        if ((k & kUpper) && i > start) inner_upper = true;
        if constexpr (kHash) h.Add(c | 0x20);
      } else if (k & kHigh) {
        if ((k & kCjkLead) || WidePunct(t_, i).len != 0) break;
        if constexpr (kHash) h.Add(c);
      } else if (k & kDigit) {
        digit = true;
      } else if (c == '_') {
        underscore = true;
      } else if ((c == '\'' || c == '-') && i + 1 < n &&
                 IsAsciiAlpha(static_cast<unsigned char>(t_[i + 1]))) {
        if constexpr (kHash) h.Add(c);  // don't, step-by-step
      } else if ((c == '.' || c == '/' || c == ':' || c == '-') && i + 1 < n &&
                 (ClassOf(static_cast<unsigned char>(t_[i + 1])) & (kAlpha | kDigit) ||
                  (c != '-' && t_[i + 1] == '/'))) {
        path = true;  // java.util.List, src/main.py, https://x, fix-42
      } else {
        break;
      }
      ++i;
    }
    if (i == start) return start + 1;  // unreachable: the caller saw a word byte
    Token kind = Token::kWord;
    if (digit || underscore || inner_upper || path) {
      kind = Token::kIdent;
    } else if ((ClassOf(static_cast<unsigned char>(t_[start])) & kUpper) && !seg_.empty()) {
      // Capitalised inside a sentence: a name, a product, a language.
      kind = Token::kName;
    }
    seg_.Add(kind, kHash ? h.Done() : 0);
    return i;
  }

  void EmitMarker(Token t) noexcept {
    // Consecutive data segments collapse into one marker: a data block's
    // length is filling, not template.
    if (last_marker_ == static_cast<int>(t)) return;
    hash_ = Mix(hash_, 0x100 + static_cast<uint64_t>(t));
    last_marker_ = static_cast<int>(t);
  }

  void EndSegment() noexcept {
    if (seg_.empty()) return;
    if (seg_.code) {
      EmitMarker(Token::kCode);
    } else if (seg_.words >= 2 && seg_.words >= seg_.slots) {
      hash_ = Mix(hash_, seg_.hash);
      last_marker_ = -1;
      ++prose_;
    } else if (seg_.words == 1 && seg_.slots == 0) {
      // A one-word segment ("Task:", "Answer:") is a label of the template.
      hash_ = Mix(hash_, seg_.hash);
      last_marker_ = -1;
    } else {
      EmitMarker(Token::kCode);
    }
    seg_ = Segment();
  }

  std::string_view t_;
  int max_prose_;
  Segment seg_;
  uint64_t hash_ = kFnvBasis;
  int prose_ = 0;
  int last_marker_ = -1;
};

}  // namespace

uint64_t TemplateFingerprint(std::string_view text, int max_prose_segments) noexcept {
  return TemplateHasher<true>(text, max_prose_segments).Run();
}

namespace detail {
uint64_t TemplateFingerprintReference(std::string_view text, int max_prose_segments) noexcept {
  return TemplateHasher<false>(text, max_prose_segments).Run();
}
}  // namespace detail

}  // namespace hw::features
