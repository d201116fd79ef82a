#include "engine/policy/policy.h"

#include <gtest/gtest.h>

namespace hw::policy {
namespace {

TEST(Policy, DefaultLoads) {
  auto p = DefaultPolicy();
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->version, 1);
  EXPECT_GT(p->link.channels[static_cast<size_t>(Channel::kTemplates)].weight, 0);
  EXPECT_FALSE(p->score.account_features.empty());
  EXPECT_FALSE(p->score.campaign_features.empty());
}

struct BadCase {
  const char* yaml;
  const char* expect;  // substring of the message, with line
};

TEST(Policy, ErrorsNameLineAndCode) {
  const BadCase cases[] = {
      {"version: 2\nlink: {}\nscore: {}\n", ":1: bad-version"},
      {"version: 1\nlink:\n  threshold: 1\n  bogus: 3\nscore: {}\n",
       ":4: unknown-key: link: unknown key 'bogus'"},
      {"version: 1\nlink:\n  threshold: -1\n  channels: {}\nscore: {}\n", ":3: out-of-range"},
      {"version: 1\nlink:\n  channels:\n    telepathy: {weight: 1}\nscore: {}\n",
       ":4: unknown-name"},
      {"version: 1\nlink:\n  channels:\n    payment: {weight: one}\nscore: {}\n", ":4: bad-type"},
      {"version: 1\nlink:\n  channels: {}\n", ":1: missing-key: policy: missing 'score'"},
      {"version: 1\nlink: [unclosed\n", ":2: yaml-syntax"},
      {"version: 1\nlink: {channels: {}}\nscore:\n  elicitation_frames: {}\n  target_capabilities: "
       "[]\n"
       "  account:\n    vibes: {weight: 1, low: 0, high: 1}\n  campaign:\n    size: {weight: 1, "
       "low: 0, high: 1}\n",
       ":7: unknown-name: score.account: unknown feature 'vibes'"},
      {"version: 1\nlink: {channels: {}}\nscore:\n  elicitation_frames: {}\n  target_capabilities: "
       "[]\n"
       "  account:\n    volume: {weight: 1, low: 5, high: 1}\n  campaign:\n    size: {weight: 1, "
       "low: 0, high: 1}\n",
       ":7: out-of-range"},
      {"version: 1\nlink: {channels: {}}\nscore:\n  elicitation_frames: {}\n  target_capabilities: "
       "[]\n"
       "  account:\n    volume: {weight: 1, low: 0, high: 1}\n    volume: {weight: 1, low: 0, "
       "high: 2}\n  campaign:\n    size: {weight: 1, low: 0, high: 1}\n",
       ":8: duplicate-name: score.account: feature 'volume' given twice"},
      {"version: 1\nlink: {channels: {}}\nscore:\n  elicitation_frames: {}\n  target_capabilities: "
       "[]\n"
       "  account:\n    [volume]: {weight: 1, low: 0, high: 1}\n  campaign:\n    size: {weight: 1, "
       "low: 0, high: 1}\n",
       ":7: bad-type"},
      {"version: 1\nname: [x]\nlink: {channels: {}}\nscore: {}\n",
       ":2: bad-type: policy.name: expected a name"},
  };
  for (const auto& c : cases) {
    auto p = ParsePolicy(c.yaml, "p.yaml");
    ASSERT_FALSE(p.ok()) << c.yaml;
    EXPECT_NE(p.status().message().find(std::string("p.yaml") + c.expect), std::string::npos)
        << p.status().message();
  }
}

}  // namespace
}  // namespace hw::policy
