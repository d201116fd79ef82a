// Matching accounts against partner indicators, the `partner` linking
// channel and what the scorer makes of it: reasons that name the partner,
// and never a verdict from intelligence alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../size_only_policy.h"
#include "engine/intel/intel.h"
#include "engine/link/linker.h"
#include "engine/policy/policy.h"
#include "engine/score/scorer.h"
#include "test_bundle.h"

namespace hw::intel {
namespace {

using fingerprint::AccountTable;
using fingerprint::Observation;

const TimeUs kApr23 = *ParseRfc3339("2026-04-23T00:00:00Z");

// `n` requests from `address` (and its /24 or /48) with prompt template `tmpl`.
void Traffic(AccountTable& t, const std::string& id, const char* address, uint64_t tmpl,
             TimeUs start, int n = 10) {
  for (int i = 0; i < n; ++i) {
    Observation ob;
    ob.time = start + i * kUsPerMinute;
    ob.subnet = fingerprint::SubnetKey(address);
    ob.features.prompt_template = tmpl;
    ob.features.prompt_chars = tmpl ? 300 : 0;
    t.Get(id).Update(ob);
  }
}

PartnerIntel Bundle() {
  auto b = ParseBundle(std::string(testing::kBundlePrefix) + testing::kBundleSuffix, "p.json");
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return std::move(b).value();
}

std::vector<uint32_t> Indicators(const Matches& m, size_t account) {
  std::vector<uint32_t> out;
  for (const Match& x : m.of(account)) out.push_back(x.indicator);
  return out;
}

TEST(IntelMatch, NetworksTemplatesAndAccounts) {
  AccountTable t;
  Traffic(t, "acct_a1", "203.0.113.5", 0x9f2c4e1a0b7d3366ULL, kApr23);  // 0: net, tpl, account
  Traffic(t, "v6", "2001:db8:1:5::1", 7, kApr23);                       // 1: /48
  Traffic(t, "addr", "198.51.100.9", 7, kApr23);  // 3: its /24 holds 198.51.100.7
  Traffic(t, "late", "198.51.100.9", 7, *ParseRfc3339("2026-06-01T00:00:00Z"));  // past valid_until
  Traffic(t, "early", "203.0.113.5", 7,
          *ParseRfc3339("2026-04-01T00:00:00Z"));  // before valid_from
  Traffic(t, "half24", "192.0.2.200", 7, kApr23);  // 3: 192.0.2.0/25 lies in its /24
  Traffic(t, "stranger", "100.64.0.1", 8, kApr23);
  // A network with under 10% of the account's requests is not its own.
  Traffic(t, "minor", "100.64.9.1", 8, kApr23, 20);
  Traffic(t, "minor", "203.0.113.77", 8, kApr23 + kUsPerHour, 1);

  const IntelSet set({Bundle()}, testing::kSalt);
  const Matches m = set.Match(t);
  ASSERT_EQ(m.by_account.size(), t.size());
  auto of = [&](const char* id) { return Indicators(m, static_cast<size_t>(t.Find(id))); };
  EXPECT_EQ(of("acct_a1"), (std::vector<uint32_t>{0, 2, 4}));
  const auto& a1 = m.of(static_cast<size_t>(t.Find("acct_a1")));
  EXPECT_EQ(a1[0].kind, IndicatorKind::kNetwork);
  EXPECT_EQ(a1[1].kind, IndicatorKind::kTemplate);
  EXPECT_EQ(a1[2].kind, IndicatorKind::kAccount);
  EXPECT_EQ(of("v6"), std::vector<uint32_t>{1});
  EXPECT_EQ(of("addr"), std::vector<uint32_t>{3});
  EXPECT_TRUE(of("late").empty());
  EXPECT_TRUE(of("early").empty());
  EXPECT_EQ(of("half24"), std::vector<uint32_t>{3});
  EXPECT_TRUE(of("stranger").empty());
  EXPECT_TRUE(of("minor").empty());
  EXPECT_EQ(m.matched_accounts, 4u);

  // Another salt: the shared account hash no longer matches.
  const IntelSet salted({Bundle()}, "other-salt");
  EXPECT_EQ(Indicators(salted.Match(t), static_cast<size_t>(t.Find("acct_a1"))),
            (std::vector<uint32_t>{0, 2}));
}

TEST(IntelMatch, ShortPrefixesContainAccountNetworks) {
  auto b = ParseBundle(R"({"type":"bundle","objects":[
{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value ISSUBSET '10.1.0.0/16']","pattern_type":"stix"},
{"type":"indicator","id":"indicator--2","pattern":"[ipv6-addr:value ISSUBSET '2001:db8::/32']","pattern_type":"stix"}]})",
                       "q.json");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  AccountTable t;
  Traffic(t, "in16", "10.1.77.5", 0, kApr23);
  Traffic(t, "out16", "10.2.0.1", 0, kApr23);
  Traffic(t, "in32", "2001:db8:ffff::1", 0, kApr23);
  const IntelSet set({std::move(b).value()}, "s");
  const Matches m = set.Match(t);
  EXPECT_EQ(Indicators(m, 0), std::vector<uint32_t>{0});
  EXPECT_TRUE(Indicators(m, 1).empty());
  EXPECT_EQ(Indicators(m, 2), std::vector<uint32_t>{1});
}

// A partner campaign that names accounts by their salted hashes.
PartnerIntel NamedAccounts(const std::vector<std::string>& ids, const std::string& salt) {
  PartnerIntel p;
  p.source = "acme.json";
  p.partner = "Acme AI";
  p.campaigns.push_back({"campaign--1", "Operation Mirror"});
  for (const auto& id : ids) {
    Indicator ind;
    ind.id = "user-account--" + id;
    Observable o;
    o.kind = IndicatorKind::kAccount;
    o.account = Sha256Of(salt + id);
    o.value = ToHex(o.account);
    ind.observables.push_back(o);
    ind.campaigns = {0};
    p.indicators.push_back(std::move(ind));
  }
  return p;
}

// Six accounts that share nothing: own networks, own templates, own hours.
AccountTable Strangers() {
  AccountTable t;
  const char* nets[] = {"192.0.2.1",  "198.51.100.1", "203.0.113.1",
                        "100.64.1.1", "100.64.2.1",   "100.64.3.1"};
  for (int i = 0; i < 6; ++i) {
    Traffic(t, "p" + std::to_string(i), nets[i], 100 + static_cast<uint64_t>(i),
            kApr23 + i * 3 * kUsPerHour, 12);
  }
  return t;
}

const policy::Policy& Default() {
  static const policy::Policy p = policy::DefaultPolicy().value();
  return p;
}

score::Vocabulary Vocab() { return {{"reasoning_extraction"}, {"software_engineering"}}; }

TEST(PartnerChannel, NamedAccountsJoinOnlyWithIntel) {
  const AccountTable t = Strangers();
  const std::vector<const decode::AccountInfo*> infos(t.size(), nullptr);
  const link::Linker linker(Default().link);
  EXPECT_TRUE(linker.Link(t, infos).components.empty());

  const IntelSet set({NamedAccounts({"p0", "p2", "p4"}, "salt")}, "salt");
  const Matches m = set.Match(t);
  EXPECT_EQ(m.matched_accounts, 3u);
  const link::LinkResult r = linker.Link(t, infos, &m);
  ASSERT_EQ(r.components.size(), 1u);
  EXPECT_EQ(r.components[0].members, (std::vector<uint32_t>{0, 2, 4}));
  EXPECT_EQ(r.components[0].partner_needed_edges, 2u);
  for (const link::Edge& e : r.edges_joined) {
    EXPECT_DOUBLE_EQ(e.by_channel[static_cast<size_t>(policy::Channel::kPartner)], 1.0);
  }
  // The channel is off at weight 0.
  policy::LinkPolicy off = Default().link;
  off.channels[static_cast<size_t>(policy::Channel::kPartner)].weight = 0;
  EXPECT_TRUE(link::Linker(off).Link(t, infos, &m).components.empty());
}

TEST(PartnerChannel, LocalEvidenceJoinsFirstAndAloneSetsTheBehaviourMeans) {
  // p0 and p1 share a card and a prompt template; a partner names p0, p1
  // and p2, which shares nothing with them here.
  AccountTable t;
  Traffic(t, "p0", "192.0.2.1", 500, kApr23, 12);
  Traffic(t, "p1", "198.51.100.1", 500, kApr23 + kUsPerHour, 12);
  Traffic(t, "p2", "203.0.113.1", 600, kApr23 + 2 * kUsPerHour, 12);
  std::vector<decode::AccountInfo> cards(t.size());
  std::vector<const decode::AccountInfo*> infos(t.size(), nullptr);
  for (uint32_t i : {0u, 1u}) {
    cards[i].payment = "pm_shared";
    infos[i] = &cards[i];
  }
  const IntelSet set({NamedAccounts({"p0", "p1", "p2"}, "salt")}, "salt");
  const Matches m = set.Match(t);
  const link::LinkResult r = link::Linker(Default().link).Link(t, infos, &m);
  ASSERT_EQ(r.components.size(), 1u);
  const link::Component& c = r.components[0];
  EXPECT_EQ(c.members, (std::vector<uint32_t>{0, 1, 2}));
  // p0-p1 is joined by its own evidence, though the partner would join it
  // too; only p2 needs the partner.
  EXPECT_EQ(c.partner_needed_edges, 1u);
  EXPECT_EQ(c.local_edges, 1u);
  const link::Edge* local = nullptr;
  for (const link::Edge& e : r.edges_joined) {
    if (std::min(e.a, e.b) == 0 && std::max(e.a, e.b) == 1) local = &e;
  }
  ASSERT_NE(local, nullptr);
  EXPECT_GE(local->total - local->by_channel[static_cast<size_t>(policy::Channel::kPartner)],
            Default().link.threshold);
  // The behaviour means are the local edge's: the partner's pair says
  // nothing of how alike p2 behaves.
  EXPECT_GT(local->template_similarity, 0.0);
  EXPECT_DOUBLE_EQ(c.template_similarity, local->template_similarity);
}

TEST(PartnerChannel, AnIndicatorManyAccountsMatchWeighsLittle) {
  // A /24 a partner names (a VPN exit) that 40 of our accounts use, next to
  // three accounts a partner names one by one.
  AccountTable t;
  for (int i = 0; i < 40; ++i)
    Traffic(t, "vpn" + std::to_string(i), "203.0.113.9", 200 + static_cast<uint64_t>(i), kApr23);
  const std::vector<const decode::AccountInfo*> infos(t.size(), nullptr);
  const IntelSet set({Bundle()}, testing::kSalt);
  const Matches m = set.Match(t);
  EXPECT_EQ(m.matched_accounts, 40u);
  const link::LinkResult r = link::Linker(Default().link).Link(t, infos, &m);
  // Network evidence counts half, falls with the accounts sharing it, and the
  // subnet channel adds little for 40 accounts: no edge.
  EXPECT_TRUE(r.components.empty());
}

TEST(PartnerScore, ReasonsNameThePartnerAndIntelAloneIsNoVerdict) {
  const AccountTable t = Strangers();
  const std::vector<const decode::AccountInfo*> infos(t.size(), nullptr);
  const IntelSet set({NamedAccounts({"p0", "p2", "p4"}, "salt")}, "salt");
  const Matches m = set.Match(t);
  const link::LinkResult r = link::Linker(Default().link).Link(t, infos, &m);
  const score::ScoreResult s = score::Scorer(Default().score, Vocab()).Score(t, infos, r, &m);
  ASSERT_EQ(s.campaigns.size(), 1u);
  EXPECT_FALSE(s.campaigns[0].attack);
  const auto& cr = s.campaigns[0].reasons;
  EXPECT_NE(std::find(cr.begin(), cr.end(),
                      "3 of 3 accounts match 3 indicators shared by Acme AI (campaign Operation "
                      "Mirror)"),
            cr.end());
  for (uint32_t i : {0u, 2u, 4u}) {
    EXPECT_NE(s.accounts[i].verdict, score::Verdict::kAttack);
    const auto& ar = s.accounts[i].reasons;
    EXPECT_NE(std::find(ar.begin(), ar.end(),
                        "matches 1 indicator shared by Acme AI (campaign Operation Mirror)"),
              ar.end());
  }
  EXPECT_TRUE(s.accounts[1].reasons.empty() ||
              s.accounts[1].reasons[0].find("Acme") == std::string::npos);
}

TEST(PartnerScore, AGroupOnlyIntelHoldsNeedsMembersThatLookLikeDistillation) {
  // A policy under which any group of three is an attack campaign, while
  // these accounts' own traffic scores near zero.
  auto pol = policy::ParsePolicy(
      hw::testing::SizeOnlyPolicy("    payment: {weight: 1.0}\n"
                                  "    partner: {weight: 1.0, common_at: 1000}\n"),
      "p.yaml");
  ASSERT_TRUE(pol.ok()) << pol.status().ToString();
  const AccountTable t = Strangers();

  // The control: the same accounts joined by a shared card are an attack
  // campaign under this policy (their members held for review).
  std::vector<decode::AccountInfo> cards(t.size());
  std::vector<const decode::AccountInfo*> card_infos(t.size(), nullptr);
  for (uint32_t i : {0u, 2u, 4u}) {
    cards[i].payment = "pm_shared";
    card_infos[i] = &cards[i];
  }
  const link::LinkResult local = link::Linker(pol->link).Link(t, card_infos);
  const score::ScoreResult sl = score::Scorer(pol->score, Vocab()).Score(t, card_infos, local);
  ASSERT_EQ(sl.campaigns.size(), 1u);
  EXPECT_TRUE(sl.campaigns[0].attack);

  // Held together by intelligence alone: not an attack.
  const std::vector<const decode::AccountInfo*> infos(t.size(), nullptr);
  const IntelSet set({NamedAccounts({"p0", "p2", "p4"}, "salt")}, "salt");
  const Matches m = set.Match(t);
  const link::LinkResult r = link::Linker(pol->link).Link(t, infos, &m);
  const score::ScoreResult s = score::Scorer(pol->score, Vocab()).Score(t, infos, r, &m);
  ASSERT_EQ(s.campaigns.size(), 1u);
  EXPECT_GE(s.campaigns[0].score, pol->score.campaign_attack);
  EXPECT_FALSE(s.campaigns[0].attack);
  EXPECT_EQ(s.campaigns[0].reasons.back().rfind("held together by partner intelligence", 0), 0u)
      << s.campaigns[0].reasons.back();
  for (const auto& a : s.accounts) EXPECT_NE(a.verdict, score::Verdict::kAttack);
}

}  // namespace
}  // namespace hw::intel
