#include "engine/serve/decision_service.h"

#include <algorithm>
#include <cstring>

#include "engine/common/hash.h"

namespace hw::serve {

namespace {

int64_t CeilSeconds(TimeUs us) noexcept {
  return us <= 0 ? 1 : (us + kUsPerSecond - 1) / kUsPerSecond;
}

// Seeded apart from the store's own account hash.
constexpr uint64_t kThrottleSeed = 0x7468726f74746c65ull;

}  // namespace

DecisionService::DecisionService(size_t throttle_slots) {
  size_t groups = 1;
  while (groups * kGroup < std::max<size_t>(throttle_slots, kGroup)) groups <<= 1;
  slots_.resize(groups * kGroup);
  group_mask_ = groups - 1;
  stripes_ = std::make_unique<std::mutex[]>(kStripes);
}

void DecisionService::AdvanceWatermark(TimeUs t) noexcept {
  TimeUs cur = watermark_.load(std::memory_order_relaxed);
  while (t > cur && !watermark_.compare_exchange_weak(cur, t, std::memory_order_release)) {
  }
}

std::mutex& DecisionService::StripeOf(uint64_t key) noexcept {
  return stripes_[(key & group_mask_) % kStripes];
}

DecisionService::Slot& DecisionService::Counter(uint64_t key, TimeUs end) noexcept {
  Slot* group = &slots_[(key & group_mask_) * kGroup];
  Slot* victim = nullptr;
  for (size_t i = 0; i < kGroup; ++i) {
    Slot& s = group[i];
    if (s.key == key) {
      if (s.window_end != end) {
        s.window_end = end;
        s.requests = 0;
        s.tokens = 0;
      }
      return s;
    }
    if (s.key == 0) {
      if (!victim || victim->key != 0) victim = &s;
    } else if (!victim || (victim->key != 0 && s.window_end < victim->window_end)) {
      victim = &s;
    }
  }
  // An empty slot, or the counter whose window ends first (an expired one
  // if any: its window ended before this one started).
  *victim = Slot{key, end, 0, 0};
  return *victim;
}

CheckResult DecisionService::Check(std::string_view account) noexcept {
  CheckResult r;
  const TimeUs now = this->now();
  decide::Enforced e;
  {
    std::shared_lock lock(mu_);
    const decide::Enforced* found = store_.Find(account, now);
    if (!found) return r;
    e = *found;
    if (const decide::Decision* d = store_.Get(e.id)) {
      r.reason_len = std::min(d->reason.size(), sizeof r.reason);
      std::memcpy(r.reason, d->reason.data(), r.reason_len);
    }
  }
  r.enforced = true;
  r.action = e.action;
  r.id = e.id;
  r.manual = e.manual;
  if (e.until != decide::kForever) r.retry_after_s = CeilSeconds(e.until - now);
  switch (e.action) {
    case decide::Action::kMonitor:
      break;
    case decide::Action::kSuspend:
    case decide::Action::kVerify:
      r.deny = true;
      break;
    case decide::Action::kThrottle: {
      const TimeUs window = std::max<TimeUs>(e.throttle.window, 1);
      const TimeUs start = FloorDiv(now, window) * window;
      const TimeUs end = start + window;
      const uint64_t key = Hash64(account, kThrottleSeed) | 1;
      std::lock_guard lock(StripeOf(key));
      Slot& s = Counter(key, end);
      if (s.requests < UINT32_MAX) ++s.requests;
      r.used = s.requests;
      const bool over_requests = e.throttle.requests != 0 && s.requests > e.throttle.requests;
      const bool over_tokens = e.throttle.tokens != 0 && s.tokens >= e.throttle.tokens;
      if (over_requests || over_tokens) {
        r.deny = true;
        // The next window, unless the decision ends first.
        r.retry_after_s = CeilSeconds(std::min(end, e.until) - now);
      }
      break;
    }
  }
  return r;
}

void DecisionService::ChargeTokens(std::string_view account, uint64_t tokens) noexcept {
  const TimeUs now = this->now();
  decide::ThrottleLimit limit;
  {
    std::shared_lock lock(mu_);
    const decide::Enforced* found = store_.Find(account, now);
    if (!found || found->action != decide::Action::kThrottle || found->throttle.tokens == 0) return;
    limit = found->throttle;
  }
  const TimeUs window = std::max<TimeUs>(limit.window, 1);
  const TimeUs start = FloorDiv(now, window) * window;
  const uint64_t key = Hash64(account, kThrottleSeed) | 1;
  std::lock_guard lock(StripeOf(key));
  Counter(key, start + window).tokens += tokens;
}

uint64_t DecisionService::Add(decide::Decision d) {
  return Write([&](decide::DecisionStore& s) { return s.Add(std::move(d)); });
}

bool DecisionService::End(uint64_t id) {
  const TimeUs now = this->now();
  return Write([&](decide::DecisionStore& s) { return s.End(id, now); });
}

void DecisionService::Expire() {
  const TimeUs now = this->now();
  Write([&](decide::DecisionStore& s) {
    s.Expire(now);
    return 0;
  });
}

}  // namespace hw::serve
