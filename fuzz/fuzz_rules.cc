// libFuzzer harness: the rule pack loader must reject any text with a coded
// `fuzz.yaml:<line>: <code>: ` Status, never crash, hang or throw; a pack it
// accepts must scan any text (the input itself, as prompt and system prompt,
// with and without tools) without failing, and its database (patterns split
// into alternatives, a final \b checked by the scanner) must match the same
// rules on the input as its patterns compiled whole.
// tests/unit/features/fuzz_regressions_test.cc replays
// tests/fuzz_regressions/rules/ through the same checks.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/common/event.h"
#include "engine/features/extractor.h"
#include "engine/features/rule_pack.h"
#include "whole_patterns.h"  // tests/unit/features

namespace {

bool KnownCode(std::string_view code) {
  for (const char* c :
       {"yaml-syntax", "bad-version", "missing-key", "unknown-key", "bad-type", "bad-name",
        "duplicate-name", "unknown-name", "too-many", "out-of-range", "bad-pattern"}) {
    if (code == c) return true;
  }
  return false;
}

// "fuzz.yaml:<digits>: <known code>: <message>".
bool WellFormed(const std::string& m) {
  const std::string_view prefix = "fuzz.yaml:";
  if (m.compare(0, prefix.size(), prefix) != 0) return false;
  size_t i = prefix.size();
  const size_t digits = i;
  while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i;
  if (i == digits || m.compare(i, 2, ": ") != 0) return false;
  const size_t code_end = m.find(": ", i + 2);
  return code_end != std::string::npos &&
         KnownCode(std::string_view(m).substr(i + 2, code_end - i - 2));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto pack = hw::features::RulePack::Parse(text, "fuzz.yaml");
  if (!pack.ok()) {
    if (!WellFormed(pack.status().message())) {
      std::fprintf(stderr, "malformed error: %s\n", pack.status().message().c_str());
      std::abort();
    }
    return 0;
  }
  const hw::features::RulePack& p = **pack;
  hw::features::FeatureExtractor ex(p);
  hw::Event ev;
  ev.prompt_text = text;
  ev.system_text = text;
  hw::features::RequestFeatures rf;
  ex.Extract(ev, &rf);
  ev.tool_definitions = 1;
  ex.Extract(ev, &rf);
  if (rf.primary_capability != hw::features::kNoCategory &&
      !(rf.capability_bits & (1u << rf.primary_capability))) {
    std::abort();
  }
  for (const hw::features::Category& c : p.categories()) {
    if (&p.ByBit(c.kind, c.bit) != &c) std::abort();
  }
  // Whole patterns may fail to compile together where their parts did not
  // (Hyperscan's size limits): then there is nothing to compare.
  const hw::features::testing::WholePatterns whole(p);
  if (whole.error().empty() && whole.Matches(text) != hw::features::testing::PackMatches(p, text)) {
    std::fprintf(stderr, "split pack and whole patterns disagree\n");
    std::abort();
  }
  return 0;
}
