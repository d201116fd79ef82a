#include "engine/decide/enforcement.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace hw::decide {
namespace {

TEST(Duration, ParsesAndFormats) {
  EXPECT_EQ(ParseDuration("90s"), 90 * kUsPerSecond);
  EXPECT_EQ(ParseDuration("15m"), 15 * kUsPerMinute);
  EXPECT_EQ(ParseDuration("24h"), kUsPerDay);
  EXPECT_EQ(ParseDuration("7d"), 7 * kUsPerDay);
  EXPECT_EQ(ParseDuration("2w"), 14 * kUsPerDay);
  EXPECT_EQ(ParseDuration("1y"), 365 * kUsPerDay);
  EXPECT_EQ(ParseDuration("0s"), 0);
  EXPECT_EQ(ParseDuration("100y"), 100 * 365 * kUsPerDay);
  EXPECT_EQ(ParseDuration("5200w"), 5200 * 7 * kUsPerDay);
  for (const char* bad : {"", "s", "7", "7x", "-1d", "1.5h", "d7", "101y", " 7d",
                          "99999999999999999999d", "3153600000w", "5300w"})
    EXPECT_EQ(ParseDuration(bad), -1) << bad;
  EXPECT_EQ(FormatDuration(36 * kUsPerHour), "36h");
  EXPECT_EQ(FormatDuration(7 * kUsPerDay), "1w");
  EXPECT_EQ(FormatDuration(365 * kUsPerDay), "1y");
  EXPECT_EQ(FormatDuration(90 * kUsPerSecond), "90s");
}

TEST(Enforcement, DefaultLoadsAndIsTheCheckedInFile) {
  auto e = DefaultEnforcement();
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ(e->profiles.size(), 2u);
  const Profile& attack = e->profiles[0];
  EXPECT_EQ(attack.action, Action::kSuspend);
  EXPECT_EQ(attack.min_verdict, score::Verdict::kAttack);
  EXPECT_EQ(attack.duration, 7 * kUsPerDay);
  const Profile& review = e->profiles[1];
  EXPECT_EQ(review.action, Action::kThrottle);
  EXPECT_EQ(review.throttle.requests, 120u);
  EXPECT_EQ(review.throttle.window, kUsPerHour);
  EXPECT_EQ(e->Match(score::Verdict::kAttack, 0.9), &attack);
  EXPECT_EQ(e->Match(score::Verdict::kSuspicious, 0.7), &review);
  EXPECT_EQ(e->Match(score::Verdict::kBenign, 0.99), nullptr);
  std::ifstream in(std::string(HW_SOURCE_DIR) + "/policy/enforcement.yaml", std::ios::binary);
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), DefaultEnforcementYaml());
}

TEST(Enforcement, AllowlistAndShadow) {
  auto e = ParseEnforcement(R"(version: 1
name: t
shadow: true
allowlist:
  organizations: [org_b, org_a]
  accounts: [acct_1]
profiles:
  - name: p
    when: {verdict: suspicious, min_score: 0.5}
    action: verify
    duration: 1d
    shadow: false
)",
                            "t.yaml");
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_TRUE(e->shadow);
  EXPECT_TRUE(e->Allowed("acct_1", ""));
  EXPECT_TRUE(e->Allowed("acct_2", "org_a"));
  EXPECT_FALSE(e->Allowed("acct_2", "org_c"));
  EXPECT_FALSE(e->Allowed("", ""));
  EXPECT_EQ(e->Match(score::Verdict::kSuspicious, 0.4), nullptr);
  EXPECT_NE(e->Match(score::Verdict::kAttack, 0.5), nullptr);  // attack is at least suspicious
}

struct BadCase {
  const char* yaml;
  const char* expect;
};

TEST(Enforcement, ErrorsNameLineAndCode) {
  const std::string head = "version: 1\nname: t\nprofiles:\n";
  const BadCase cases[] = {
      {"version: 2\nprofiles: []\n", ":1: bad-version"},
      {"version: 1\nbogus: 1\nprofiles: []\n", ":2: unknown-key"},
      {"version: 1\nname: t\n", ":1: missing-key: enforcement: missing 'profiles'"},
      {"version: 1\nprofiles: []\n", ":2: bad-type: profiles: expected a non-empty list"},
      {"version: 1\nprofiles:\n  - name: p\n    when: {verdict: attack}\n    action: ban\n    "
       "duration: 1d\n",
       ":5: unknown-name: profile 'p'.action: 'ban'"},
      {"version: 1\nprofiles:\n  - name: p\n    when: {verdict: evil}\n    action: suspend\n    "
       "duration: 1d\n",
       ":4: unknown-name"},
      {"version: 1\nprofiles:\n  - name: p\n    when: {verdict: attack}\n    action: suspend\n    "
       "duration: soon\n",
       ":6: bad-type: profile 'p'.duration: 'soon' is not a duration"},
      {"version: 1\nprofiles:\n  - name: p\n    when: {verdict: attack}\n    action: throttle\n    "
       "duration: 1d\n",
       ":3: missing-key: profile 'p': a throttle needs"},
      {"version: 1\nprofiles:\n  - name: p\n    when: {verdict: attack}\n    action: throttle\n    "
       "throttle: {window: 1h}\n    duration: 1d\n",
       ":6: missing-key: profile 'p'.throttle: give 'requests', 'tokens' or both"},
      {"version: 1\nprofiles:\n  - name: p\n    when: {verdict: attack}\n    action: suspend\n    "
       "duration: 7d\n    max_duration: 1d\n",
       ":7: out-of-range"},
      {"version: 1\nprofiles:\n  - name: p\n    when: {verdict: attack}\n    action: suspend\n    "
       "duration: 1d\n  - name: p\n    when: {verdict: attack}\n    action: monitor\n    "
       "duration: 1d\n",
       ":7: duplicate-name"},
      {"version: 1\nshadow: maybe\nprofiles: []\n", ":2: bad-type"},
      {"version: 1\nprofiles: [unclosed\n", ":2: yaml-syntax"},
  };
  for (const auto& c : cases) {
    auto e = ParseEnforcement(c.yaml, "e.yaml");
    ASSERT_FALSE(e.ok()) << c.yaml;
    EXPECT_NE(e.status().message().find(std::string("e.yaml") + c.expect), std::string::npos)
        << e.status().message();
  }
}

}  // namespace
}  // namespace hw::decide
