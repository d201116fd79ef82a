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
#include <string>
#include <string_view>

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

// Per-call state of one generated text.
struct Ctx {
  Ctx(Rng& r, std::string& o) noexcept : rng(r), out(o) {}
  Rng& rng;
  std::string& out;
  uint64_t tseed = 0;  // template seed; 0: free-form
  double paraphrase = 0;
  Capability cap = Capability::kGeneralChat;
  Frame frame = Frame::kNone;
  Language lang = Language::kEnglish;
  bool casual = false;  // free-form informal register (typos, lower case)
  uint32_t sub = 0;     // subtask of the capability (write, fix, review, ...)
  uint32_t have = 0;    // bit per cached prose slot letter
  uint32_t val[26] = {};
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
// Same, from one flat list (every entry a paraphrase of the others).
inline Sv ParaList(Ctx& c, uint32_t part, List l) noexcept {
  if (c.tseed != 0) {
    uint32_t v = static_cast<uint32_t>(SkelHash(c, part) % l.n);
    if (c.paraphrase > 0 && l.n > 1 && c.rng.Chance(c.paraphrase)) {
      v = static_cast<uint32_t>((v + 1 + c.rng.Below(l.n - 1)) % l.n);
    }
    return l[v];
  }
  return l[c.rng.Below(l.n)];
}
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
// Swaps two adjacent lower-case ASCII letters of out[from..] (a typo).
void Typo(Ctx& c, size_t from) noexcept;
// Lower-cases out[pos] if it is an ASCII capital.
void LowerAt(std::string& out, size_t pos) noexcept;

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
