// Turns detections into decisions under an enforcement policy.
//
// The engine holds at most one active decision per account (analysts' manual
// decisions stand beside it and are never touched). On each Apply, every
// account's wanted profile is the first one matching its current verdict
// and score: a new match starts a decision (longer for each earlier engine
// decision of the account under that profile: escalation); a different match ends the engine's
// decision and starts the new one (evidence raised or lowered it); no match
// ends it. Allowlisted accounts and organisations get no engine decision,
// nor do accounts an analyst has ruled on (AnalystRuled): the engine ends its
// own decision there and starts none while the analyst's holds.
#pragma once

#include <string_view>
#include <vector>

#include "engine/common/time.h"
#include "engine/decide/decision_store.h"
#include "engine/decide/enforcement.h"
#include "engine/score/scorer.h"

namespace hw::decide {

// An analyst's ruling the engine defers to: an active manual decision that
// only monitors (the analyst cleared or lifted the account) or that is
// simulated (moved to shadow). Other manual decisions stand beside the
// engine's, and the stronger action holds.
bool AnalystRuled(const Decision& d) noexcept;

// What the detection stages say about one account now.
struct Detection {
  std::string_view account;
  std::string_view organization;  // from the registry; empty when unknown
  score::Verdict verdict = score::Verdict::kBenign;
  double score = 0;
  std::string_view reason;  // the top reason, kept with the decision
};

struct ApplyStats {
  size_t started = 0;
  size_t ended = 0;
  size_t allowlisted = 0;
  size_t deferred = 0;  // a profile matched, but an analyst had ruled (AnalystRuled)
};

class Decider {
 public:
  explicit Decider(const EnforcementPolicy& policy) : policy_(policy) {}

  // Applies the detections of event time `now` to `store`. Accounts not in
  // `detections` keep their decisions until they expire.
  ApplyStats Apply(const std::vector<Detection>& detections, TimeUs now,
                   DecisionStore* store) const;

  // Length of a profile's n-th decision (n = earlier engine decisions).
  static TimeUs Duration(const Profile& p, uint32_t repeat) noexcept;

 private:
  const EnforcementPolicy& policy_;
};

}  // namespace hw::decide
