// Exports of a real result (simulate `small`, analyze): nothing private
// leaves - no raw account id, no prompt text, no e-mail address, no payment
// fingerprint - and the same result gives the same bytes.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "../engine_fixtures.h"
#include "engine/common/output_file.h"
#include "engine/share/export.h"

namespace hw::share {
namespace {

namespace fs = std::filesystem;

class RealResult : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(hw::testing::FreshTempDir("hw_share_real_"));
    head_ = new std::string;
    auto res = hw::testing::SimulateAndAnalyze(*dir_, "small", [](std::string_view b) {
      // The first 8 MiB of events give the prompts to look for.
      if (head_->size() < (size_t{8} << 20)) head_->append(b);
    });
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    ASSERT_GT(res->attack_campaigns, 0u);
    {
      std::ifstream in(*dir_ / "sim/accounts.jsonl", std::ios::binary);
      registry_ =
          new std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
    auto loaded = LoadResult((*dir_ / "result").string());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    result_ = new ResultSet(std::move(loaded.value()));
  }
  static void TearDownTestSuite() {
    if (dir_) fs::remove_all(*dir_);
    delete dir_;
    delete result_;
    delete head_;
    delete registry_;
  }

  // Strings that must never leave: account ids, prompt and system texts,
  // e-mail domains and payment fingerprints of the registry.
  static std::vector<std::string> Secrets() {
    std::vector<std::string> out;
    for (const auto& a : result_->accounts) out.push_back(a.user_id);
    simdjson::dom::parser parser;
    std::set<std::string> texts;
    size_t pos = 0;
    while (pos < head_->size()) {
      size_t nl = head_->find('\n', pos);
      if (nl == std::string::npos) break;  // the cut line at the end
      simdjson::dom::element doc;
      if (!parser.parse(head_->data() + pos, nl - pos, true).get(doc)) {
        simdjson::dom::array msgs;
        if (!doc["gen_ai.input.messages"].get_array().get(msgs)) {
          for (simdjson::dom::element m : msgs) {
            simdjson::dom::array parts;
            if (m["parts"].get_array().get(parts)) continue;
            for (simdjson::dom::element p : parts) {
              std::string_view t;
              if (!p["content"].get_string().get(t) && t.size() >= 24)
                texts.emplace(t.substr(0, 24));
            }
          }
        }
      }
      pos = nl + 1;
    }
    EXPECT_GT(texts.size(), 100u);
    out.insert(out.end(), texts.begin(), texts.end());
    pos = 0;
    while (pos < registry_->size()) {
      size_t nl = registry_->find('\n', pos);
      if (nl == std::string::npos) nl = registry_->size();
      simdjson::dom::element doc;
      if (!parser.parse(registry_->data() + pos, nl - pos, true).get(doc)) {
        for (const char* key : {"payment.fingerprint", "email.domain", "organization.id"}) {
          std::string_view v;
          if (!doc[key].get_string().get(v) && !v.empty()) out.emplace_back(v);
        }
      }
      pos = nl + 1;
    }
    return out;
  }

  static fs::path* dir_;
  static ResultSet* result_;
  static std::string* head_;
  static std::string* registry_;
};
fs::path* RealResult::dir_ = nullptr;
ResultSet* RealResult::result_ = nullptr;
std::string* RealResult::head_ = nullptr;
std::string* RealResult::registry_ = nullptr;

TEST_F(RealResult, NothingPrivateLeaves) {
  ASSERT_NE(result_, nullptr);
  const std::string stix = ExportStix(*result_, ExportOptions{});
  const std::string misp = ExportMisp(*result_, ExportOptions{});
  const std::vector<std::string> secrets = Secrets();
  ASSERT_GT(secrets.size(), result_->accounts.size());
  for (const std::string& s : secrets) {
    ASSERT_EQ(stix.find(s), std::string::npos) << "STIX export holds \"" << s << "\"";
    ASSERT_EQ(misp.find(s), std::string::npos) << "MISP export holds \"" << s << "\"";
  }
  // No e-mail address of any form.
  EXPECT_EQ(stix.find('@'), std::string::npos);
  EXPECT_EQ(misp.find('@'), std::string::npos);
}

TEST_F(RealResult, ExportsEveryAttackCampaignAndItsMembers) {
  ASSERT_NE(result_, nullptr);
  size_t campaigns = 0, members = 0;
  for (const auto& c : result_->campaigns.campaigns) {
    if (!c.attack) continue;
    ++campaigns;
    members += c.account_ids.size();
  }
  ASSERT_GT(campaigns, 0u);
  const std::string stix = ExportStix(*result_, ExportOptions{});
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t p = stix.find(needle); p != std::string::npos; p = stix.find(needle, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("{\"type\":\"campaign\""), campaigns);
  EXPECT_EQ(count("{\"type\":\"user-account\""), members);
  for (const auto& c : result_->campaigns.campaigns) {
    if (!c.attack) continue;
    for (const auto& id : c.account_ids) {
      EXPECT_NE(stix.find(HashAccount(kDefaultSalt, id)), std::string::npos);
    }
  }
}

TEST_F(RealResult, SameResultSameBytes) {
  ASSERT_NE(result_, nullptr);
  auto again = LoadResult((*dir_ / "result").string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ExportStix(*result_, ExportOptions{}), ExportStix(*again, ExportOptions{}));
  EXPECT_EQ(ExportMisp(*result_, ExportOptions{}), ExportMisp(*again, ExportOptions{}));
}

}  // namespace
}  // namespace hw::share
