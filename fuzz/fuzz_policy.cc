// libFuzzer harness: the policy loader must reject any text with a Status,
// never crash or throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto p = hw::policy::ParsePolicy(text, "fuzz.yaml");
  if (!p.ok() && p.status().message().find("fuzz.yaml:") != 0) __builtin_trap();
  return 0;
}
