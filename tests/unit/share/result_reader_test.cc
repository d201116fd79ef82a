// Readers of analyze's output: what they accept, and that every malformed
// input is refused with "file:line: reason".
#include "engine/share/result_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_util.h"

namespace hw::share {
namespace {

namespace fs = std::filesystem;

TEST(ParseCampaigns, ReadsWhatTheExportNeeds) {
  auto r = ParseCampaigns(testing::kCampaignsJson, "campaigns.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->policy, "test-policy");
  ASSERT_EQ(r->campaigns.size(), 3u);
  const CampaignRecord& c = r->campaigns[0];
  EXPECT_EQ(c.id, "C001");
  EXPECT_TRUE(c.attack);
  EXPECT_DOUBLE_EQ(c.score, 0.93);
  EXPECT_EQ(c.interactions, 1200);
  EXPECT_EQ(c.first_seen, *ParseRfc3339("2026-04-22T00:00:00Z"));
  EXPECT_EQ(c.last_seen, *ParseRfc3339("2026-04-23T12:00:00.5Z"));
  ASSERT_EQ(c.capabilities.size(), 3u);
  EXPECT_EQ(c.capabilities[1].name, "math_reasoning");
  ASSERT_EQ(c.networks.size(), 2u);
  EXPECT_EQ(c.networks[1].value, "2001:db8:1::/48");
  EXPECT_EQ(c.networks[1].accounts, 2);
  ASSERT_EQ(c.addresses.size(), 1u);
  EXPECT_EQ(c.addresses[0].requests, 700);
  EXPECT_TRUE(c.addresses[0].first_seen.has_value());
  ASSERT_EQ(c.template_fingerprints.size(), 1u);
  EXPECT_FALSE(c.template_fingerprints[0].first_seen.has_value());
  EXPECT_EQ(c.linked_by.size(), 2u);
  EXPECT_EQ(c.line, 4u);
  EXPECT_FALSE(r->campaigns[2].attack);
  // Members are sorted.
  EXPECT_EQ(r->campaigns[1].account_ids, (std::vector<std::string>{"acct_b1", "acct_b2"}));
}

// The error for `text`, which must be refused.
std::string CampaignsError(const std::string& text) {
  auto r = ParseCampaigns(text, "r/campaigns.json");
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
  return r.status().message();
}

const char kHead[] = "{\"policy\":\"p\",\"campaigns\":[\n";
const char kGood[] =
    "{\"id\":\"C1\",\"verdict\":\"attack\",\"score\":0.5,\"interactions\":3,"
    "\"first_seen\":\"2026-01-01T00:00:00Z\",\"last_seen\":\"2026-01-02T00:00:00Z\","
    "\"account_ids\":[\"a\"]";

TEST(ParseCampaigns, AcceptsTheMinimalCampaign) {
  auto r = ParseCampaigns(std::string(kHead) + kGood + "}\n]}\n", "x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->campaigns.size(), 1u);
}

TEST(ParseCampaigns, NamesFileLineAndReason) {
  const std::string head = kHead;
  const std::string good = kGood;
  EXPECT_EQ(CampaignsError("[1]"), "r/campaigns.json:1: expected a JSON object");
  EXPECT_EQ(CampaignsError("{\"policy\":\"p\"}"), "r/campaigns.json:1: campaigns: missing");
  EXPECT_EQ(CampaignsError(head + good + ",\n\"score\":\"high\"}]}"),
            "r/campaigns.json:3: campaigns[0].score: expected a number in [0, 1]");
  EXPECT_EQ(CampaignsError(head + good + ",\"score\":1.5}]}"),
            "r/campaigns.json:2: campaigns[0].score: expected a number in [0, 1]");
  EXPECT_EQ(CampaignsError(head + good + ",\"interactions\":-1}]}"),
            "r/campaigns.json:2: campaigns[0].interactions: expected a non-negative integer");
  EXPECT_EQ(CampaignsError(head + good + ",\"id\":\"C2\"}]}"),
            "r/campaigns.json:2: campaigns[0].id: duplicate key");
  EXPECT_EQ(CampaignsError(head + "{\"id\":\"C1\"}]}"),
            "r/campaigns.json:2: campaigns[0]: missing \"verdict\"");
  EXPECT_EQ(CampaignsError(head + good + ",\"verdict\":\"maybe\"}]}"),
            "r/campaigns.json:2: campaigns[0].verdict: expected \"attack\" or \"benign\"");
  EXPECT_EQ(CampaignsError(head + good + "},\n" + good + "}]}"),
            "r/campaigns.json:3: campaigns[1].id: duplicate campaign \"C1\" (first on line 2)");
  EXPECT_EQ(CampaignsError(head + good + ",\"first_seen\":\"yesterday\"}]}"),
            "r/campaigns.json:2: campaigns[0].first_seen: expected an RFC 3339 time");
  std::string second = good;
  second.replace(second.find("C1"), 2, "C2");
  EXPECT_EQ(CampaignsError(head + good + "},\n" + second + "}]}"),
            "r/campaigns.json:3: campaigns[1].account_ids: account \"a\" is also a member of "
            "campaign \"C1\"");
  EXPECT_EQ(CampaignsError(head + good + "}]}\n\n{}"),
            "r/campaigns.json:4: invalid JSON: trailing content");
}

TEST(ParseCampaigns, ChecksIndicatorValues) {
  const std::string base = std::string(kHead) + kGood + ",\n\"indicators\":{";
  EXPECT_EQ(CampaignsError(base + "\"networks\":[{\"cidr\":\"10.0.0.0/33\",\"accounts\":1}]}}]}"),
            "r/campaigns.json:3: campaigns[0].indicators.networks[0].cidr: not an IPv4 or IPv6 "
            "CIDR");
  EXPECT_EQ(CampaignsError(base + "\"networks\":[{\"cidr\":\"10.0.0.0/24\"}]}}]}"),
            "r/campaigns.json:3: campaigns[0].indicators.networks[0]: missing \"accounts\"");
  EXPECT_EQ(
      CampaignsError(base + "\"addresses\":[{\"value\":\"host.example\",\"accounts\":1}]}}]}"),
      "r/campaigns.json:3: campaigns[0].indicators.addresses[0].value: not an IPv4 or "
      "IPv6 address");
  // Text where a fingerprint belongs never reaches the export.
  EXPECT_EQ(CampaignsError(base + "\"template_fingerprints\":[{\"value\":\"Explain step by step\","
                                  "\"accounts\":1}]}}]}"),
            "r/campaigns.json:3: campaigns[0].indicators.template_fingerprints[0].value: not a "
            "fingerprint (1 to 128 of [A-Za-z0-9_.:-])");
  EXPECT_EQ(CampaignsError(base + "\"linked_by\":[1]}}]}"),
            "r/campaigns.json:3: campaigns[0].indicators.linked_by[0]: expected a string");
  // Lists the export ignores (read for the case files) are checked too.
  const std::string m = CampaignsError(base + "\"payment_fingerprints\":[{\"value\":tru}]}}]}");
  EXPECT_EQ(m,
            "r/campaigns.json:3: campaigns[0].indicators.payment_fingerprints[0].value: "
            "expected a string")
      << m;
  EXPECT_TRUE(ParseCampaigns(base + "\"networks\":[{\"cidr\":\"2001:db8::/48\",\"accounts\":1}],"
                                    "\"email_domains\":[]}}]}",
                             "x")
                  .ok());
}

TEST(ParseCampaigns, RefusesALiteralThatOnlyStartsLikeNull) {
  // Found by fuzz/fuzz_result.cc: the skipped value "ns" threw from simdjson
  // instead of failing as invalid JSON.
  const std::string m = CampaignsError("{\"campaigns\":[],\n\"x\":ns}");
  EXPECT_EQ(m.rfind("r/campaigns.json:2: invalid JSON", 0), 0u) << m;
}

TEST(ParseAccounts, ReadsAndSorts) {
  auto r = ParseAccounts(testing::kAccountsJsonl, "accounts.jsonl");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 8u);
  EXPECT_EQ((*r)[0].user_id, "acct_a1");
  EXPECT_EQ((*r)[2].verdict, AccountVerdict::kSuspicious);
  EXPECT_EQ((*r)[7].user_id, "acct_z");
  EXPECT_TRUE((*r)[7].campaign.empty());
  EXPECT_FALSE((*r)[7].first_seen.has_value());
}

TEST(ParseAccounts, NamesFileLineAndReason) {
  auto err = [](const std::string& text) {
    auto r = ParseAccounts(text, "r/accounts.jsonl");
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.status().message();
  };
  const std::string ok = R"({"user.id":"a","verdict":"benign","requests":1})";
  EXPECT_EQ(err(ok + "\n\n{\"user.id\":\"b\",\"verdict\":\"evil\",\"requests\":1}\n"),
            "r/accounts.jsonl:3: verdict: expected one of attack|suspicious|benign");
  EXPECT_EQ(err(ok + "\n" + ok + "\n"),
            "r/accounts.jsonl:2: user.id: duplicate account \"a\" (first on line 1)");
  EXPECT_EQ(err(R"({"user.id":"a","verdict":"benign"})"), "r/accounts.jsonl:1: requests: missing");
  EXPECT_EQ(err(R"({"user.id":"","verdict":"benign","requests":1})"),
            "r/accounts.jsonl:1: user.id: expected a non-empty string");
  EXPECT_EQ(err(R"({"user.id":"a","verdict":"benign","requests":1,"first_seen":"x"})"),
            "r/accounts.jsonl:1: first_seen: expected an RFC 3339 time or null");
  const std::string m = err(ok + "\n{\"user.id\":\n");
  EXPECT_EQ(m.rfind("r/accounts.jsonl:2: invalid JSON", 0), 0u) << m;
  EXPECT_EQ(err("[]"), "r/accounts.jsonl:1: expected a JSON object");
}

class ResultDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hw_share_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  fs::path dir_;
};

TEST_F(ResultDir, LoadsBothFiles) {
  Write("campaigns.json", testing::kCampaignsJson);
  Write("accounts.jsonl", testing::kAccountsJsonl);
  auto r = LoadResult(dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->campaigns.campaigns.size(), 3u);
  ASSERT_NE(r->FindAccount("acct_b2"), nullptr);
  EXPECT_EQ(r->FindAccount("acct_b2")->requests, 150);
  EXPECT_EQ(r->FindAccount("acct_nope"), nullptr);
}

TEST_F(ResultDir, RefusesFilesFromDifferentRuns) {
  Write("campaigns.json", testing::kCampaignsJson);
  std::string accounts = testing::kAccountsJsonl;
  accounts.replace(accounts.find("\"campaign\":\"C002\""), 17, "\"campaign\":\"C009\"");
  Write("accounts.jsonl", accounts);
  auto r = LoadResult(dir_.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), (dir_ / "campaigns.json").string() +
                                      ":24: campaign \"C002\" lists account " +
                                      "\"acct_b1\", which " + (dir_ / "accounts.jsonl").string() +
                                      " places in campaign \"C009\" (files from different runs?)");
}

TEST_F(ResultDir, NamesAMissingFile) {
  Write("campaigns.json", testing::kCampaignsJson);
  auto r = LoadResult(dir_.string() + "/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_EQ(r.status().message().rfind((dir_ / "accounts.jsonl").string() + ": cannot open", 0), 0u)
      << r.status().message();
}

}  // namespace
}  // namespace hw::share
