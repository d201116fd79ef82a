// Prompt normalisation: a template fingerprint that survives slot filling. Pure functions of the
// text, so that every worker and every shard computes the same values without shared state.
#pragma once

#include <cstdint>
#include <string_view>

namespace hw::features {

// Template fingerprint of a prompt or system text.
//
// The text is cut into segments (lines and sentences). Code fences, quoted
// spans, numbers, identifiers with digits or underscores and capitalised
// words inside a sentence (names) are slots. A segment that holds data rather
// than prose (few letters, or mostly slots) is a slot as a whole. What is left
// of each prose segment is its opening words: instructions are worded by the
// template while the filling (a topic, a name, a snippet) sits later in the
// sentence. The fingerprint hashes the sequence of segment openings and slot
// markers, so two fillings of one template give the same value and two
// differently worded texts almost never do.
//
// Returns 0 for text without any prose segment. Never reads past `text`.
uint64_t TemplateFingerprint(std::string_view text) noexcept;

// How many leading words of a prose segment the template fingerprint keeps.
inline constexpr int kTemplateLeadWords = 3;

}  // namespace hw::features
