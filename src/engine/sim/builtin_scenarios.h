#pragma once

#include <cstddef>

namespace hw::sim {

struct BuiltinText {
  const char* name;
  const char* text;
};
// Defined in the generated builtin_scenarios.cc.
extern const BuiltinText kBuiltinScenarios[];
extern const size_t kBuiltinScenarioCount;

}  // namespace hw::sim
