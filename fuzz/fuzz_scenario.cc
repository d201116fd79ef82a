// libFuzzer harness: the scenario loader must reject any text with a Status
// naming fuzz.yaml:LINE, never crash or throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/sim/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto s = hw::sim::ParseScenario(text, "fuzz.yaml");
  if (!s.ok() && s.status().message().find("fuzz.yaml:") != 0) __builtin_trap();
  return 0;
}
