// A group linked only by how alike its prompts are (templates, elicitation
// profile) is reported, never made an attack campaign: users of one kind
// (researchers asking for step-by-step reasoning) draw on one stock of
// phrasings, and at scale their template signatures overlap by chance.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "../size_only_policy.h"
#include "engine/fingerprint/account_table.h"
#include "engine/link/linker.h"
#include "engine/policy/policy.h"
#include "engine/score/scorer.h"

namespace hw::score {
namespace {

using fingerprint::AccountTable;
using fingerprint::Observation;

constexpr TimeUs kStart = int64_t{1776816000} * kUsPerSecond;

// Templates alone reach the link threshold under this policy.
constexpr std::string_view kChannels =
    "    payment: {weight: 1.0}\n"
    "    templates: {weight: 1.0, min_similarity: 0.15, min_items: 5}\n";

// Four accounts that draw their prompts from the same ten templates, each
// from its own network, at its own times.
AccountTable AlikeAccounts() {
  AccountTable t;
  for (int a = 0; a < 4; ++a) {
    auto& s = t.Get("r" + std::to_string(a));
    for (int k = 0; k < 40; ++k) {
      Observation ob;
      ob.time = kStart + (a * 997 + k * 61) * kUsPerMinute;
      ob.subnet = 0x500000000ULL + static_cast<uint64_t>(a) * 256;
      ob.address = ob.subnet + 1;
      ob.user_agent = 10 + static_cast<uint64_t>(a);
      ob.features.prompt_template = 1000 + static_cast<uint64_t>(k % 10);
      ob.features.prompt_chars = 300;
      s.Update(ob);
    }
  }
  return t;
}

Vocabulary Vocab() { return {{"reasoning_extraction"}, {"software_engineering"}}; }

struct Outcome {
  link::LinkResult links;
  ScoreResult scores;
};

Outcome LinkAndScore(const policy::Policy& p,
                     const std::vector<const decode::AccountInfo*>& infos) {
  static const AccountTable t = AlikeAccounts();
  Outcome o;
  o.links = link::Linker(p.link).Link(t, infos);
  o.scores = Scorer(p.score, Vocab()).Score(t, infos, o.links);
  return o;
}

TEST(Resemblance, AlikePromptsAloneAreReportedNotJudged) {
  auto pol = policy::ParsePolicy(testing::SizeOnlyPolicy(kChannels), "p.yaml");
  ASSERT_TRUE(pol.ok()) << pol.status().ToString();
  EXPECT_DOUBLE_EQ(pol->score.min_shared_evidence, 0.1);  // the built-in default
  const std::vector<const decode::AccountInfo*> none(4, nullptr);
  const Outcome o = LinkAndScore(*pol, none);
  ASSERT_EQ(o.links.components.size(), 1u);
  EXPECT_EQ(o.links.components[0].members.size(), 4u);
  EXPECT_DOUBLE_EQ(o.links.components[0].shared_evidence, 0.0);
  ASSERT_EQ(o.scores.campaigns.size(), 1u);
  const CampaignScore& c = o.scores.campaigns[0];
  EXPECT_GE(c.score, pol->score.campaign_attack);
  EXPECT_FALSE(c.attack);
  ASSERT_FALSE(c.reasons.empty());
  EXPECT_EQ(c.reasons.back().rfind("linked only by how alike their prompts are", 0), 0u)
      << c.reasons.back();
  for (const AccountScore& a : o.scores.accounts) {
    EXPECT_EQ(a.verdict, Verdict::kBenign);
    EXPECT_EQ(a.campaign, 0);
  }
}

TEST(Resemblance, SomethingSharedBesidesMakesTheVerdict) {
  auto pol = policy::ParsePolicy(testing::SizeOnlyPolicy(kChannels), "p.yaml");
  ASSERT_TRUE(pol.ok()) << pol.status().ToString();
  // The same accounts on one card: every joining link carries the card too.
  std::vector<decode::AccountInfo> cards(4);
  std::vector<const decode::AccountInfo*> infos;
  for (auto& c : cards) {
    c.payment = "pm_shared";
    infos.push_back(&c);
  }
  const Outcome o = LinkAndScore(*pol, infos);
  ASSERT_EQ(o.links.components.size(), 1u);
  EXPECT_DOUBLE_EQ(o.links.components[0].shared_evidence, 1.0);
  ASSERT_EQ(o.scores.campaigns.size(), 1u);
  EXPECT_TRUE(o.scores.campaigns[0].attack);
}

TEST(Resemblance, ZeroTurnsTheRuleOff) {
  auto pol =
      policy::ParsePolicy(testing::SizeOnlyPolicy(kChannels, "min_shared_evidence: 0"), "p.yaml");
  ASSERT_TRUE(pol.ok()) << pol.status().ToString();
  const std::vector<const decode::AccountInfo*> none(4, nullptr);
  const Outcome o = LinkAndScore(*pol, none);
  ASSERT_EQ(o.scores.campaigns.size(), 1u);
  EXPECT_TRUE(o.scores.campaigns[0].attack);
}

}  // namespace
}  // namespace hw::score
