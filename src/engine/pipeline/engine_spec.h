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
#include "engine/policy/policy.h"
#include "engine/score/scorer.h"

namespace hw::pipeline {

struct EngineSpec {
  std::unique_ptr<features::RulePack> rules;
  policy::Policy policy;
  score::Vocabulary vocabulary;
  // Elicitation weight of each rule-pack frame, in vocabulary order.
  std::vector<double> frame_weights;
};

// Loads the rule pack and the policy (empty path: the built-in one) and checks
// that every frame and capability the policy names exists in the pack: a typo
// would silently zero a weight. Load-time only.
Result<EngineSpec> LoadEngineSpec(const std::string& rules_path, const std::string& policy_path);

}  // namespace hw::pipeline
