#include "engine/decide/decider.h"

#include <algorithm>
#include <cmath>

namespace hw::decide {

bool AnalystRuled(const Decision& d) noexcept {
  return d.active && d.origin == Origin::kManual && (d.simulated || d.action == Action::kMonitor);
}

TimeUs Decider::Duration(const Profile& p, uint32_t repeat) noexcept {
  const double d = static_cast<double>(p.duration) *
                   std::pow(p.escalation, static_cast<double>(std::min<uint32_t>(repeat, 64)));
  if (!std::isfinite(d) || d >= static_cast<double>(p.max_duration)) return p.max_duration;
  return static_cast<TimeUs>(d);
}

ApplyStats Decider::Apply(const std::vector<Detection>& detections, TimeUs now,
                          DecisionStore* store) const {
  ApplyStats stats;
  store->Expire(now);
  store->SetAppliedAt(now);
  for (const Detection& det : detections) {
    const Decision* current = nullptr;
    bool ruled = false;
    for (const Decision* d : store->Active(det.account)) {
      if (d->origin == Origin::kEngine) current = d;
      ruled |= AnalystRuled(*d);
    }
    const bool allowed = policy_.Allowed(det.account, det.organization);
    const Profile* want = allowed || ruled ? nullptr : policy_.Match(det.verdict, det.score);
    if (allowed && det.verdict != score::Verdict::kBenign) ++stats.allowlisted;
    if (ruled && !allowed && policy_.Match(det.verdict, det.score) != nullptr) ++stats.deferred;
    if (current && want && current->profile == want->name) continue;
    if (current) {
      store->End(current->id, now);
      ++stats.ended;
    }
    if (!want) continue;
    Decision d;
    d.origin = Origin::kEngine;
    d.account = std::string(det.account);
    d.action = want->action;
    d.throttle = want->throttle;
    d.start = now;
    d.repeat = store->Offences(det.account, want->name);
    const TimeUs length = Duration(*want, d.repeat);
    d.until = now > kForever - length ? kForever : now + length;
    d.profile = want->name;
    d.reason = std::string(det.reason);
    d.simulated = policy_.shadow || want->shadow;
    store->Add(std::move(d));
    ++stats.started;
  }
  return stats;
}

}  // namespace hw::decide
