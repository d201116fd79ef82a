// Test helper: a detection policy under which any linked group of three is
// an attack campaign by its score, while ordinary traffic scores near zero;
// for tests of the rules that hold a high-scoring group back from a verdict.
#pragma once

#include <string>
#include <string_view>

namespace hw::testing {

// `channels`: the `link.channels` entries, each line indented by 4 spaces.
// `thresholds`: `score.thresholds` entries in flow style, or empty.
inline std::string SizeOnlyPolicy(std::string_view channels, std::string_view thresholds = {}) {
  std::string y = "version: 1\nname: size-only\nlink:\n  channels:\n";
  y += channels;
  y += R"(score:
  elicitation_frames: {reasoning_extraction: 1.0}
  target_capabilities: [software_engineering]
  account:
    elicitation: {weight: 1.0, low: 0.03, high: 0.25}
  campaign:
    size: {weight: 1.0, low: 1, high: 2}
)";
  if (!thresholds.empty()) {
    y += "  thresholds: {";
    y += thresholds;
    y += "}\n";
  }
  return y;
}

}  // namespace hw::testing
