// Private machinery of the prompt grammars (included by grammar*.cc only).
//
// Two kinds of choice exist while a text is written:
//  - skeleton choices (which phrase, which order, which labels): a pure
//    function of the template seed (Skel, Para), or fresh draws from the rng
//    in free-form mode (template seed 0);
//  - slot values (topics, numbers, names, code, data): always drawn from the
//    rng, so that two prompts of one template differ only there.
//
// Phrases are plain string_views with slots:
//  - prose slots `{X}` (see EmitSlot in grammar_words.cc for the letters);
//  - data slots `@x` and inline choices `@{a|b|c}` (code, logs, tables,
//    problems), which leave `{`, `}` free for the code itself; `@@` is `@`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/common/rng.h"
#include "engine/sim/grammar.h"

namespace hw::sim::gram {

using Sv = std::string_view;

struct List {
  const Sv* p;
  uint32_t n;
  Sv operator[](size_t i) const noexcept { return p[i]; }
};
template <size_t N>
constexpr List Of(const Sv (&a)[N]) noexcept {
  return {a, static_cast<uint32_t>(N)};
}

// Part ids feed the template hash; every skeleton decision uses its own id.
enum Part : uint32_t {
  kPStyle = 1,
  kPLabels,
  kPLead,
  kPLeadOn,
  kPOrder,
  kPSub,
  kPIntro,
  kPIntro2,
  kPIntroOn,
  kPRequest,
  kPRequest2,
  kPBody,
  kPConstraintN,
  kPConstraint,  // + 64 * i
  kPFormatOn,
  kPFormat,
  kPFormat2,
  kPClose,
  kPCloseOn,
  kPFrameTail,
  kPFrameTail2,
  kPFrameTailOn,
  kPRubric,
  kPRubricN,
  kPRubricStyle,
  kPRubricPts,
  kPSynthFields,
  kPSynthDiv,
  kPSynthExample,
  kPPersonaTrait,
  kPPersonaStay,
  kPBatch,
  kPLocal,        // + 64 * i for the non-English grammar
  kPSlot = 4096,  // + letter: skeleton-bound slot values
};

// The text being written: the part of std::string's interface the grammars
// use, with inline appends (a prompt is written in many small pieces, and
// std::string's out-of-line appends were a fifth of the simulator's time).
// Entry points write into their thread's Text (ThreadText) and copy the
// result to the caller's string once.
class Text {
 public:
  // NOLINTNEXTLINE(readability-identifier-naming): named as std::string's
  static constexpr size_t npos = std::string::npos;
  // Bytes past the capacity that are always allocated and initialised, so
  // that readers may load 32 bytes at a time up to the end (WritePromptJson).
  static constexpr size_t kReadSlack = 32;

  Text() = default;
  Text(const Text&) = delete;
  Text& operator=(const Text&) = delete;

  size_t size() const noexcept { return n_; }
  bool empty() const noexcept { return n_ == 0; }
  const char* data() const noexcept { return p_; }
  char* data() noexcept { return p_; }
  char& operator[](size_t i) noexcept { return p_[i]; }
  char operator[](size_t i) const noexcept { return p_[i]; }
  char back() const noexcept { return p_[n_ - 1]; }
  std::string_view view() const noexcept { return {p_, n_}; }
  void clear() noexcept { n_ = 0; }

  void push_back(char ch) {
    if (n_ == cap_) Grow(1);
    p_[n_++] = ch;
  }
  void pop_back() noexcept { --n_; }
  Text& append(std::string_view s) { return append(s.data(), s.size()); }
  Text& append(const char* s, size_t n) {
    // The size is kept in a register: the copy's char stores could alias n_.
    const size_t at = n_;
    if (cap_ - at < n) Grow(n);
    Copy(p_ + at, s, n);
    n_ = at + n;
    return *this;
  }
  // Room for `n` bytes in all (size() is unchanged).
  void reserve(size_t n) {
    if (n > cap_) Grow(n - n_);
  }
  // Shrinks, or grows with NUL bytes.
  void resize(size_t n) {
    if (n > n_) {
      if (cap_ < n) Grow(n - n_);
      std::memset(p_ + n_, 0, n - n_);
    }
    n_ = n;
  }
  void insert(size_t pos, std::string_view s) {
    if (cap_ - n_ < s.size()) Grow(s.size());
    std::memmove(p_ + pos + s.size(), p_ + pos, n_ - pos);
    std::memcpy(p_ + pos, s.data(), s.size());
    n_ += s.size();
  }
  void insert(size_t pos, char ch) { insert(pos, std::string_view(&ch, 1)); }
  void erase(size_t pos, size_t n) noexcept {
    std::memmove(p_ + pos, p_ + pos + n, n_ - pos - n);
    n_ -= n;
  }
  size_t find(char ch, size_t pos = 0) const noexcept {
    if (pos >= n_) return npos;
    const void* q = std::memchr(p_ + pos, ch, n_ - pos);
    return q == nullptr ? npos : static_cast<size_t>(static_cast<const char*>(q) - p_);
  }

 private:
  // Small copies without a call (most pieces are a few words).
  static void Copy(char* d, const char* s, size_t n) noexcept {
    if (n <= 16) {
      if (n >= 8) {
        uint64_t a, b;
        std::memcpy(&a, s, 8);
        std::memcpy(&b, s + n - 8, 8);
        std::memcpy(d, &a, 8);
        std::memcpy(d + n - 8, &b, 8);
      } else if (n >= 4) {
        uint32_t a, b;
        std::memcpy(&a, s, 4);
        std::memcpy(&b, s + n - 4, 4);
        std::memcpy(d, &a, 4);
        std::memcpy(d + n - 4, &b, 4);
      } else if (n >= 2) {
        uint16_t a, b;
        std::memcpy(&a, s, 2);
        std::memcpy(&b, s + n - 2, 2);
        std::memcpy(d, &a, 2);
        std::memcpy(d + n - 2, &b, 2);
      } else if (n == 1) {
        d[0] = s[0];
      }
      return;
    }
    std::memcpy(d, s, n);
  }
  void Grow(size_t need);

  std::unique_ptr<char[]> buf_;
  char* p_ = nullptr;
  size_t n_ = 0, cap_ = 0;
};

// s.find(ch, from) without a call: the pieces searched are mostly a few
// words long. 16 bytes at a time (SSE2), the tail byte by byte.
inline size_t FindChar(std::string_view s, char ch, size_t from) noexcept {
  const size_t n = s.size();
  size_t i = from;
#if defined(__SSE2__)
  if (n >= 16) {
    const __m128i needle = _mm_set1_epi8(ch);
    for (; i + 16 <= n; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)));
      if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    if (i >= n) return std::string_view::npos;
    // The tail: the last 16 bytes, those before `i` masked off.
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + n - 16));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle))) &
                          (0xffffu << (16 - (n - i)));
    return mask != 0 ? n - 16 + static_cast<size_t>(__builtin_ctz(mask)) : std::string_view::npos;
  }
#endif
  for (; i < n; ++i) {
    if (s[i] == ch) return i;
  }
  return std::string_view::npos;
}

// The calling thread's Text, cleared. Entry points do not nest.
Text& ThreadText() noexcept;

// Per-call state of one generated text.
struct Ctx {
  Ctx(Rng& r, Text& o) noexcept : rng(r), out(o) {}
  Rng& rng;
  Text& out;
  uint64_t tseed = 0;  // template seed; 0: free-form
  double paraphrase = 0;
  Capability cap = Capability::kGeneralChat;
  Frame frame = Frame::kNone;
  Language lang = Language::kEnglish;
  double body_scale = 1;       // PromptSpec::body_scale
  size_t body_max = SIZE_MAX;  // PromptSpec::body_chars_max, SIZE_MAX: none
  size_t nominal_extra = 0;    // characters body_scale and body_max left out
  // A body's budget after body_scale and body_max.
  size_t BodyBudget(size_t full) const noexcept {
    size_t b = body_scale < 1 ? static_cast<size_t>(static_cast<double>(full) * body_scale) : full;
    return b < body_max ? b : body_max;
  }
  // Adds to nominal_extra what a body written to `budget` (instead of
  // `full`) and `used` characters left out: only bodies that filled their
  // budget were shortened.
  void CountLeftOut(size_t full, size_t budget, size_t used) noexcept {
    if (budget < full && used >= budget && used < full) nominal_extra += full - used;
  }
  bool casual = false;   // free-form informal register (typos, lower case)
  uint32_t sub = 0;      // subtask of the capability (write, fix, review, ...)
  uint32_t have = 0;     // bit per cached prose slot letter
  uint32_t val[26];      // read only where `have` has the letter's bit
  uint32_t id_have = 0;  // bit per cached data slot (identifiers, names)
  uint32_t ids[12] = {};
  // The first code body of the prompt and its identifiers, so that a
  // completed response can show the same function.
  int32_t task_body = -1;
  uint32_t task_ids[12] = {};
  uint32_t task_id_have = 0;
};

inline uint64_t SkelHash(const Ctx& c, uint32_t part) noexcept { return MixSeed(c.tseed, part); }

// A skeleton choice in [0, n).
inline uint32_t Skel(Ctx& c, uint32_t part, uint32_t n) noexcept {
  if (n <= 1) return 0;
  if (c.tseed != 0) return static_cast<uint32_t>(SkelHash(c, part) % n);
  return static_cast<uint32_t>(c.rng.Below(n));
}
inline bool SkelChance(Ctx& c, uint32_t part, double p) noexcept {
  if (c.tseed != 0) return static_cast<double>(SkelHash(c, part) >> 11) * 0x1.0p-53 < p;
  return c.rng.Chance(p);
}

// A table of paraphrase groups (rows: one meaning, columns: equivalent
// wordings; empty cells end a short row).
struct Groups {
  const Sv* p;
  uint32_t g, v;
};
template <size_t G, size_t V>
constexpr Groups Gr(const Sv (&t)[G][V]) noexcept {
  return {&t[0][0], static_cast<uint32_t>(G), static_cast<uint32_t>(V)};
}

// A phrase from paraphrase groups. The template fixes the group and the
// wording; with probability `paraphrase` the wording is swapped for another
// of the same group. Free-form draws both from the rng. Groups whose bit is
// set in `*used` are skipped (several picks from one table in one prompt
// stay distinct); the chosen group's bit is set.
inline Sv ParaG(Ctx& c, uint32_t part, Groups t, uint64_t* used = nullptr) noexcept {
  uint32_t g, v, nv = t.v;
  const uint64_t h = c.tseed != 0 ? SkelHash(c, part) : c.rng.Next();
  g = static_cast<uint32_t>(h % t.g);
  if (used != nullptr && t.g <= 64) {
    for (uint32_t i = 0; i < t.g && (*used >> g & 1); ++i) g = (g + 1) % t.g;
    *used |= uint64_t{1} << g;
  }
  const Sv* row = t.p + static_cast<size_t>(g) * t.v;
  while (nv > 1 && row[nv - 1].empty()) --nv;
  v = static_cast<uint32_t>((h >> 32) % nv);
  if (c.tseed != 0 && c.paraphrase > 0 && nv > 1 && c.rng.Chance(c.paraphrase)) {
    v = static_cast<uint32_t>((v + 1 + c.rng.Below(nv - 1)) % nv);
  }
  return row[v];
}
template <size_t G, size_t V>
Sv Para(Ctx& c, uint32_t part, const Sv (&t)[G][V], uint64_t* used = nullptr) noexcept {
  return ParaG(c, part, Gr(t), used);
}
// Same, from one flat list (every entry a paraphrase of the others): the
// index of the entry, or the entry.
inline uint32_t ParaIndex(Ctx& c, uint32_t part, List l) noexcept {
  if (c.tseed != 0) {
    uint32_t v = static_cast<uint32_t>(SkelHash(c, part) % l.n);
    if (c.paraphrase > 0 && l.n > 1 && c.rng.Chance(c.paraphrase)) {
      v = static_cast<uint32_t>((v + 1 + c.rng.Below(l.n - 1)) % l.n);
    }
    return v;
  }
  return static_cast<uint32_t>(c.rng.Below(l.n));
}
inline Sv ParaList(Ctx& c, uint32_t part, List l) noexcept { return l[ParaIndex(c, part, l)]; }
inline Sv Pick(Rng& r, List l) noexcept { return l[r.Below(l.n)]; }

// Prose with `{X}` slots.
void Emit(Ctx& c, Sv phrase) noexcept;
// Text with `@x` slots and `@{a|b}` choices. Identifier slots keep their value
// until ResetIds (one code block, one problem).
void EmitAt(Ctx& c, Sv tmpl) noexcept;
void ResetIds(Ctx& c) noexcept;
// Value of a cached prose slot (A..Z), drawing it on first use.
uint32_t SlotIndex(Ctx& c, char letter) noexcept;

void AppendUint(std::string& out, uint64_t v) noexcept;
void AppendUint(Text& out, uint64_t v) noexcept;
// Swaps two adjacent lower-case ASCII letters of out[from..] (a typo).
void Typo(Ctx& c, size_t from) noexcept;
// Lower-cases out[pos] if it is an ASCII capital.
void LowerAt(Text& out, size_t pos) noexcept;

// Bodies ("slots") whose size follows a character budget; each appends at
// least one unit.
// Fenced code in language slot L. With `partial`, a small budget gets the
// first lines of one body (a partial paste).
void Code(Ctx& c, size_t budget, bool partial = true) noexcept;
void CodeBare(Ctx& c, size_t budget, bool partial = true) noexcept;  // same, no fence
void ErrorLog(Ctx& c, size_t budget) noexcept;  // only the error line when small
void Csv(Ctx& c, size_t budget) noexcept;
void SqlSchema(Ctx& c) noexcept;
void Problem(Ctx& c, size_t budget) noexcept;
void ContextProse(Ctx& c, size_t budget) noexcept;  // background sentences of the capability
void Draft(Ctx& c, size_t budget) noexcept;         // a piece of prose to revise
void CustomerText(Ctx& c, size_t budget) noexcept;  // a ticket, review or email
void ToolListing(Ctx& c) noexcept;                  // tools available to an agent
void Observation(Ctx& c, size_t budget) noexcept;   // output of an agent's last step
void OriginalRequest(Ctx& c) noexcept;              // the request to rephrase (policy)
void PlanNotes(Ctx& c, size_t budget) noexcept;     // constraints of a project
// A (completed or candidate) answer to a task of the capability.
void Answer(Ctx& c, size_t budget) noexcept;

// Number of programming languages with code bodies; slot L indexes them.
uint32_t CodeLanguageCount() noexcept;

// Non-English user prompt and short answer (grammar_i18n.cc).
void WriteLocalPrompt(Ctx& c, size_t target) noexcept;
void LocalAnswer(Ctx& c, size_t budget) noexcept;

}  // namespace hw::sim::gram
