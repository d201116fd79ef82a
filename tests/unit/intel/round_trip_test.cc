// The bar of partner intelligence: a round trip (analyze `small`, export a
// STIX bundle, analyze again with that bundle as partner intelligence) links
// the same accounts, and the reasons name the partner. Intelligence that
// names accounts with no other evidence never makes them `attack`.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../engine_fixtures.h"
#include "engine/common/output_file.h"
#include "engine/decode/line_source.h"
#include "engine/pipeline/engine_spec.h"
#include "engine/pipeline/online.h"
#include "engine/policy/policy.h"
#include "engine/share/export.h"

namespace hw::intel {
namespace {

namespace fs = std::filesystem;

constexpr char kSalt[] = "round-trip-salt";

struct Account {
  std::string campaign;
  std::string verdict;
  std::vector<std::string> reasons;
  int64_t requests = 0;
};

std::map<std::string, Account> ReadAccounts(const fs::path& dir) {
  std::ifstream in(dir / "accounts.jsonl");
  std::map<std::string, Account> out;
  simdjson::dom::parser parser;
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element doc = parser.parse(line);
    Account a;
    if (!doc["campaign"].is_null()) a.campaign = std::string(doc["campaign"].get_string().value());
    a.verdict = std::string(doc["verdict"].get_string().value());
    a.requests = doc["requests"].get_int64().value();
    for (auto r : doc["reasons"].get_array()) a.reasons.emplace_back(r.get_string().value());
    out[std::string(doc["user.id"].get_string().value())] = std::move(a);
  }
  return out;
}

bool NamesPartner(const Account& a) {
  return std::any_of(a.reasons.begin(), a.reasons.end(), [](const std::string& r) {
    return r.rfind("matches ", 0) == 0 &&
           r.find("shared by Acme AI (campaign") != std::string::npos;
  });
}

// Campaign -> sorted members, for the accounts in `only`.
std::map<std::string, std::vector<std::string>> Groups(const std::map<std::string, Account>& accts,
                                                       const std::set<std::string>& only) {
  std::map<std::string, std::vector<std::string>> g;
  for (const auto& [id, a] : accts) {
    if (only.count(id)) g[a.campaign].push_back(id);
  }
  return g;
}

// The partition of `only` into groups, as sets of members (ids of campaigns differ).
std::set<std::vector<std::string>> Partition(const std::map<std::string, Account>& accts,
                                             const std::set<std::string>& only) {
  std::set<std::vector<std::string>> p;
  for (auto& [c, members] : Groups(accts, only)) p.insert(members);
  return p;
}

class RoundTrip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(hw::testing::FreshTempDir("hw_intel_rt_"));
    auto simulated = hw::testing::SimulateInto(*dir_);
    ASSERT_TRUE(simulated.ok()) << simulated.status().ToString();
    Analyze("first", {});
    auto result = share::LoadResult((*dir_ / "first").string());
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    share::ExportOptions opt;
    opt.identity = "Acme AI";
    opt.salt = kSalt;
    ASSERT_TRUE(WriteFile((*dir_ / "bundle.json").string(), share::ExportStix(*result, opt)).ok());
    first_ = new std::map<std::string, Account>(ReadAccounts(*dir_ / "first"));
    exported_ = new std::set<std::string>;
    for (const auto& c : result->campaigns.campaigns) {
      if (c.attack) exported_->insert(c.account_ids.begin(), c.account_ids.end());
    }
    ASSERT_FALSE(exported_->empty());
  }
  static void TearDownTestSuite() {
    if (dir_) fs::remove_all(*dir_);
    delete dir_;
    delete first_;
    delete exported_;
  }

  static pipeline::AnalyzeOutcome Analyze(const std::string& out,
                                          const std::vector<std::string>& intel,
                                          const std::string& policy_path = {}) {
    pipeline::AnalyzeOptions opt;
    opt.policy_path = policy_path;
    opt.intel_paths = intel;
    opt.intel_salt = kSalt;
    auto res = hw::testing::AnalyzeSimulated(*dir_, out, opt);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : pipeline::AnalyzeOutcome{};
  }

  static fs::path* dir_;
  static std::map<std::string, Account>* first_;
  static std::set<std::string>* exported_;
};

fs::path* RoundTrip::dir_ = nullptr;
std::map<std::string, Account>* RoundTrip::first_ = nullptr;
std::set<std::string>* RoundTrip::exported_ = nullptr;

TEST_F(RoundTrip, IntelAloneLinksTheSameAccounts) {
  // Every channel but `partner` off: the groups come from the bundle only.
  std::istringstream in(policy::DefaultPolicyText());
  std::string text, line;
  bool in_channels = false;
  while (std::getline(in, line)) {
    if (line == "  channels:") {
      in_channels = true;
      text += line + "\n    partner: {weight: 1.0, common_at: 1000}\n";
      continue;
    }
    if (in_channels && line.rfind("    ", 0) == 0) continue;
    in_channels = in_channels && line.rfind("    ", 0) == 0;
    text += line + "\n";
  }
  ASSERT_TRUE(policy::ParsePolicy(text, "p").ok());
  ASSERT_TRUE(WriteFile((*dir_ / "partner_only.yaml").string(), text).ok());
  const auto none = Analyze("none", {}, (*dir_ / "partner_only.yaml").string());
  EXPECT_EQ(none.campaigns, 0u);  // nothing links without the bundle

  const auto out = Analyze("partner_only", {(*dir_ / "bundle.json").string()},
                           (*dir_ / "partner_only.yaml").string());
  EXPECT_GT(out.intel_indicators, exported_->size());
  EXPECT_EQ(out.intel_skipped, 0u);
  EXPECT_GE(out.intel_matched_accounts, exported_->size());
  const auto second = ReadAccounts(*dir_ / "partner_only");
  EXPECT_EQ(Partition(second, *exported_), Partition(*first_, *exported_));
  for (const auto& id : *exported_) {
    const Account& a = second.at(id);
    EXPECT_FALSE(a.campaign.empty()) << id;
    EXPECT_TRUE(NamesPartner(a)) << id;
  }
}

TEST_F(RoundTrip, WithEveryChannelTheSameGroupsAndVerdicts) {
  const auto out = Analyze("default", {(*dir_ / "bundle.json").string()});
  const auto second = ReadAccounts(*dir_ / "default");
  EXPECT_EQ(Partition(second, *exported_), Partition(*first_, *exported_));
  for (const auto& id : *exported_) {
    EXPECT_EQ(second.at(id).verdict, first_->at(id).verdict) << id;
    EXPECT_TRUE(NamesPartner(second.at(id))) << id;
  }
  // Accounts the bundle does not name keep their verdicts.
  size_t changed = 0;
  for (const auto& [id, a] : *first_) {
    if (!exported_->count(id) && a.verdict != second.at(id).verdict) ++changed;
  }
  EXPECT_EQ(changed, 0u);
}

TEST_F(RoundTrip, OnlineEngineLinksTheSameAccounts) {
  // serve and replay: the bundle rides in the EngineSpec and is matched at
  // every detection run.
  auto spec = pipeline::LoadEngineSpec("", "");  // its own: the bundle goes into it
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto warnings = pipeline::LoadIntel({(*dir_ / "bundle.json").string()}, kSalt, &spec.value());
  ASSERT_TRUE(warnings.ok()) << warnings.status().ToString();
  EXPECT_TRUE(warnings->empty());
  pipeline::OnlineOptions opt;
  opt.detect_period = 60 * kUsPerMinute;
  pipeline::OnlineEngine engine(*spec, hw::testing::Enforcement(), nullptr, opt);
  auto src = decode::LineSource::Open((*dir_ / "sim/events.jsonl.zst").string());
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  decode::Chunk chunk;
  while (!(*src)->eof()) {
    ASSERT_TRUE((*src)->Next(&chunk).ok());
    engine.Ingest(chunk.data(), chunk.first_line(), nullptr);
  }
  engine.Detect(engine.watermark());
  std::map<std::string, Account> online;
  for (size_t i = 0; i < engine.table().size(); ++i) {
    const score::AccountScore& a = engine.scores()->accounts[i];
    Account& o = online[engine.table().id(i)];
    if (a.campaign >= 0)
      o.campaign = engine.scores()->campaigns[static_cast<size_t>(a.campaign)].id;
    o.reasons = a.reasons;
  }
  // Without the registry fewer local channels fire; the bundle still joins
  // every exported campaign as it was.
  EXPECT_EQ(Partition(online, *exported_), Partition(*first_, *exported_));
  for (const auto& id : *exported_) EXPECT_TRUE(NamesPartner(online.at(id))) << id;
}

TEST_F(RoundTrip, IntelNamingBenignAccountsIsNoVerdict) {
  // The busiest benign, unlinked accounts, named as one campaign by a partner.
  std::vector<std::pair<int64_t, std::string>> benign;
  for (const auto& [id, a] : *first_) {
    if (a.verdict == "benign" && a.campaign.empty() && a.requests >= 20)
      benign.emplace_back(-a.requests, id);
  }
  std::sort(benign.begin(), benign.end());
  ASSERT_GE(benign.size(), 4u);
  benign.resize(std::min<size_t>(benign.size(), 8));
  std::string b = R"({"type":"bundle","id":"bundle--1","objects":[
{"type":"identity","id":"identity--1","name":"Acme AI","identity_class":"organization"},
{"type":"campaign","id":"campaign--1","created_by_ref":"identity--1","name":"Operation Mirror"},
{"type":"infrastructure","id":"infrastructure--1","name":"accounts"},
{"type":"relationship","id":"relationship--0","relationship_type":"uses","source_ref":"campaign--1","target_ref":"infrastructure--1"})";
  std::set<std::string> named;
  for (size_t i = 0; i < benign.size(); ++i) {
    const std::string& id = benign[i].second;
    named.insert(id);
    const std::string n = std::to_string(i);
    b += ",\n{\"type\":\"user-account\",\"id\":\"user-account--" + n + "\",\"user_id\":\"" +
         share::HashAccount(kSalt, id) + "\"}";
    b += ",\n{\"type\":\"relationship\",\"id\":\"relationship--" + n +
         "a\",\"relationship_type\":\"consists-of\",\"source_ref\":\"infrastructure--1\","
         "\"target_ref\":\"user-account--" +
         n + "\"}";
  }
  b += "\n]}\n";
  ASSERT_TRUE(WriteFile((*dir_ / "benign.json").string(), b).ok());
  const auto out = Analyze("benign", {(*dir_ / "benign.json").string()});
  EXPECT_EQ(out.intel_matched_accounts, named.size());
  const auto second = ReadAccounts(*dir_ / "benign");
  const auto groups = Groups(second, named);
  ASSERT_EQ(groups.size(), 1u);  // linked: the partner's evidence joins them
  EXPECT_FALSE(groups.begin()->first.empty());
  for (const auto& id : named) {
    EXPECT_NE(second.at(id).verdict, "attack") << id;
    EXPECT_TRUE(std::any_of(second.at(id).reasons.begin(), second.at(id).reasons.end(),
                            [](const std::string& r) {
                              return r ==
                                     "matches 1 indicator shared by Acme AI (campaign "
                                     "Operation Mirror)";
                            }))
        << id;
  }
}

}  // namespace
}  // namespace hw::intel
