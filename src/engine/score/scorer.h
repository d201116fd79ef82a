// Scoring: turns account fingerprints and linked components into account and
// campaign scores, verdicts and the reasons behind them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/decode/registry.h"
#include "engine/fingerprint/account_table.h"
#include "engine/link/linker.h"
#include "engine/policy/policy.h"

namespace hw::score {

enum class Verdict : uint8_t { kBenign, kSuspicious, kAttack };
const char* VerdictName(Verdict v) noexcept;

// Names of the rule pack's categories, by bit index (see features::RulePack).
struct Vocabulary {
  std::vector<std::string> frames;
  std::vector<std::string> capabilities;
};

struct FeatureValue {
  double value = 0;   // raw measurement
  double ramped = 0;  // in [0,1] after the policy's ramp
  double weight = 0;
  // false: the evidence for this feature does not exist yet (a campaign whose
  // pairs are all too young for synchrony, a log without a model released
  // after its first day, members all active since the log began): the
  // feature is left out of the score's weighted mean instead of counting as
  // 0. Campaign features only; account features are always measured.
  bool measured = true;
};

struct AccountScore {
  double score = 0;
  Verdict verdict = Verdict::kBenign;
  int32_t campaign = -1;               // index into ScoreResult::campaigns
  std::vector<FeatureValue> features;  // in policy order (ScorePolicy::account_features)
  std::vector<std::string> reasons;    // top evidence, most important first
};

struct CampaignScore {
  std::string id;          // "C001", ... by descending score
  uint32_t component = 0;  // index into LinkResult::components
  double score = 0;
  bool attack = false;
  uint64_t requests = 0;
  TimeUs first_seen = 0, last_seen = 0;
  std::vector<std::pair<std::string, double>> capabilities;  // area -> share, descending
  std::vector<std::pair<std::string, double>> frames;  // elicitation frame -> share of requests
  std::vector<FeatureValue> features;  // in policy order (ScorePolicy::campaign_features)
  std::vector<std::string> reasons;
  std::vector<std::string> linked_by;  // channel phrases, strongest first
};

struct ScoreResult {
  std::vector<AccountScore> accounts;    // parallel to the AccountTable
  std::vector<CampaignScore> campaigns;  // every linked component, by descending score
};

class Scorer {
 public:
  Scorer(const policy::ScorePolicy& policy, Vocabulary vocabulary);
  // `partner`: the partner indicators each account matches (named in the
  // reasons; never scored), or null. A group that partner evidence alone
  // holds together (Component::partner_needed_edges) is `attack` only when
  // at least 3 members' own traffic says so too (account score >=
  // member_floor), so intelligence alone never makes a verdict.
  ScoreResult Score(const fingerprint::AccountTable& table,
                    const std::vector<const decode::AccountInfo*>& infos,
                    const link::LinkResult& links, const intel::Matches* partner = nullptr) const;

  // Logistic ramp: ~0.1 at low, ~0.9 at high (on a log scale when
  // low > 0 and high / low >= 4).
  static double Ramp(double x, double low, double high) noexcept;

 private:
  const policy::ScorePolicy& policy_;
  Vocabulary vocab_;
  std::vector<double> frame_weight_;     // per rule-pack frame bit
  std::vector<bool> target_capability_;  // per rule-pack capability bit
};

}  // namespace hw::score
