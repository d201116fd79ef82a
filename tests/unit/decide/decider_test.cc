#include "engine/decide/decider.h"

#include <gtest/gtest.h>

namespace hw::decide {
namespace {

using score::Verdict;

EnforcementPolicy Policy(bool shadow = false) {
  auto e = ParseEnforcement(R"(version: 1
name: t
allowlist: {organizations: [trusted_org], accounts: [acct_vip]}
profiles:
  - name: campaign
    when: {verdict: attack}
    action: suspend
    duration: 1d
    escalation: 4
    max_duration: 10d
  - name: review
    when: {verdict: suspicious}
    action: throttle
    throttle: {requests: 10, window: 1h}
    duration: 2h
)",
                            "t.yaml");
  EXPECT_TRUE(e.ok()) << e.status().message();
  e->shadow = shadow;
  return *e;
}

constexpr TimeUs kT0 = int64_t{1776816000} * kUsPerSecond;

TEST(Decider, StartsKeepsRaisesLowersAndEnds) {
  const EnforcementPolicy p = Policy();
  Decider decider(p);
  DecisionStore store;
  // Suspicious: throttled.
  auto s = decider.Apply({{"a", "", Verdict::kSuspicious, 0.7, "r1"}}, kT0, &store);
  EXPECT_EQ(s.started, 1u);
  const Enforced* e = store.Find("a", kT0);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->action, Action::kThrottle);
  EXPECT_EQ(e->throttle.requests, 10u);
  EXPECT_EQ(e->until, kT0 + 2 * kUsPerHour);
  const Decision* d = store.Get(e->id);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->reason, "r1");
  EXPECT_EQ(d->profile, "review");
  // Same evidence again: the decision stands, no new one.
  s = decider.Apply({{"a", "", Verdict::kSuspicious, 0.7, "r1"}}, kT0 + kUsPerHour, &store);
  EXPECT_EQ(s.started, 0u);
  EXPECT_EQ(store.active_count(), 1u);
  // Raised to attack: the throttle ends, a suspension starts.
  s = decider.Apply({{"a", "", Verdict::kAttack, 0.9, "r2"}}, kT0 + 90 * kUsPerMinute, &store);
  EXPECT_EQ(s.started, 1u);
  EXPECT_EQ(s.ended, 1u);
  e = store.Find("a", kT0 + 90 * kUsPerMinute);
  ASSERT_NE(e, nullptr);
  d = store.Get(e->id);
  EXPECT_EQ(d->action, Action::kSuspend);
  EXPECT_EQ(d->repeat, 0u);  // the first under this profile: not escalated
  EXPECT_EQ(d->until - d->start, kUsPerDay);
  // Lowered to benign: the engine's decision ends.
  s = decider.Apply({{"a", "", Verdict::kBenign, 0.1, ""}}, kT0 + 2 * kUsPerHour, &store);
  EXPECT_EQ(s.ended, 1u);
  EXPECT_EQ(store.Find("a", kT0 + 2 * kUsPerHour), nullptr);
}

TEST(Decider, EscalationIsCappedAndDecisionsExpire) {
  const EnforcementPolicy p = Policy();
  Decider decider(p);
  DecisionStore store;
  TimeUs t = kT0;
  TimeUs expected[] = {kUsPerDay, 4 * kUsPerDay, 10 * kUsPerDay, 10 * kUsPerDay};
  for (TimeUs length : expected) {
    decider.Apply({{"a", "", Verdict::kAttack, 0.9, ""}}, t, &store);
    const Enforced* d = store.Find("a", t);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->until - d->start, length);
    // Still caught just before the end: the same decision; caught after it
    // expired: the next, longer one.
    EXPECT_NE(store.Find("a", d->until - 1), nullptr);
    EXPECT_EQ(store.Find("a", d->until), nullptr);
    t = d->until + kUsPerSecond;
  }
  EXPECT_EQ(store.Offences("a", "campaign"), 4u);
  EXPECT_EQ(store.Offences("a", "review"), 0u);
}

TEST(Decider, AllowlistsAndShadowMode) {
  const EnforcementPolicy p = Policy();
  Decider decider(p);
  DecisionStore store;
  auto s = decider.Apply({{"acct_vip", "", Verdict::kAttack, 0.9, ""},
                          {"b", "trusted_org", Verdict::kAttack, 0.9, ""}},
                         kT0, &store);
  EXPECT_EQ(s.started, 0u);
  EXPECT_EQ(s.allowlisted, 2u);
  EXPECT_EQ(store.active_count(), 0u);

  const EnforcementPolicy shadow = Policy(true);
  Decider shadow_decider(shadow);
  DecisionStore recorded;
  shadow_decider.Apply({{"c", "", Verdict::kAttack, 0.9, ""}}, kT0, &recorded);
  EXPECT_EQ(recorded.active_count(), 1u);
  EXPECT_EQ(recorded.Find("c", kT0), nullptr);  // recorded, not enforced
  ASSERT_EQ(recorded.Active("c").size(), 1u);
  EXPECT_TRUE(recorded.Active("c")[0]->simulated);
}

TEST(DecisionStore, ManualDecisionsStandBesideTheEngine) {
  const EnforcementPolicy p = Policy();
  Decider decider(p);
  DecisionStore store;
  Decision manual;
  manual.origin = Origin::kManual;
  manual.account = "a";
  manual.action = Action::kThrottle;
  manual.start = kT0;
  manual.profile = "manual";
  const uint64_t id = store.Add(manual);
  decider.Apply({{"a", "", Verdict::kAttack, 0.9, ""}}, kT0, &store);
  EXPECT_EQ(store.Find("a", kT0)->action, Action::kSuspend);  // the stronger holds
  decider.Apply({{"a", "", Verdict::kBenign, 0.0, ""}}, kT0 + 1, &store);
  const Enforced* d = store.Find("a", kT0 + 1);
  ASSERT_NE(d, nullptr);  // the engine lowered its own, not the analyst's
  EXPECT_EQ(d->id, id);
  EXPECT_TRUE(d->manual);
  EXPECT_EQ(store.Offences("a", "campaign"), 1u);
  EXPECT_EQ(store.Offences("a", "manual"), 0u);  // manual decisions do not escalate
  EXPECT_TRUE(store.End(id, kT0 + 2));
  EXPECT_FALSE(store.End(id, kT0 + 3));
  EXPECT_EQ(store.Find("a", kT0 + 3), nullptr);
}

TEST(DecisionStore, StreamGivesNewAndDeletedSinceTheCursor) {
  DecisionStore store;
  auto add = [&](const char* account, TimeUs until) {
    Decision d;
    d.account = account;
    d.action = Action::kSuspend;
    d.start = kT0;
    d.until = until;
    return store.Add(d);
  };
  const uint64_t a = add("a", kForever);
  const uint64_t b = add("b", kT0 + kUsPerHour);
  auto start = store.Since(0, true);
  EXPECT_TRUE(start.snapshot);
  ASSERT_EQ(start.added.size(), 2u);
  EXPECT_EQ(start.added[0]->id, a);
  const uint64_t cursor = start.cursor;
  auto none = store.Since(cursor, false);
  EXPECT_TRUE(none.added.empty());
  EXPECT_TRUE(none.deleted.empty());
  EXPECT_EQ(none.cursor, cursor);

  store.Expire(kT0 + kUsPerHour);  // b ends
  const uint64_t c = add("c", kForever);
  const uint64_t d = add("d", kForever);
  store.End(d, kT0 + 2 * kUsPerHour);  // added and ended between polls: never seen
  auto next = store.Since(cursor, false);
  EXPECT_FALSE(next.snapshot);
  ASSERT_EQ(next.added.size(), 1u);
  EXPECT_EQ(next.added[0]->id, c);
  ASSERT_EQ(next.deleted.size(), 1u);
  EXPECT_EQ(next.deleted[0], b);
  EXPECT_EQ(store.Since(next.cursor, false).added.size(), 0u);
  // A cursor from another store's history: a snapshot, not a patch.
  auto unknown = store.Since(next.cursor + 100, false);
  EXPECT_TRUE(unknown.snapshot);
  EXPECT_EQ(unknown.added.size(), 2u);  // a and c
  EXPECT_EQ(store.Get(b)->ended, kT0 + kUsPerHour);
}

}  // namespace
}  // namespace hw::decide
