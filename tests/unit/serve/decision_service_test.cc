// The decision service: checks at the event-time watermark, throttle
// windows, bounded counters, and readers concurrent with a writer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "engine/decide/decider.h"
#include "engine/serve/decision_service.h"

namespace hw::serve {
namespace {

using decide::Action;
using decide::Decision;

// Not "a" + std::to_string(i): GCC 12 warns falsely (-Wrestrict) on it.
std::string Name(const char* prefix, uint64_t i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

Decision Make(std::string account, Action a, TimeUs start, TimeUs until, uint32_t requests = 0,
              TimeUs window = 0) {
  Decision d;
  d.account = std::move(account);
  d.action = a;
  d.start = start;
  d.until = until;
  d.reason = "shared payment card";
  d.throttle.requests = requests;
  d.throttle.window = window;
  return d;
}

TEST(DecisionService, ChecksAtTheWatermarkNotTheClock) {
  DecisionService s;
  s.AdvanceWatermark(1000 * kUsPerSecond);
  const uint64_t id = s.Add(Make("a", Action::kSuspend, 1000 * kUsPerSecond, 1100 * kUsPerSecond));
  CheckResult r = s.Check("a");
  EXPECT_TRUE(r.enforced);
  EXPECT_TRUE(r.deny);
  EXPECT_EQ(r.id, id);
  EXPECT_EQ(r.retry_after_s, 100);
  EXPECT_EQ(r.Reason(), "shared payment card");
  EXPECT_FALSE(s.Check("b").enforced);
  s.AdvanceWatermark(1100 * kUsPerSecond);  // the span is over
  EXPECT_FALSE(s.Check("a").enforced);
  s.AdvanceWatermark(10);  // never moves back
  EXPECT_EQ(s.now(), 1100 * kUsPerSecond);
}

TEST(DecisionService, MonitorAllowsAndEndLifts) {
  DecisionService s;
  const uint64_t m = s.Add(Make("a", Action::kMonitor, 0, decide::kForever));
  CheckResult r = s.Check("a");
  EXPECT_TRUE(r.enforced);
  EXPECT_FALSE(r.deny);
  EXPECT_EQ(r.retry_after_s, 0);
  const uint64_t v = s.Add(Make("a", Action::kVerify, 0, decide::kForever));
  EXPECT_EQ(s.Check("a").action, Action::kVerify);
  EXPECT_TRUE(s.End(v));
  EXPECT_FALSE(s.End(v));
  EXPECT_EQ(s.Check("a").id, m);
}

TEST(DecisionService, ThrottleCountsFixedWindowsInEventTime) {
  DecisionService s;
  const TimeUs h = kUsPerHour;
  s.AdvanceWatermark(10 * h + 10 * kUsPerMinute);
  s.Add(Make("t", Action::kThrottle, 0, 100 * h, /*requests=*/3, /*window=*/h));
  for (int i = 1; i <= 3; ++i) {
    CheckResult r = s.Check("t");
    EXPECT_FALSE(r.deny) << i;
    EXPECT_EQ(r.used, static_cast<uint32_t>(i));
  }
  CheckResult over = s.Check("t");
  EXPECT_TRUE(over.deny);
  EXPECT_EQ(over.action, Action::kThrottle);
  EXPECT_EQ(over.retry_after_s, 50 * 60);  // the window ends at 11:00
  s.AdvanceWatermark(11 * h);              // next window
  EXPECT_FALSE(s.Check("t").deny);
  EXPECT_EQ(s.Check("t").used, 2u);
}

TEST(DecisionService, TokenThrottle) {
  DecisionService s;
  Decision d = Make("t", Action::kThrottle, 0, decide::kForever, 0, kUsPerHour);
  d.throttle.tokens = 1000;
  s.Add(d);
  EXPECT_FALSE(s.Check("t").deny);
  s.ChargeTokens("t", 999);
  EXPECT_FALSE(s.Check("t").deny);
  s.ChargeTokens("t", 1);
  EXPECT_TRUE(s.Check("t").deny);
  s.ChargeTokens("nobody", 5);  // no throttle: nothing kept
}

TEST(DecisionService, CountersAreBoundedAndReuseSlots) {
  DecisionService s(/*throttle_slots=*/64);
  EXPECT_EQ(s.throttle_slots(), 64u);
  for (int i = 0; i < 1000; ++i)
    s.Add(Make("acct" + std::to_string(i), Action::kThrottle, 0, decide::kForever, 5, kUsPerHour));
  for (int i = 0; i < 1000; ++i) s.Check(Name("acct", i));
  // A recent account keeps counting within its window.
  for (int k = 0; k < 5; ++k) s.Check("acct999");
  EXPECT_TRUE(s.Check("acct999").deny);
}

TEST(DecisionService, EngineWritesThroughTheDecider) {
  auto policy = decide::DefaultEnforcement();
  ASSERT_TRUE(policy.ok());
  decide::Decider decider(*policy);
  DecisionService s;
  s.AdvanceWatermark(5 * kUsPerDay);
  std::vector<decide::Detection> dets = {{"evil", "", score::Verdict::kAttack, 0.9, "campaign"}};
  s.Write([&](decide::DecisionStore& st) { return decider.Apply(dets, s.now(), &st); });
  CheckResult r = s.Check("evil");
  EXPECT_TRUE(r.deny);
  EXPECT_EQ(r.action, Action::kSuspend);
  EXPECT_EQ(r.retry_after_s, 7 * 24 * 3600);
}

// Checks run on many threads while a writer adds and ends decisions: no
// check sees a torn state (every answer is one of the two states written).
TEST(DecisionService, ConcurrentReadersAndWriter) {
  DecisionService s;
  for (int i = 0; i < 10000; ++i) s.Add(Make(Name("a", i), Action::kSuspend, 0, decide::kForever));
  std::atomic<bool> done{false};
  std::atomic<uint64_t> checks{0}, bad{0};
  std::atomic<int> started{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      std::string acct;
      uint64_t n = 0;
      while (!done.load(std::memory_order_relaxed)) {
        acct = Name("a", (n * 7919 + t) % 10000);
        const CheckResult r = s.Check(acct);
        if (r.enforced && r.action != Action::kSuspend) bad++;
        if (n++ == 0) started++;
      }
      checks += n;
    });
  }
  // The writer starts once every reader is checking.
  while (started.load() < 3) std::this_thread::yield();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) {
    const uint64_t id = s.Add(Make(Name("w", i), Action::kSuspend, 0, decide::kForever));
    if (i % 2) s.End(id);
  }
  done = true;
  for (auto& r : readers) r.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_GT(checks.load(), 0u);
  std::printf("concurrent checks: %.0f/s on 3 readers beside 3000 writes\n", checks / secs);
}

}  // namespace
}  // namespace hw::serve
