#include "engine/decide/analyst_actions.h"

#include <gtest/gtest.h>

#include "engine/decide/decider.h"

namespace hw::decide {
namespace {

using score::Verdict;

constexpr TimeUs kT0 = int64_t{1776816000} * kUsPerSecond;
constexpr TimeUs kHour = 3600 * kUsPerSecond;
constexpr TimeUs kDay = 24 * kHour;

EnforcementPolicy Policy() {
  auto e = ParseEnforcement(R"(version: 1
name: t
profiles:
  - name: campaign
    when: {verdict: attack}
    action: suspend
    duration: 1d
)",
                            "t.yaml");
  EXPECT_TRUE(e.ok()) << e.status().message();
  return *e;
}

// An engine suspension of account "a" at kT0 (1 day), and its id.
uint64_t EngineSuspends(const Decider& decider, DecisionStore* store) {
  decider.Apply({{"a", "", Verdict::kAttack, 0.9, "campaign C001"}}, kT0, store);
  const Enforced* e = store->Find("a", kT0);
  EXPECT_NE(e, nullptr);
  return e == nullptr ? 0 : e->id;
}

TEST(AnalystActions, ConfirmMakesTheEngineDecisionTheAnalystsAndTheEngineNoLongerEndsIt) {
  const EnforcementPolicy p = Policy();
  Decider decider(p);
  DecisionStore store;
  const uint64_t id = EngineSuspends(decider, &store);
  auto r = ApplyAnalystAction(&store, id, {AnalystAction::kConfirm, 0, ""}, kT0 + kHour);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->ended, id);
  ASSERT_TRUE(r->replaced_by.has_value());
  const Decision* d = store.Get(*r->replaced_by);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->origin, Origin::kManual);
  EXPECT_EQ(d->action, Action::kSuspend);
  EXPECT_EQ(d->until, kT0 + kDay);  // the same end
  EXPECT_EQ(d->reason, "confirm by analyst: campaign C001");
  EXPECT_FALSE(store.Get(id)->active);
  // The evidence fades: the engine has nothing of its own to end, and the
  // analyst's suspension holds.
  decider.Apply({{"a", "", Verdict::kBenign, 0.0, ""}}, kT0 + 2 * kHour, &store);
  const Enforced* e = store.Find("a", kT0 + 2 * kHour);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->id, *r->replaced_by);
  EXPECT_EQ(e->action, Action::kSuspend);
}

TEST(AnalystActions, ExtendMovesTheEndAndKeepsOpenEndedOpen) {
  const EnforcementPolicy p = Policy();
  Decider decider(p);
  DecisionStore store;
  const uint64_t id = EngineSuspends(decider, &store);
  auto r = ApplyAnalystAction(&store, id, {AnalystAction::kExtend, 7 * kDay, "repeat offender"},
                              kT0 + kHour);
  ASSERT_TRUE(r.ok());
  const Decision* d = store.Get(*r->replaced_by);
  EXPECT_EQ(d->until, kT0 + kDay + 7 * kDay);
  EXPECT_EQ(d->reason, "repeat offender");
  // An extension after the end would have passed counts from now.
  Decision open;
  open.origin = Origin::kManual;
  open.account = "b";
  open.action = Action::kVerify;
  open.start = kT0;
  const uint64_t open_id = store.Add(open);
  auto r2 = ApplyAnalystAction(&store, open_id, {AnalystAction::kExtend, kDay, ""}, kT0);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(store.Get(*r2->replaced_by)->until, kForever);
  // No duration: refused, nothing changed.
  auto bad = ApplyAnalystAction(&store, *r2->replaced_by, {AnalystAction::kExtend, 0, ""}, kT0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store.Get(*r2->replaced_by)->active);
}

TEST(AnalystActions, ShadowStopsEnforcementAndTheEngineDefers) {
  const EnforcementPolicy p = Policy();
  Decider decider(p);
  DecisionStore store;
  const uint64_t id = EngineSuspends(decider, &store);
  auto r = ApplyAnalystAction(&store, id, {AnalystAction::kShadow, 0, ""}, kT0 + kHour);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(store.Get(*r->replaced_by)->simulated);
  EXPECT_EQ(store.Find("a", kT0 + kHour), nullptr);  // recorded, not enforced
  // Still an attack at the next run: the engine starts nothing.
  const ApplyStats s =
      decider.Apply({{"a", "", Verdict::kAttack, 0.9, "campaign C001"}}, kT0 + 2 * kHour, &store);
  EXPECT_EQ(s.started, 0u);
  EXPECT_EQ(s.deferred, 1u);
  EXPECT_EQ(store.Find("a", kT0 + 2 * kHour), nullptr);
}

TEST(AnalystActions, LiftClearsAnEngineDecisionForItsSpanThenTheEngineMayDecideAgain) {
  const EnforcementPolicy p = Policy();
  Decider decider(p);
  DecisionStore store;
  const uint64_t id = EngineSuspends(decider, &store);
  auto r = ApplyAnalystAction(&store, id, {AnalystAction::kLift, 2 * kDay, ""}, kT0 + kHour);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->replaced_by.has_value());
  const Decision* clear = store.Get(*r->replaced_by);
  EXPECT_EQ(clear->action, Action::kMonitor);
  EXPECT_EQ(clear->origin, Origin::kManual);
  EXPECT_EQ(clear->until, kT0 + kHour + 2 * kDay);
  decider.Apply({{"a", "", Verdict::kAttack, 0.9, "campaign C001"}}, kT0 + 2 * kHour, &store);
  const Enforced* e = store.Find("a", kT0 + 2 * kHour);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->action, Action::kMonitor);  // the analyst's clearance, not a suspension
  // Once the clearance has run out, new evidence counts again.
  const TimeUs later = kT0 + kHour + 2 * kDay + kHour;
  decider.Apply({{"a", "", Verdict::kAttack, 0.9, "campaign C001"}}, later, &store);
  e = store.Find("a", later);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->action, Action::kSuspend);
  EXPECT_FALSE(e->manual);
}

TEST(AnalystActions, LiftOfAManualDecisionLeavesNothingAndUnknownIdsAreNotFound) {
  DecisionStore store;
  Decision d;
  d.origin = Origin::kManual;
  d.account = "a";
  d.action = Action::kThrottle;
  d.throttle.requests = 5;
  d.throttle.window = kHour;
  d.start = kT0;
  const uint64_t id = store.Add(d);
  auto r = ApplyAnalystAction(&store, id, {AnalystAction::kLift, 0, ""}, kT0);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->replaced_by.has_value());
  EXPECT_EQ(store.Find("a", kT0), nullptr);
  for (uint64_t gone : {id, uint64_t{999}}) {
    auto again = ApplyAnalystAction(&store, gone, {AnalystAction::kConfirm, 0, ""}, kT0);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().code(), ErrorCode::kNotFound);
  }
  EXPECT_EQ(ParseAnalystAction("shadow"), AnalystAction::kShadow);
  EXPECT_EQ(ParseAnalystAction("delete"), std::nullopt);
}

}  // namespace
}  // namespace hw::decide
