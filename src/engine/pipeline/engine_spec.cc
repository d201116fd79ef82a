#include "engine/pipeline/engine_spec.h"

#include <algorithm>
#include <utility>

namespace hw::pipeline {

Result<EngineSpec> LoadEngineSpec(const std::string& rules_path, const std::string& policy_path) {
  auto rules =
      rules_path.empty() ? features::RulePack::Default() : features::RulePack::Load(rules_path);
  if (!rules.ok()) return rules.status();
  auto pol = policy_path.empty() ? policy::DefaultPolicy() : policy::LoadPolicy(policy_path);
  if (!pol.ok()) return pol.status();
  EngineSpec spec;
  spec.rules = std::move(rules).value();
  spec.policy = std::move(pol).value();
  spec.vocabulary = {spec.rules->Names(features::CategoryKind::kFrame),
                     spec.rules->Names(features::CategoryKind::kCapability)};
  const auto& frames = spec.vocabulary.frames;
  const auto& caps = spec.vocabulary.capabilities;
  for (const auto& [frame, w] : spec.policy.score.elicitation_frames) {
    if (std::find(frames.begin(), frames.end(), frame) == frames.end()) {
      return Status(ErrorCode::kSpecError, "policy '" + spec.policy.name +
                                               "': elicitation frame '" + frame +
                                               "' is not a frame of the rule pack");
    }
  }
  for (const auto& cap : spec.policy.score.target_capabilities) {
    if (std::find(caps.begin(), caps.end(), cap) == caps.end()) {
      return Status(ErrorCode::kSpecError, "policy '" + spec.policy.name +
                                               "': target capability '" + cap +
                                               "' is not a capability of the rule pack");
    }
  }
  spec.frame_weights.assign(frames.size(), 0);
  for (size_t f = 0; f < frames.size(); ++f) {
    for (const auto& [name, w] : spec.policy.score.elicitation_frames) {
      if (name == frames[f]) spec.frame_weights[f] = w;
    }
  }
  return spec;
}

Result<std::vector<std::string>> LoadIntel(const std::vector<std::string>& paths,
                                           const std::string& salt, EngineSpec* spec) {
  auto intel = intel::IntelSet::Load(paths, salt);
  if (!intel.ok()) return intel.status();
  spec->intel = std::move(intel).value();
  std::vector<std::string> warnings;
  for (const intel::PartnerIntel& p : spec->intel.partners()) {
    if (!p.skipped) continue;
    std::string examples;
    for (const auto& e : p.skipped_examples) examples += (examples.empty() ? "" : "; ") + e;
    warnings.push_back(p.source + ": " + std::to_string(p.skipped) +
                       " indicators skipped (unsupported patterns), e.g. " + examples);
  }
  return warnings;
}

}  // namespace hw::pipeline
