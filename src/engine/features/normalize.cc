#include "engine/features/normalize.h"

#include <array>
#include <cstddef>

namespace hw::features {
namespace {

constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

inline uint64_t Mix(uint64_t h, uint64_t v) noexcept {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

inline bool IsAsciiAlpha(unsigned char c) noexcept {
  return static_cast<unsigned char>((c | 0x20) - 'a') < 26;
}
inline bool IsDigit(unsigned char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }
inline bool IsUpper(unsigned char c) noexcept { return static_cast<unsigned char>(c - 'A') < 26; }

// Lead bytes of three-byte UTF-8 sequences in the CJK blocks: each such
// character is a word of its own, since those scripts do not separate words.
inline bool IsCjkLead(unsigned char c) noexcept { return c >= 0xe3 && c <= 0xe9; }

// CJK full stop, question and exclamation marks end a segment.
inline bool IsCjkStop(std::string_view t, size_t i) noexcept {
  if (i + 2 >= t.size()) return false;
  const auto a = static_cast<unsigned char>(t[i]), b = static_cast<unsigned char>(t[i + 1]),
             c = static_cast<unsigned char>(t[i + 2]);
  return (a == 0xe3 && b == 0x80 && c == 0x82) ||
         (a == 0xef && b == 0xbc && (c == 0x9f || c == 0x81));
}

enum class Token : uint8_t { kWord, kNumber, kIdent, kName, kQuote, kCode };

// Accumulates one segment: its word and slot counts and the hash of its
// first kTemplateLeadWords tokens.
struct Segment {
  int words = 0;
  int slots = 0;
  int lead = 0;
  uint64_t hash = kFnvBasis;

  void Add(Token t, uint64_t word_hash) noexcept {
    if (t == Token::kWord) {
      ++words;
    } else {
      ++slots;
    }
    if (lead < kTemplateLeadWords) {
      hash = Mix(hash, t == Token::kWord ? word_hash : static_cast<uint64_t>(t) + 1);
      ++lead;
    }
  }
  bool empty() const noexcept { return words == 0 && slots == 0; }
};

class TemplateHasher {
 public:
  explicit TemplateHasher(std::string_view text) noexcept : t_(text) {}

  uint64_t Run() noexcept {
    size_t i = 0;
    const size_t n = t_.size();
    bool line_start = true;
    while (i < n) {
      const auto c = static_cast<unsigned char>(t_[i]);
      if (line_start && c == '`' && t_.substr(i, 3) == "```") {
        i = SkipFence(i);
        EndSegment();
        EmitMarker(Token::kCode);
        line_start = true;
        continue;
      }
      line_start = false;
      if (c == '\n') {
        EndSegment();
        line_start = true;
        ++i;
      } else if (c == '.' || c == '?' || c == '!' || c == ':' || c == ';') {
        // A stop ends a segment only before a space or the end: "3.5", "a.b"
        // and "http://" stay inside their token.
        if (i + 1 >= n || t_[i + 1] == ' ' || t_[i + 1] == '\n') EndSegment();
        ++i;
      } else if (c == '"' || c == '`') {
        i = Quoted(i, c);
      } else if (IsDigit(c)) {
        i = Number(i);
      } else if (IsAsciiAlpha(c) || c == '_' || (c >= 0x80 && !IsCjkLead(c))) {
        i = Word(i);
      } else if (IsCjkLead(c)) {
        if (IsCjkStop(t_, i)) {
          EndSegment();
        } else {
          seg_.Add(Token::kWord,
                   Mix(kFnvBasis, (static_cast<uint64_t>(c) << 16) |
                                      (i + 1 < n ? static_cast<unsigned char>(t_[i + 1]) << 8 : 0) |
                                      (i + 2 < n ? static_cast<unsigned char>(t_[i + 2]) : 0)));
        }
        i += 3;
      } else if (c == 0xe2 && i + 2 < n && static_cast<unsigned char>(t_[i + 1]) == 0x80 &&
                 static_cast<unsigned char>(t_[i + 2]) == 0x9c) {
        i = CurlyQuoted(i);
      } else {
        // Punctuation and spaces separate tokens; a comma does not end a segment.
        ++i;
      }
    }
    EndSegment();
    return prose_ == 0 ? 0 : (hash_ == 0 ? 1 : hash_);
  }

 private:
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

  size_t CurlyQuoted(size_t i) noexcept {
    const size_t limit = std::min(t_.size(), i + 403);
    for (size_t j = i + 3; j + 2 < limit; ++j) {
      if (t_[j] == '\n') break;
      if (static_cast<unsigned char>(t_[j]) == 0xe2 &&
          static_cast<unsigned char>(t_[j + 1]) == 0x80 &&
          static_cast<unsigned char>(t_[j + 2]) == 0x9d) {
        seg_.Add(Token::kQuote, 0);
        return j + 3;
      }
    }
    return i + 3;
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

  size_t Word(size_t i) noexcept {
    const size_t start = i;
    uint64_t h = kFnvBasis;
    bool digit = false, underscore = false, inner_upper = false;
    while (i < t_.size()) {
      const auto c = static_cast<unsigned char>(t_[i]);
      if (IsAsciiAlpha(c)) {
        if (i > start && IsUpper(c)) inner_upper = true;
        h = (h ^ (c | 0x20)) * kFnvPrime;
      } else if (c >= 0x80 && !IsCjkLead(c)) {
        h = (h ^ c) * kFnvPrime;
      } else if (IsDigit(c)) {
        digit = true;
      } else if (c == '_') {
        underscore = true;
      } else if ((c == '\'' || c == '-') && i + 1 < t_.size() &&
                 IsAsciiAlpha(static_cast<unsigned char>(t_[i + 1]))) {
        h = (h ^ c) * kFnvPrime;  // don't, step-by-step
      } else {
        break;
      }
      ++i;
    }
    Token kind = Token::kWord;
    if (digit || underscore || inner_upper) {
      kind = Token::kIdent;
    } else if (IsUpper(static_cast<unsigned char>(t_[start])) && !seg_.empty()) {
      // Capitalised inside a sentence: a name, a product, a language.
      kind = Token::kName;
    }
    seg_.Add(kind, h);
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
    if (seg_.words >= 2 && seg_.words >= seg_.slots) {
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
  Segment seg_;
  uint64_t hash_ = kFnvBasis;
  int prose_ = 0;
  int last_marker_ = -1;
};

}  // namespace

uint64_t TemplateFingerprint(std::string_view text) noexcept { return TemplateHasher(text).Run(); }

}  // namespace hw::features
