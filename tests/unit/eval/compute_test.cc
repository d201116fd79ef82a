// Metrics on hand-made rows; every expected number is worked out by hand in
// the comments.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/eval/eval.h"

namespace hw::eval {
namespace {

LabelRow Attacker(const std::string& id, const std::string& campaign, int64_t requests = 10,
                  const std::string& kind = "distillation") {
  LabelRow r;
  r.user_id = id;
  r.attack = true;
  r.persona = kind;
  r.campaign = campaign;
  r.requests = requests;
  return r;
}

LabelRow Benign(const std::string& id, const std::string& persona, int64_t requests = 10) {
  LabelRow r;
  r.user_id = id;
  r.persona = persona;
  r.requests = requests;
  return r;
}

PredRow Pred(const std::string& id, Verdict v, const std::string& campaign = "") {
  PredRow p;
  p.user_id = id;
  p.verdict = v;
  p.score = v == Verdict::kAttack ? 0.9 : v == Verdict::kSuspicious ? 0.5 : 0.1;
  p.campaign = campaign;
  return p;
}

const CampaignMetrics& Campaign(const ViewReport& v, const std::string& id) {
  for (const auto& c : v.campaigns) {
    if (c.id == id) return c;
  }
  ADD_FAILURE() << "no campaign " << id;
  static const CampaignMetrics kNone;
  return kNone;
}

const PersonaMetrics& Persona(const ViewReport& v, const std::string& name) {
  for (const auto& p : v.personas) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no persona " << name;
  static const PersonaMetrics kNone;
  return kNone;
}

const Bar& FindBar(const ViewReport& v, const std::string& name) {
  for (const auto& b : v.bars) {
    if (b.name == name) return b;
  }
  ADD_FAILURE() << "no bar " << name;
  static const Bar kNone;
  return kNone;
}

TEST(EvalCompute, PrecisionRecallF1) {
  // 4 attackers, 6 benign. Predicted attack: a1 a2 a3 (TP 3), b1 b2 (FP 2);
  // a4 missed (FN 1); b3..b6 clean (TN 4).
  std::vector<LabelRow> labels = {Attacker("a1", "c1"), Attacker("a2", "c1"), Attacker("a3", "c1"),
                                  Attacker("a4", "c1"), Benign("b1", "dev"),  Benign("b2", "dev"),
                                  Benign("b3", "dev"),  Benign("b4", "dev"),  Benign("b5", "dev"),
                                  Benign("b6", "dev")};
  std::vector<PredRow> preds = {
      Pred("a1", Verdict::kAttack, "p1"), Pred("a2", Verdict::kAttack, "p1"),
      Pred("a3", Verdict::kAttack, "p1"), Pred("a4", Verdict::kBenign),
      Pred("b1", Verdict::kAttack, "p1"), Pred("b2", Verdict::kAttack),
      Pred("b3", Verdict::kBenign),       Pred("b4", Verdict::kBenign),
      Pred("b5", Verdict::kBenign),       Pred("b6", Verdict::kBenign)};
  const EvalReport r = Compute(labels, preds, {});
  const AccountMetrics& a = r.attack.accounts;
  EXPECT_EQ(a.tp, 3);
  EXPECT_EQ(a.fp, 2);
  EXPECT_EQ(a.fn, 1);
  EXPECT_EQ(a.tn, 4);
  ASSERT_TRUE(a.precision && a.recall && a.f1);
  EXPECT_EQ(*a.precision, 0.6);  // 3 / 5
  EXPECT_EQ(*a.recall, 0.75);    // 3 / 4
  // 2 * 0.6 * 0.75 / 1.35 = 0.9 / 1.35 = 2/3
  EXPECT_DOUBLE_EQ(*a.f1, 2.0 / 3.0);
  EXPECT_EQ(r.labelled, 10);
  EXPECT_EQ(r.labelled_attack, 4);
  EXPECT_EQ(r.labelled_benign, 6);
  EXPECT_EQ(r.active, 10);
  EXPECT_EQ(r.inactive, 0);
  EXPECT_EQ(r.missing_active, 0);
  // Per-campaign recall 3/4; persona FPR 2/6.
  EXPECT_EQ(*Campaign(r.attack, "c1").recall, 0.75);
  EXPECT_EQ(*Persona(r.attack, "dev").fpr, 2.0 / 6.0);
  EXPECT_EQ(Persona(r.attack, "dev").flagged, 2);
  // p1 holds a1 a2 a3 b1: purity 3/4, completeness 3/4.
  const CampaignMetrics& c1 = Campaign(r.attack, "c1");
  EXPECT_EQ(c1.best_group, "p1");
  EXPECT_EQ(c1.best_shared, 3);
  EXPECT_EQ(c1.best_size, 4);
  EXPECT_EQ(*c1.purity, 0.75);
  EXPECT_EQ(*c1.completeness, 0.75);
}

TEST(EvalCompute, NoPositivesLeavesPrecisionUndefined) {
  std::vector<LabelRow> labels = {Attacker("a1", "c1"), Benign("b1", "dev")};
  const EvalReport r = Compute(labels, {}, {});
  EXPECT_FALSE(r.attack.accounts.precision.has_value());
  EXPECT_EQ(*r.attack.accounts.recall, 0.0);
  EXPECT_FALSE(r.attack.accounts.f1.has_value());
  EXPECT_EQ(FindBar(r.attack, "precision").status, BarStatus::kNotApplicable);
  EXPECT_EQ(FindBar(r.attack, "recall").status, BarStatus::kFail);
  EXPECT_FALSE(r.attack.pass);
}

TEST(EvalCompute, CampaignSplitIntoTwoPredictedCampaigns) {
  // c1 has 5 active accounts: 3 in p1, 2 in p2. Completeness 3/5 = 0.6 with p1,
  // whose purity is 3/3; recall 5/5.
  std::vector<LabelRow> labels;
  for (int i = 1; i <= 5; ++i) labels.push_back(Attacker("a" + std::to_string(i), "c1"));
  std::vector<PredRow> preds = {
      Pred("a1", Verdict::kAttack, "p1"), Pred("a2", Verdict::kAttack, "p1"),
      Pred("a3", Verdict::kAttack, "p1"), Pred("a4", Verdict::kAttack, "p2"),
      Pred("a5", Verdict::kAttack, "p2")};
  const EvalReport r = Compute(labels, preds, {});
  const CampaignMetrics& c = Campaign(r.attack, "c1");
  EXPECT_EQ(c.active, 5);
  EXPECT_EQ(c.detected, 5);
  EXPECT_EQ(*c.recall, 1.0);
  EXPECT_EQ(c.predicted_groups, 2);
  EXPECT_EQ(c.best_group, "p1");
  EXPECT_FALSE(c.best_singleton);
  EXPECT_EQ(c.best_shared, 3);
  EXPECT_EQ(c.best_size, 3);
  EXPECT_EQ(*c.completeness, 0.6);
  EXPECT_EQ(*c.purity, 1.0);
  EXPECT_EQ(c.recall_bar, BarStatus::kPass);
  EXPECT_EQ(c.completeness_bar, BarStatus::kFail);  // 0.6 < 0.9
  const Bar& b = FindBar(r.attack, "campaign_completeness");
  EXPECT_EQ(b.status, BarStatus::kFail);
  EXPECT_EQ(*b.value, 0.6);
  EXPECT_EQ(b.worst, "c1");
  ASSERT_EQ(b.failing.size(), 1u);
  EXPECT_EQ(b.failing[0], "c1");
}

TEST(EvalCompute, PredictedCampaignMergingTwoTrueCampaigns) {
  // p1 holds c1's 3 accounts, c2's 2 accounts and one benign account: size 6.
  // c1: completeness 3/3, purity 3/6 = 0.5. c2: completeness 2/2, purity 2/6.
  std::vector<LabelRow> labels = {Attacker("a1", "c1"),
                                  Attacker("a2", "c1"),
                                  Attacker("a3", "c1"),
                                  Attacker("d1", "c2", 5, "hydra_reseller"),
                                  Attacker("d2", "c2", 7, "hydra_reseller"),
                                  Benign("b1", "dev")};
  std::vector<PredRow> preds;
  for (const char* id : {"a1", "a2", "a3", "d1", "d2", "b1"})
    preds.push_back(Pred(id, Verdict::kAttack, "p1"));
  const EvalReport r = Compute(labels, preds, {});
  const CampaignMetrics& c1 = Campaign(r.attack, "c1");
  EXPECT_EQ(c1.best_group, "p1");
  EXPECT_EQ(c1.best_size, 6);
  EXPECT_EQ(*c1.completeness, 1.0);
  EXPECT_EQ(*c1.purity, 0.5);
  EXPECT_EQ(c1.completeness_bar, BarStatus::kFail);  // purity 0.5 < 0.95
  const CampaignMetrics& c2 = Campaign(r.attack, "c2");
  EXPECT_EQ(c2.kind, "hydra_reseller");
  EXPECT_EQ(c2.requests, 12);
  EXPECT_EQ(*c2.completeness, 1.0);
  EXPECT_EQ(*c2.purity, 2.0 / 6.0);
  // Sorted by id.
  ASSERT_EQ(r.attack.campaigns.size(), 2u);
  EXPECT_EQ(r.attack.campaigns[0].id, "c1");
  EXPECT_EQ(r.attack.campaigns[1].id, "c2");
}

TEST(EvalCompute, AttackWithoutCampaignCountsAsSingletons) {
  // 3 accounts flagged without a campaign: 3 singleton groups of one. Best:
  // the first by account id, completeness 1/3, purity 1/1.
  std::vector<LabelRow> labels = {Attacker("a3", "c1"), Attacker("a1", "c1"), Attacker("a2", "c1")};
  std::vector<PredRow> preds = {Pred("a1", Verdict::kAttack), Pred("a2", Verdict::kAttack),
                                Pred("a3", Verdict::kAttack)};
  const EvalReport r = Compute(labels, preds, {});
  const CampaignMetrics& c = Campaign(r.attack, "c1");
  EXPECT_EQ(c.predicted_groups, 3);
  EXPECT_TRUE(c.best_singleton);
  EXPECT_EQ(c.best_group, "a1");
  EXPECT_EQ(c.best_shared, 1);
  EXPECT_EQ(*c.completeness, 1.0 / 3.0);
  EXPECT_EQ(*c.purity, 1.0);
}

TEST(EvalCompute, BestGroupTieGoesToThePurerOne) {
  // c1: 2 accounts in p1 (with 2 benign: purity 2/4), 2 in p2 (purity 2/2).
  std::vector<LabelRow> labels = {Attacker("a1", "c1"), Attacker("a2", "c1"), Attacker("a3", "c1"),
                                  Attacker("a4", "c1"), Benign("b1", "dev"),  Benign("b2", "dev")};
  std::vector<PredRow> preds = {
      Pred("a1", Verdict::kAttack, "p1"), Pred("a2", Verdict::kAttack, "p1"),
      Pred("b1", Verdict::kAttack, "p1"), Pred("b2", Verdict::kAttack, "p1"),
      Pred("a3", Verdict::kAttack, "p2"), Pred("a4", Verdict::kAttack, "p2")};
  const EvalReport r = Compute(labels, preds, {});
  const CampaignMetrics& c = Campaign(r.attack, "c1");
  EXPECT_EQ(c.best_group, "p2");
  EXPECT_EQ(*c.completeness, 0.5);
  EXPECT_EQ(*c.purity, 1.0);
}

TEST(EvalCompute, BenignPersonaFalsePositiveRate) {
  // dev: 4 active, 1 flagged -> 0.25. batch: 2 active (+1 inactive), none
  // flagged -> 0. idle: only an inactive account -> n/a. Suspicious does not
  // count in the attack view.
  std::vector<LabelRow> labels = {Benign("d1", "dev"),      Benign("d2", "dev"),
                                  Benign("d3", "dev"),      Benign("d4", "dev"),
                                  Benign("e1", "batch"),    Benign("e2", "batch"),
                                  Benign("e3", "batch", 0), Benign("i1", "idle", 0)};
  std::vector<PredRow> preds = {Pred("d1", Verdict::kAttack), Pred("d2", Verdict::kSuspicious),
                                Pred("e1", Verdict::kBenign)};
  const EvalReport r = Compute(labels, preds, {});
  ASSERT_EQ(r.attack.personas.size(), 3u);
  EXPECT_EQ(r.attack.personas[0].name, "batch");  // sorted by name
  EXPECT_EQ(r.attack.personas[1].name, "dev");
  EXPECT_EQ(r.attack.personas[2].name, "idle");
  const PersonaMetrics& dev = Persona(r.attack, "dev");
  EXPECT_EQ(dev.accounts, 4);
  EXPECT_EQ(dev.active, 4);
  EXPECT_EQ(dev.flagged, 1);
  EXPECT_EQ(*dev.fpr, 0.25);
  EXPECT_EQ(dev.bar, BarStatus::kFail);
  const PersonaMetrics& batch = Persona(r.attack, "batch");
  EXPECT_EQ(batch.accounts, 3);
  EXPECT_EQ(batch.active, 2);
  EXPECT_EQ(*batch.fpr, 0.0);
  EXPECT_EQ(batch.bar, BarStatus::kPass);
  const PersonaMetrics& idle = Persona(r.attack, "idle");
  EXPECT_EQ(idle.active, 0);
  EXPECT_FALSE(idle.fpr.has_value());
  EXPECT_EQ(idle.bar, BarStatus::kNotApplicable);
  const Bar& b = FindBar(r.attack, "persona_fpr");
  EXPECT_EQ(b.status, BarStatus::kFail);
  EXPECT_EQ(*b.value, 0.25);
  EXPECT_EQ(b.worst, "dev");
  // With suspicious positive, dev has 2 of 4 flagged.
  EXPECT_EQ(*Persona(r.attack_or_suspicious, "dev").fpr, 0.5);
}

TEST(EvalCompute, MissingAccountsArePredictedBenign) {
  // a3 and b2 are not in the result: a3 is a false negative, b2 a true
  // negative.
  std::vector<LabelRow> labels = {Attacker("a1", "c1"), Attacker("a2", "c1"), Attacker("a3", "c1"),
                                  Benign("b1", "dev"), Benign("b2", "dev")};
  std::vector<PredRow> preds = {Pred("a1", Verdict::kAttack, "p1"),
                                Pred("a2", Verdict::kAttack, "p1"), Pred("b1", Verdict::kBenign)};
  const EvalReport r = Compute(labels, preds, {});
  EXPECT_EQ(r.missing_active, 2);
  EXPECT_EQ(r.missing_active_attack, 1);
  EXPECT_EQ(r.attack.accounts.tp, 2);
  EXPECT_EQ(r.attack.accounts.fn, 1);
  EXPECT_EQ(r.attack.accounts.tn, 2);
  EXPECT_EQ(r.attack.accounts.fp, 0);
  EXPECT_EQ(*r.attack.accounts.recall, 2.0 / 3.0);
  EXPECT_EQ(*Campaign(r.attack, "c1").completeness, 2.0 / 3.0);
}

TEST(EvalCompute, AccountsNotInLabelsAreCountedAndIgnored) {
  std::vector<LabelRow> labels = {Attacker("a1", "c1"), Benign("b1", "dev")};
  std::vector<PredRow> preds = {Pred("a1", Verdict::kAttack, "p1"),
                                Pred("x1", Verdict::kAttack, "p1"),
                                Pred("x2", Verdict::kSuspicious), Pred("x3", Verdict::kBenign)};
  const EvalReport r = Compute(labels, preds, {});
  EXPECT_EQ(r.predicted_accounts, 4);
  EXPECT_EQ(r.unlabelled, 3);
  EXPECT_EQ(r.attack.accounts.unlabelled_flagged, 1);
  EXPECT_EQ(r.attack_or_suspicious.accounts.unlabelled_flagged, 2);
  EXPECT_EQ(r.attack.accounts.tp, 1);
  EXPECT_EQ(r.attack.accounts.fp, 0);
  EXPECT_EQ(*r.attack.accounts.precision, 1.0);
  // x1 is not labelled, so p1's size counts only a1: purity 1.
  const CampaignMetrics& c = Campaign(r.attack, "c1");
  EXPECT_EQ(c.best_size, 1);
  EXPECT_EQ(*c.purity, 1.0);
}

TEST(EvalCompute, InactiveAccountsAreExcluded) {
  // a3 (attacker) and b2 (benign) never sent a request; both are flagged.
  // They count as inactive (2 flagged) and in no other figure.
  std::vector<LabelRow> labels = {Attacker("a1", "c1"), Attacker("a2", "c1"),
                                  Attacker("a3", "c1", 0), Benign("b1", "dev"),
                                  Benign("b2", "dev", 0)};
  std::vector<PredRow> preds = {Pred("a1", Verdict::kAttack, "p1"), Pred("a2", Verdict::kBenign),
                                Pred("a3", Verdict::kAttack, "p1"), Pred("b1", Verdict::kBenign),
                                Pred("b2", Verdict::kAttack, "p1")};
  const EvalReport r = Compute(labels, preds, {});
  EXPECT_EQ(r.active, 3);
  EXPECT_EQ(r.inactive, 2);
  const AccountMetrics& a = r.attack.accounts;
  EXPECT_EQ(a.inactive_flagged, 2);
  EXPECT_EQ(a.tp, 1);
  EXPECT_EQ(a.fn, 1);
  EXPECT_EQ(a.fp, 0);
  EXPECT_EQ(a.tn, 1);
  const CampaignMetrics& c = Campaign(r.attack, "c1");
  EXPECT_EQ(c.accounts, 3);
  EXPECT_EQ(c.active, 2);
  EXPECT_EQ(*c.recall, 0.5);
  EXPECT_EQ(c.best_size, 1);  // the inactive members of p1 do not count
  EXPECT_EQ(*c.purity, 1.0);
  EXPECT_EQ(*c.completeness, 0.5);
  EXPECT_EQ(Persona(r.attack, "dev").active, 1);
  EXPECT_EQ(*Persona(r.attack, "dev").fpr, 0.0);
  // A campaign with no active account has no recall and no bar.
  std::vector<LabelRow> idle = {Attacker("z1", "c9", 0)};
  const EvalReport r2 = Compute(idle, {}, {});
  const CampaignMetrics& c9 = Campaign(r2.attack, "c9");
  EXPECT_FALSE(c9.recall.has_value());
  EXPECT_FALSE(c9.completeness.has_value());
  EXPECT_EQ(c9.recall_bar, BarStatus::kNotApplicable);
  EXPECT_EQ(c9.completeness_bar, BarStatus::kNotApplicable);
}

TEST(EvalCompute, TimeToDetection) {
  const TimeUs t0 = *ParseRfc3339("2025-03-01T09:00:00Z");
  std::vector<LabelRow> labels = {Attacker("a1", "c1", 500), Attacker("a2", "c1", 300),
                                  Attacker("a3", "c1", 200), Attacker("d1", "c2", 100),
                                  Attacker("d2", "c2", 100), Attacker("e1", "c3", 50)};
  labels[0].first_seen = t0 + kUsPerHour;  // 10:00
  labels[1].first_seen = t0;               // 09:00: c1 starts here
  labels[2].first_seen = t0 + 2 * kUsPerHour;
  labels[3].first_seen = t0 + kUsPerDay;  // c2 starts a day later
  labels[4].first_seen = t0 + kUsPerDay + kUsPerHour;
  labels[5].first_seen = t0;
  std::vector<PredRow> preds = {
      Pred("a1", Verdict::kAttack, "p1"), Pred("a2", Verdict::kAttack, "p1"),
      Pred("a3", Verdict::kBenign, "p1"), Pred("d1", Verdict::kAttack, "p2"),
      Pred("d2", Verdict::kAttack, "p2"), Pred("e1", Verdict::kAttack)};
  // c1: per-account flags. a1 at 12:00 after 100 requests, a2 at 11:30 after
  // 50. a3 is not positive: its earlier flag and count do not count.
  preds[0].first_flagged = t0 + 3 * kUsPerHour;
  preds[0].requests_before_flag = 100;
  preds[1].first_flagged = t0 + 2 * kUsPerHour + 30 * kUsPerMinute;
  preds[1].requests_before_flag = 50;
  preds[2].first_flagged = t0 + kUsPerHour;
  preds[2].requests_before_flag = 7;
  // c2: only the predicted campaign carries a detection, 45 minutes in,
  // after 80 requests.
  PredCampaign p1, p2;
  p1.id = "p1";
  p1.first_detection = t0 + 4 * kUsPerHour;  // later than a2's flag
  p1.requests_before_detection = 999;        // accounts carry their own counts
  p2.id = "p2";
  p2.first_detection = t0 + kUsPerDay + 45 * kUsPerMinute;
  p2.requests_before_detection = 80;
  const EvalReport r = Compute(labels, preds, {p1, p2});
  EXPECT_TRUE(r.detection_times);
  const CampaignMetrics& c1 = Campaign(r.attack, "c1");
  EXPECT_EQ(*c1.first_seen, t0);
  EXPECT_EQ(*c1.first_detection, t0 + 2 * kUsPerHour + 30 * kUsPerMinute);
  EXPECT_EQ(*c1.time_to_detection, 2 * kUsPerHour + 30 * kUsPerMinute);
  EXPECT_EQ(*c1.requests_before_detection, 150);
  // a2 (09:00) and a1 (10:00) started before 11:30, a3 (11:00) too.
  EXPECT_EQ(*c1.accounts_before_detection, 3);
  const CampaignMetrics& c2 = Campaign(r.attack, "c2");
  EXPECT_EQ(*c2.first_seen, t0 + kUsPerDay);
  EXPECT_EQ(*c2.time_to_detection, 45 * kUsPerMinute);
  EXPECT_EQ(*c2.requests_before_detection, 80);
  // d1 started a day in, d2 an hour later: after 45 minutes only d1 had.
  EXPECT_EQ(*c2.accounts_before_detection, 1);
  const CampaignMetrics& c3 = Campaign(r.attack, "c3");  // detected, no times
  EXPECT_EQ(c3.detected, 1);
  EXPECT_FALSE(c3.first_detection.has_value());
  EXPECT_FALSE(c3.time_to_detection.has_value());
  EXPECT_FALSE(c3.requests_before_detection.has_value());
  EXPECT_FALSE(c3.accounts_before_detection.has_value());
  // With suspicious positive a3 would count, but it is benign: unchanged.
  EXPECT_EQ(*Campaign(r.attack_or_suspicious, "c1").requests_before_detection, 150);

  // No times anywhere: n/a.
  std::vector<PredRow> plain = {Pred("a1", Verdict::kAttack, "p1")};
  const EvalReport r2 = Compute(labels, plain, {});
  EXPECT_FALSE(r2.detection_times);
  EXPECT_FALSE(Campaign(r2.attack, "c1").time_to_detection.has_value());
}

TEST(EvalCompute, BenignAccountsEnforcedDuringAnOnlineRunCount) {
  const TimeUs t0 = *ParseRfc3339("2025-03-01T09:00:00Z");
  std::vector<LabelRow> labels = {Attacker("a1", "c1"), Benign("s1", "startup"),
                                  Benign("s2", "startup"), Benign("s3", "startup", 0)};
  for (int i = 0; i < 1000; ++i) labels.push_back(Benign("v" + std::to_string(i), "vpn"));
  std::vector<PredRow> preds = {Pred("a1", Verdict::kAttack, "p1"), Pred("s1", Verdict::kBenign),
                                Pred("s2", Verdict::kBenign), Pred("s3", Verdict::kBenign),
                                Pred("v0", Verdict::kBenign)};
  preds[0].first_flagged = t0;
  // s1 was throttled and lifted before the end: benign at the end, yet hurt.
  // s3 never sent a request: not counted. v0: 1 of 1000 is within the target.
  preds[1].first_flagged = t0 + kUsPerHour;
  preds[3].first_flagged = t0 + kUsPerHour;
  preds[4].first_flagged = t0 + kUsPerHour;
  const EvalReport r = Compute(labels, preds, {});
  const PersonaMetrics& startup = Persona(r.attack, "startup");
  EXPECT_EQ(startup.flagged, 0);
  EXPECT_EQ(startup.bar, BarStatus::kPass);
  ASSERT_TRUE(startup.enforced.has_value());
  EXPECT_EQ(*startup.enforced, 1);
  EXPECT_EQ(*startup.enforced_share, 0.5);
  EXPECT_EQ(startup.enforced_bar, BarStatus::kFail);
  const PersonaMetrics& vpn = Persona(r.attack, "vpn");
  EXPECT_EQ(*vpn.enforced, 1);
  EXPECT_EQ(vpn.enforced_bar, BarStatus::kPass);
  const Bar& bar = r.attack.bars.back();
  EXPECT_EQ(bar.name, "persona_enforced");
  EXPECT_EQ(bar.status, BarStatus::kFail);
  EXPECT_EQ(bar.failing, std::vector<std::string>{"startup"});
  EXPECT_FALSE(r.attack.pass);

  // A batch result carries no decision times: nothing to count.
  for (PredRow& p : preds) p.first_flagged.reset();
  const EvalReport b = Compute(labels, preds, {});
  EXPECT_FALSE(Persona(b.attack, "startup").enforced.has_value());
  EXPECT_EQ(b.attack.bars.back().status, BarStatus::kNotApplicable);
  EXPECT_TRUE(b.attack.pass);
}

TEST(EvalCompute, SuspiciousAsPositive) {
  // a1 attack, a2 suspicious, a3 benign; b1 suspicious, b2 benign.
  // attack view: TP 1, FN 2, FP 0, TN 2.
  // attack|suspicious view: TP 2, FN 1, FP 1, TN 1.
  std::vector<LabelRow> labels = {Attacker("a1", "c1"), Attacker("a2", "c1"), Attacker("a3", "c1"),
                                  Benign("b1", "dev"), Benign("b2", "dev")};
  std::vector<PredRow> preds = {
      Pred("a1", Verdict::kAttack, "p1"), Pred("a2", Verdict::kSuspicious, "p1"),
      Pred("a3", Verdict::kBenign), Pred("b1", Verdict::kSuspicious), Pred("b2", Verdict::kBenign)};
  const EvalReport r = Compute(labels, preds, {});
  EXPECT_FALSE(r.attack.suspicious_positive);
  EXPECT_TRUE(r.attack_or_suspicious.suspicious_positive);
  const AccountMetrics& s = r.attack.accounts;
  EXPECT_EQ(s.tp, 1);
  EXPECT_EQ(s.fn, 2);
  EXPECT_EQ(s.fp, 0);
  EXPECT_EQ(s.tn, 2);
  EXPECT_EQ(*s.precision, 1.0);
  EXPECT_EQ(*s.recall, 1.0 / 3.0);
  const AccountMetrics& l = r.attack_or_suspicious.accounts;
  EXPECT_EQ(l.tp, 2);
  EXPECT_EQ(l.fn, 1);
  EXPECT_EQ(l.fp, 1);
  EXPECT_EQ(l.tn, 1);
  EXPECT_EQ(*l.precision, 2.0 / 3.0);
  EXPECT_EQ(*l.recall, 2.0 / 3.0);
  // The suspicious a2 joins p1 only in the second view.
  EXPECT_EQ(Campaign(r.attack, "c1").best_shared, 1);
  EXPECT_EQ(Campaign(r.attack_or_suspicious, "c1").best_shared, 2);
  EXPECT_EQ(*Campaign(r.attack_or_suspicious, "c1").completeness, 2.0 / 3.0);
  EXPECT_EQ(*Persona(r.attack_or_suspicious, "dev").fpr, 0.5);
}

// 20 attackers in c1, 1000 benign "dev" accounts.
struct BarsCase {
  std::vector<LabelRow> labels;
  std::vector<PredRow> preds;
};

BarsCase MakeBarsCase(int detected, int false_positives) {
  BarsCase b;
  for (int i = 0; i < 20; ++i) {
    const std::string id = "a" + std::to_string(i);
    b.labels.push_back(Attacker(id, "c1"));
    if (i < detected) b.preds.push_back(Pred(id, Verdict::kAttack, "p1"));
  }
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "b" + std::to_string(i);
    b.labels.push_back(Benign(id, "dev"));
    b.preds.push_back(Pred(id, i < false_positives ? Verdict::kAttack : Verdict::kBenign));
  }
  return b;
}

TEST(EvalCompute, BarsPass) {
  // 19 of 20 detected, all in p1: recall 0.95 (bar >= 0.95), campaign recall
  // and completeness 0.95 (>= 0.90), purity 1. No false positive: precision 1,
  // FPR 0.
  const BarsCase b = MakeBarsCase(19, 0);
  const EvalReport r = Compute(b.labels, b.preds, {});
  EXPECT_EQ(*r.attack.accounts.recall, 0.95);
  // A batch result: no decision times, so nothing enforced to count.
  for (const Bar& bar : r.attack.bars) {
    EXPECT_EQ(bar.status,
              bar.name == "persona_enforced" ? BarStatus::kNotApplicable : BarStatus::kPass)
        << bar.name;
  }
  EXPECT_TRUE(r.attack.pass);
  EXPECT_EQ(FindBar(r.attack, "precision").target, ">= 0.99");
  EXPECT_EQ(FindBar(r.attack, "persona_fpr").target, "every benign persona <= 0.001");
}

TEST(EvalCompute, BarsAtTheirEdges) {
  // One false positive in 1000: FPR 0.001 passes (<=). Precision 19/20 = 0.95
  // fails (< 0.99).
  const BarsCase b = MakeBarsCase(19, 1);
  const EvalReport r = Compute(b.labels, b.preds, {});
  EXPECT_EQ(FindBar(r.attack, "persona_fpr").status, BarStatus::kPass);
  EXPECT_EQ(*FindBar(r.attack, "persona_fpr").value, 0.001);
  EXPECT_EQ(FindBar(r.attack, "precision").status, BarStatus::kFail);
  EXPECT_FALSE(r.attack.pass);
  // Two false positives: FPR 0.002 fails.
  const BarsCase c = MakeBarsCase(19, 2);
  const EvalReport r2 = Compute(c.labels, c.preds, {});
  const Bar& fpr = FindBar(r2.attack, "persona_fpr");
  EXPECT_EQ(fpr.status, BarStatus::kFail);
  ASSERT_EQ(fpr.failing.size(), 1u);
  EXPECT_EQ(fpr.failing[0], "dev");
}

TEST(EvalCompute, BarsFail) {
  // 17 of 20: recall 0.85 fails both the account and the campaign bar
  // (completeness 0.85 too).
  const BarsCase b = MakeBarsCase(17, 0);
  const EvalReport r = Compute(b.labels, b.preds, {});
  EXPECT_EQ(FindBar(r.attack, "precision").status, BarStatus::kPass);
  EXPECT_EQ(FindBar(r.attack, "recall").status, BarStatus::kFail);
  const Bar& cr = FindBar(r.attack, "campaign_recall");
  EXPECT_EQ(cr.status, BarStatus::kFail);
  EXPECT_EQ(*cr.value, 0.85);
  EXPECT_EQ(cr.worst, "c1");
  EXPECT_EQ(FindBar(r.attack, "campaign_completeness").status, BarStatus::kFail);
  EXPECT_EQ(FindBar(r.attack, "persona_fpr").status, BarStatus::kPass);
  EXPECT_FALSE(r.attack.pass);
  // Custom targets move the bars.
  Targets loose;
  loose.recall = 0.8;
  loose.campaign_recall = 0.8;
  loose.completeness = 0.8;
  const EvalReport r2 = Compute(b.labels, b.preds, {}, loose);
  EXPECT_TRUE(r2.attack.pass);
}

TEST(EvalCompute, NoCampaignsOrPersonasMakeBarsNotApplicable) {
  std::vector<LabelRow> labels = {Benign("b1", "dev")};
  const EvalReport r = Compute(labels, {Pred("b1", Verdict::kBenign)}, {});
  EXPECT_EQ(FindBar(r.attack, "campaign_recall").status, BarStatus::kNotApplicable);
  EXPECT_EQ(FindBar(r.attack, "campaign_completeness").status, BarStatus::kNotApplicable);
  EXPECT_EQ(FindBar(r.attack, "recall").status, BarStatus::kNotApplicable);
  EXPECT_EQ(FindBar(r.attack, "persona_fpr").status, BarStatus::kPass);
  EXPECT_TRUE(r.attack.pass);
}

}  // namespace
}  // namespace hw::eval
