// libFuzzer harness: the enforcement-policy loader must reject any text with
// a coded Status naming the file, never crash or throw; a policy it accepts
// must be usable (matching, allowlist lookups, durations in range).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/decide/enforcement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto e = hw::decide::ParseEnforcement(text, "fuzz.yaml");
  if (!e.ok()) {
    if (e.status().message().find("fuzz.yaml:") != 0) __builtin_trap();
    return 0;
  }
  if (e->profiles.empty()) __builtin_trap();
  for (const auto& p : e->profiles) {
    if (p.duration <= 0 || p.max_duration < p.duration || p.escalation < 1) __builtin_trap();
  }
  (void)e->Match(hw::score::Verdict::kAttack, 1.0);
  (void)e->Allowed("acct", "org");
  return 0;
}
