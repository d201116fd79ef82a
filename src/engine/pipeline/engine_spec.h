// What the detection stages need, loaded and cross-checked once: the rule
// pack, the scoring policy and the vocabulary that ties them together. Shared
// by the batch engine (analyze) and the online engine (serve, replay), so that
// both judge with the same compiled objects.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/features/rule_pack.h"
#include "engine/intel/intel.h"
#include "engine/policy/policy.h"
#include "engine/score/scorer.h"

namespace hw::pipeline {

struct EngineSpec {
  std::unique_ptr<features::RulePack> rules;
  policy::Policy policy;
  score::Vocabulary vocabulary;
  // Elicitation weight of each rule-pack frame, in vocabulary order.
  std::vector<double> frame_weights;
  // Partner intelligence (STIX bundles given with --intel); empty: none.
  // Loaded by the caller after LoadEngineSpec (intel::IntelSet::Load).
  intel::IntelSet intel;
};

// Loads the rule pack and the policy (empty path: the built-in one) and checks
// that every frame and capability the policy names exists in the pack: a typo
// would silently zero a weight. Load-time only.
Result<EngineSpec> LoadEngineSpec(const std::string& rules_path, const std::string& policy_path);

// Loads partner STIX bundles into `spec->intel` (`salt`: how the partner
// hashed shared account ids). Returns one warning per bundle whose
// unsupported indicators were skipped. Load-time only.
Result<std::vector<std::string>> LoadIntel(const std::vector<std::string>& paths,
                                           const std::string& salt, EngineSpec* spec);

}  // namespace hw::pipeline
