#include "engine/decide/analyst_actions.h"

#include <algorithm>

namespace hw::decide {

std::optional<AnalystAction> ParseAnalystAction(std::string_view name) noexcept {
  for (AnalystAction a : {AnalystAction::kConfirm, AnalystAction::kExtend, AnalystAction::kShadow,
                          AnalystAction::kLift}) {
    if (name == AnalystActionName(a)) return a;
  }
  return std::nullopt;
}

const char* AnalystActionName(AnalystAction a) noexcept {
  switch (a) {
    case AnalystAction::kConfirm:
      return "confirm";
    case AnalystAction::kExtend:
      return "extend";
    case AnalystAction::kShadow:
      return "shadow";
    case AnalystAction::kLift:
      return "lift";
  }
  return "?";
}

Result<AnalystOutcome> ApplyAnalystAction(DecisionStore* store, uint64_t id,
                                          const AnalystRequest& req, TimeUs now) {
  const Decision* found = store->Get(id);
  if (found == nullptr || !found->active)
    return Status(ErrorCode::kNotFound, "no active decision with that id");
  if (req.action == AnalystAction::kExtend && req.duration <= 0)
    return Status(ErrorCode::kInvalidArgument, "extend: a duration like 7d is required");
  // Copied before End: the store may move what `found` points to.
  const Decision old = *found;
  Decision next;
  next.origin = Origin::kManual;
  next.account = old.account;
  next.action = old.action;
  next.throttle = old.throttle;
  next.start = now;
  next.until = old.until;
  next.profile = "manual";
  next.simulated = old.simulated;
  next.reason = req.reason.empty()
                    ? std::string(AnalystActionName(req.action)) + " by analyst: " + old.reason
                    : req.reason;
  bool replace = true;
  switch (req.action) {
    case AnalystAction::kConfirm:
      break;
    case AnalystAction::kExtend:
      if (old.until != kForever) {
        const TimeUs from = std::max(old.until, now);
        next.until = from > kForever - req.duration ? kForever : from + req.duration;
      }
      break;
    case AnalystAction::kShadow:
      next.simulated = true;
      break;
    case AnalystAction::kLift: {
      replace = old.origin == Origin::kEngine;
      const TimeUs span = req.duration > 0 ? req.duration : kDefaultLift;
      next.action = Action::kMonitor;
      next.throttle = ThrottleLimit{};
      next.simulated = false;
      next.until = now > kForever - span ? kForever : now + span;
      break;
    }
  }
  if (!store->End(id, now)) return Status(ErrorCode::kNotFound, "no active decision with that id");
  AnalystOutcome out;
  out.ended = id;
  if (replace) out.replaced_by = store->Add(std::move(next));
  return out;
}

}  // namespace hw::decide
