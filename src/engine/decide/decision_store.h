// Decisions and their change log: what the gateway checks and what bouncers
// poll. In the style of CrowdSec's local API: every decision has an id, a
// scope (here the account), an action, an event-time span and an origin
// (the engine, or an analyst); bouncers that cache poll the changes since
// their last cursor.
//
// Find() is the check path: no allocation, one probe of a table keyed by
// the account's 128-bit hash whose slot holds what a gateway needs of the
// account's active decisions (bench/bench_decide).
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/inlined_vector.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/time.h"
#include "engine/decide/enforcement.h"

namespace hw::decide {

enum class Origin : uint8_t { kEngine, kManual };
const char* OriginName(Origin o) noexcept;  // "engine", "manual"

inline constexpr TimeUs kForever = INT64_MAX;

struct Decision {
  uint64_t id = 0;
  Origin origin = Origin::kEngine;
  std::string account;  // scope: account, value: user.id
  Action action = Action::kMonitor;
  ThrottleLimit throttle;
  TimeUs start = 0;
  TimeUs until = kForever;  // exclusive; kForever: until lifted
  std::string profile;      // enforcement profile, or "manual"
  std::string reason;
  bool simulated = false;  // shadow mode: recorded, never enforced
  uint32_t repeat = 0;     // earlier engine decisions of this account and profile
  bool active = true;      // false once expired or deleted
  TimeUs ended = 0;        // when it stopped being active
};

// What the check path needs of a decision in force.
struct Enforced {
  uint64_t id = 0;
  Action action = Action::kMonitor;
  bool manual = false;
  bool simulated = false;
  ThrottleLimit throttle;
  TimeUs start = 0;
  TimeUs until = kForever;
};

class DecisionStore {
 public:
  // Stores `d` (its id is assigned) and logs it as new. Returns the id.
  uint64_t Add(Decision d);
  // Puts back a decision read from persisted state, with its own id (later
  // Adds get higher ids). An active one is enforced and logged as new; an
  // ended one only counts towards its account's offences (escalation).
  // Restore before the store is used otherwise.
  void Restore(Decision d);
  // Ends decision `id` at `now` (an analyst lifting it, or the engine
  // replacing it). False when there is no active decision with that id.
  bool End(uint64_t id, TimeUs now);
  // Ends every decision whose span is over at `now`.
  void Expire(TimeUs now);

  // The enforced decision for `account` at `now`: the strongest action among
  // its active, non-simulated decisions whose span holds `now` (suspend >
  // verify > throttle > monitor; a manual decision wins a tie), or nullptr.
  // Details (reason, profile, ...) by Get(id).
  const Enforced* Find(std::string_view account, TimeUs now) const noexcept;
  // Every active decision of `account`, simulated ones included.
  std::vector<const Decision*> Active(std::string_view account) const;
  const Decision* Get(uint64_t id) const noexcept;
  // Every decision kept, by id: the active ones and ended ones whose end is
  // still in the change log.
  std::vector<const Decision*> All() const;
  // How many engine decisions `account` has had under `profile` (escalation).
  uint32_t Offences(std::string_view account, std::string_view profile) const;
  size_t active_count() const noexcept { return active_; }
  // The event time of the latest detection applied (Decider::Apply), 0 if
  // none: persisted with the decisions, so that a recovering engine does not
  // judge again what these decisions already reflect.
  TimeUs applied_at() const noexcept { return applied_at_; }
  void SetAppliedAt(TimeUs t) noexcept { applied_at_ = std::max(applied_at_, t); }

  // Changes since `cursor` (0: from the start), and the cursor to pass next
  // time: decisions added (and still active) and decisions ended since. With
  // `startup`, a cursor older than the kept log or one this store never
  // gave, the answer is a snapshot instead: every active decision, to
  // replace the caller's cache.
  struct Changes {
    std::vector<const Decision*> added;
    std::vector<uint64_t> deleted;
    uint64_t cursor = 0;
    bool snapshot = false;
  };
  Changes Since(uint64_t cursor, bool startup) const;

  // Log entries kept for Since (oldest dropped first).
  static constexpr size_t kLogLimit = size_t{1} << 20;

 private:
  struct Change {
    uint64_t seq;
    uint64_t id;
    bool added;
  };
  void Log(uint64_t id, bool added);

  uint64_t next_id_ = 1;
  TimeUs applied_at_ = 0;
  uint64_t seq_ = 0;
  size_t active_ = 0;
  absl::flat_hash_map<uint64_t, Decision> by_id_;
  // Accounts by XXH3-128 of the id (no string compare on the check path;
  // collisions are beyond practical reach): their active decisions.
  struct AccountKey {
    uint64_t lo, hi;
    bool operator==(const AccountKey& o) const noexcept { return lo == o.lo && hi == o.hi; }
    template <typename H>
    friend H AbslHashValue(H h, const AccountKey& k) {
      return H::combine(std::move(h), k.lo);
    }
  };
  static AccountKey KeyOf(std::string_view account) noexcept;
  absl::flat_hash_map<AccountKey, absl::InlinedVector<Enforced, 1>> by_account_;
  absl::flat_hash_map<std::string, uint32_t> offences_;  // account '\0' profile
  std::deque<Change> log_;
};

}  // namespace hw::decide
