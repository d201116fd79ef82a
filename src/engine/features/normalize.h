// Prompt normalisation: a template fingerprint that survives slot filling. Pure functions of the
// text, so that every worker and every shard computes the same values without shared state.
#pragma once

#include <cstdint>
#include <string_view>

namespace hw::features {

// Template fingerprint of a prompt or system text.
//
// The text is cut into segments (lines and sentences; ASCII and CJK stops).
// Code fences, quoted spans (ASCII, curly, guillemets, corner brackets),
// numbers, identifiers (digits, underscores, inner capitals, dotted or slashed
// paths) and capitalised words inside a sentence (names) are slots, all
// alike. A segment that holds data rather than prose (few words, mostly
// slots, or call syntax, braces, arrows, CSV commas, a shell prompt) is a
// data marker as a whole, and a run of data segments is one marker. What is
// left of each prose segment is its opening words: instructions are worded by
// the template while the filling (a topic, a name, a snippet) sits later in
// the sentence.
//
// Only the head of the text counts: the fingerprint hashes segment openings,
// labels and markers up to and including the kTemplateSegments-th prose
// segment. A template states its instructions first; what follows is mostly
// pasted material (context, a draft, an answer to grade, a log), which varies
// with every filling and cannot be told from the template's own prose by its
// form. Measured on the simulator's grammar (tests/unit/features): two
// fillings of one template agree in 0.84 of pairs (English 0.70); two
// free-form prompts collide in about 1e-4 of pairs, 1.5% of pairs asking the
// same kind of thing in the same language (none in English).
//
// System prompts are read whole (`max_prose_segments` = kWholeText): a product
// or a campaign resends its system prompt verbatim, so the whole text is
// stable, and many distinct system prompts open with the same sentences ("You
// are a helpful assistant for ...").
//
// Returns 0 for text without any prose segment. Never reads past `text`.
inline constexpr int kTemplateSegments = 3;
inline constexpr int kWholeText = 1 << 30;
uint64_t TemplateFingerprint(std::string_view text,
                             int max_prose_segments = kTemplateSegments) noexcept;

namespace detail {
// The same fingerprint computed one byte at a time, without the 16-byte
// blocks TemplateFingerprint takes through plain prose and through the
// letters of a word: the reference it is tested against.
uint64_t TemplateFingerprintReference(std::string_view text,
                                      int max_prose_segments = kTemplateSegments) noexcept;
}  // namespace detail

// How many leading words of a prose segment the template fingerprint keeps.
inline constexpr int kTemplateLeadWords = 3;

}  // namespace hw::features
