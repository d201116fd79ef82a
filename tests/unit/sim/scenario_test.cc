#include "engine/sim/scenario.h"

#include <gtest/gtest.h>

namespace hw::sim {
namespace {

TEST(Scenario, BuiltinsLoad) {
  for (const char* name : {"small", "seed", "feb2026", "evasive"}) {
    auto s = LoadScenario(name);
    ASSERT_TRUE(s.ok()) << name << ": " << s.status().ToString();
    EXPECT_FALSE(s->personas.empty()) << name;
    EXPECT_FALSE(s->campaigns.empty()) << name;
  }
}

TEST(Scenario, SeedMatchesTheJune2026Disclosure) {
  auto s = LoadScenario("seed");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->campaigns.size(), 1u);
  EXPECT_EQ(s->campaigns[0].accounts, 25000u);
  EXPECT_EQ(s->campaigns[0].requests, 28800000u);
  EXPECT_EQ(s->days, 45u);
  EXPECT_EQ(FormatRfc3339(s->start), "2026-04-22T00:00:00Z");
  uint64_t benign_accounts = 0;
  for (const auto& p : s->personas) benign_accounts += p.accounts;
  EXPECT_GE(benign_accounts, 10u * 25000u);
}

TEST(Scenario, ScaledMultipliesCountsNotGroupSizes) {
  auto s = LoadScenario("seed");
  ASSERT_TRUE(s.ok());
  Scenario t = s->Scaled(0.1);
  EXPECT_EQ(t.campaigns[0].accounts, 2500u);
  EXPECT_EQ(t.campaigns[0].requests, 2880000u);
  for (size_t i = 0; i < t.personas.size(); ++i) {
    EXPECT_EQ(t.personas[i].group_size, s->personas[i].group_size);
    EXPECT_EQ(t.personas[i].requests_per_day, s->personas[i].requests_per_day);
  }
}

TEST(Scenario, MixesAreNormalised) {
  auto s = ParseScenario(
      "version: 1\nstart: 2026-01-01T00:00:00Z\ndays: 2\nmodels: {a: 2, b: 6}\n"
      "personas:\n  - {kind: chat_user, accounts: 3, capabilities: {general_chat: 3, "
      "creative_writing: 1}}\n",
      "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_DOUBLE_EQ(s->model_mix[0], 0.25);
  EXPECT_DOUBLE_EQ(s->personas[0].capabilities[static_cast<size_t>(Capability::kGeneralChat)],
                   0.75);
}

struct Bad {
  const char* yaml;
  const char* expect;
};

TEST(Scenario, ValidationErrorsNameFileLineAndReason) {
  const char* head = "version: 1\nstart: 2026-01-01T00:00:00Z\ndays: 5\nmodels: {m: 1}\n";
  const Bad cases[] = {
      {"version: 1\nstart: yesterday\ndays: 5\nmodels: {m: 1}\npersonas: [{kind: chat_user, "
       "accounts: 1}]\n",
       "x.yaml:2: scenario: 'start' is not an RFC 3339 time"},
      {"personas:\n  - {kind: wizard, accounts: 3}\n", "x.yaml:6: persona: unknown kind 'wizard'"},
      {"personas:\n  - {kind: chat_user}\n", "x.yaml:6: persona 'chat_user': missing 'accounts'"},
      {"personas:\n  - {kind: chat_user, accounts: 3, colour: red}\n",
       "x.yaml:6: persona: unknown key 'colour'"},
      {"personas:\n  - {kind: chat_user, accounts: -3}\n",
       "x.yaml:6: 'accounts': -3 is out of range"},
      {"personas:\n  - {kind: chat_user, accounts: 3, capabilities: {juggling: 1}}\n",
       "x.yaml:6: 'capabilities': unknown name 'juggling'"},
      {"personas:\n  - {kind: chat_user, accounts: 3}\ncampaigns:\n  - {id: a, accounts: 5, "
       "requests: 10, end_day: 9}\n",
       "x.yaml:8: 'end_day': 9 is out of range [0, 5]"},
      {"personas:\n  - {kind: chat_user, accounts: 3}\ncampaigns:\n  - {id: a, accounts: 5, "
       "requests: 10}\n"
       "  - {id: a, accounts: 5, requests: 10}\n",
       "x.yaml:9: campaign: duplicate id 'a'"},
      {"personas:\n  - {kind: chat_user, accounts: 3}\ncampaigns:\n  - {id: a, accounts: 5, "
       "concurrent: 9, requests: 10}\n",
       "x.yaml:8: 'concurrent': 9 is out of range"},
      {"personas: [\n", "x.yaml:6: YAML syntax"},
  };
  for (const auto& c : cases) {
    const std::string yaml =
        std::string(c.yaml).rfind("version", 0) == 0 ? c.yaml : std::string(head) + c.yaml;
    auto s = ParseScenario(yaml, "x.yaml");
    ASSERT_FALSE(s.ok()) << yaml;
    EXPECT_NE(s.status().message().find(c.expect), std::string::npos) << s.status().message();
  }
}

TEST(Scenario, UnknownNameIsNotFound) {
  auto s = LoadScenario("no-such-scenario");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("small"), std::string::npos);
}

}  // namespace
}  // namespace hw::sim
