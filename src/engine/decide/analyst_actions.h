// An analyst's actions on one decision (the console's buttons; the decisions
// API's POST /v1/decisions/{id}/{action}; docs/CONSOLE.md). Each ends the
// decision and puts a manual one in its place, in one change of the store, so
// a bouncer polling the stream sees the old one deleted and the new one
// added, never a moment with neither.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/common/result.h"
#include "engine/common/time.h"
#include "engine/decide/decision_store.h"

namespace hw::decide {

enum class AnalystAction : uint8_t {
  kConfirm,  // same decision, origin manual: the engine no longer lowers or ends it
  kExtend,   // same, ending `duration` later (open-ended stays open-ended)
  kShadow,   // same, simulated (recorded, never enforced); the engine defers
  kLift,     // engine decision: a manual monitor for `duration` (the engine defers); manual: none
};

// "confirm", "extend", "shadow", "lift"; nullopt for anything else.
std::optional<AnalystAction> ParseAnalystAction(std::string_view name) noexcept;
const char* AnalystActionName(AnalystAction a) noexcept;

struct AnalystRequest {
  AnalystAction action = AnalystAction::kConfirm;
  TimeUs duration = 0;  // extend: required (> 0); lift: 0 means kDefaultLift
  std::string reason;   // empty: the action's name and the old reason
};

inline constexpr TimeUs kDefaultLift = TimeUs{30} * 24 * 3600 * kUsPerSecond;

struct AnalystOutcome {
  uint64_t ended = 0;
  std::optional<uint64_t> replaced_by;  // the new decision's id, if any
};

// Applies `req` to the active decision `id` at event time `now`. Errors:
// kNotFound (no active decision with that id), kInvalidArgument (extend
// without a duration).
Result<AnalystOutcome> ApplyAnalystAction(DecisionStore* store, uint64_t id,
                                          const AnalystRequest& req, TimeUs now);

}  // namespace hw::decide
