// The decisions the gateways enforce, shared by the event loops (checks,
// many, concurrent) and the writers (the engine applying detections, the
// decisions API; rare). A std::shared_mutex guards a decide::DecisionStore:
// a check holds the shared lock for one hash probe and copies out what it
// needs, so readers never wait for one another.
//
// "Now" on the check path is the event-time watermark: an atomic the engine
// advances as events arrive (tests and replays set it), never the wall
// clock, so that a replay decides the same way whenever it runs.
//
// Throttles are counted here, on the check path: each throttled account has
// a fixed-window request counter (window aligned to multiples of its length
// in event time) in a table of a fixed number of slots keyed by the
// account's hash. Memory is bounded: when a slot group is full, the counter
// whose window ends first is reused.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "engine/common/time.h"
#include "engine/decide/decision_store.h"

namespace hw::serve {

struct CheckResult {
  bool enforced = false;  // a decision holds (Find); else the fields below are empty
  decide::Action action = decide::Action::kMonitor;
  uint64_t id = 0;
  bool manual = false;
  bool deny = false;  // suspend, verify, or a throttle over its limit
  // Seconds until the request may be retried (a throttle's window end, a
  // decision's end); 0 when unknown (open-ended).
  int64_t retry_after_s = 0;
  uint32_t used = 0;  // requests counted in the throttle window, this one included
  char reason[160] = {};
  size_t reason_len = 0;
  std::string_view Reason() const noexcept { return {reason, reason_len}; }
};

class DecisionService {
 public:
  explicit DecisionService(size_t throttle_slots = 65536);

  TimeUs now() const noexcept { return watermark_.load(std::memory_order_acquire); }
  // Moves the watermark forward to `t` (never back).
  void AdvanceWatermark(TimeUs t) noexcept;
  // Until ready (state loaded), checks answer per the fail mode.
  bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }
  void SetReady(bool r) noexcept { ready_.store(r, std::memory_order_release); }

  // The check path: the decision enforced on `account` now; a throttle
  // counts this request. No allocation, no exception.
  CheckResult Check(std::string_view account) noexcept;
  // Charges `tokens` used by `account` now to its token throttle, if any
  // (the engine calls this as responses are ingested).
  void ChargeTokens(std::string_view account, uint64_t tokens) noexcept;

  // Writers. `fn(DecisionStore&)` runs under the exclusive lock: the engine
  // applies its detections (decide::Decider::Apply) through it.
  // After `fn`, still under the lock, the persist hook (if set) is called so
  // that what is persisted follows the order of changes.
  template <typename F>
  auto Write(F&& fn) {
    std::unique_lock lock(mu_);
    auto r = fn(store_);
    if (persist_) persist_(store_);
    return r;
  }
  // Sets the hook Write calls after every change (serve's state store).
  // Set before the service is shared between threads.
  void SetPersist(std::function<void(const decide::DecisionStore&)> fn) {
    persist_ = std::move(fn);
  }
  // Readers that need more than Check (the decisions API): `fn(const
  // DecisionStore&)` runs under the shared lock; pointers it gets must not
  // escape it.
  template <typename F>
  auto Read(F&& fn) const {
    std::shared_lock lock(mu_);
    return fn(static_cast<const decide::DecisionStore&>(store_));
  }

  // Helpers over Write at the watermark.
  uint64_t Add(decide::Decision d);
  bool End(uint64_t id);
  void Expire();

  size_t throttle_slots() const noexcept { return slots_.size(); }

 private:
  struct Slot {
    uint64_t key = 0;  // 0: empty
    TimeUs window_end = 0;
    uint32_t requests = 0;
    uint64_t tokens = 0;
  };
  static constexpr size_t kGroup = 8;     // slots probed per key
  static constexpr size_t kStripes = 64;  // locks over the groups
  // The counter of `key` for the window ending at `end`, reset when the
  // window moved on; the caller holds the group's stripe lock.
  Slot& Counter(uint64_t key, TimeUs end) noexcept;
  std::mutex& StripeOf(uint64_t key) noexcept;

  mutable std::shared_mutex mu_;
  decide::DecisionStore store_;
  std::function<void(const decide::DecisionStore&)> persist_;
  std::atomic<TimeUs> watermark_{0};
  std::atomic<bool> ready_{true};
  std::vector<Slot> slots_;
  size_t group_mask_ = 0;
  std::unique_ptr<std::mutex[]> stripes_;
};

}  // namespace hw::serve
