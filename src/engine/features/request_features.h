// What the features stage computes for one request. Fixed size, no owned
// memory: the fingerprint stage folds it into per-account sketches.
#pragma once

#include <cstdint>

namespace hw::features {

inline constexpr uint32_t kMaxCategories = 32;
inline constexpr uint8_t kNoCategory = 0xff;

struct RequestFeatures {
  // Template fingerprints: equal for two texts that differ only in slot
  // fillings (numbers, quoted spans, code, names, ...). 0 when the text is
  // empty.
  uint64_t system_template = 0;
  uint64_t prompt_template = 0;
  // Bit i set when rule-pack category i (a frame) matched the system or
  // prompt text; see RulePack::frames().
  uint32_t frame_bits = 0;
  // Bit i set when capability category i matched.
  uint32_t capability_bits = 0;
  // The capability with the strongest evidence, or kNoCategory.
  uint8_t primary_capability = kNoCategory;
  uint32_t prompt_chars = 0;
  uint32_t system_chars = 0;
  // False when the content sampler skipped the rule scan: frame_bits,
  // capability_bits and primary_capability are then empty and say nothing.
  bool scanned = true;
};

}  // namespace hw::features
