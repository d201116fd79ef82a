// Case files of a real result (simulate `small`, analyze, report): the
// figures each attack page states (exchanges, accounts, first and last day)
// agree with the simulator's labels within 2%, and the pages are the same
// bytes when written twice.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "../engine_fixtures.h"
#include "engine/casefile/casefile.h"

namespace hw::casefile {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Truth {
  int64_t requests = 0;
  int64_t accounts = 0;  // active
  TimeUs first = INT64_MAX, last = INT64_MIN;
};

class RealCaseFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(hw::testing::FreshTempDir("hw_casefile_real_"));
    auto res = hw::testing::SimulateAndAnalyze(*dir_);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    ASSERT_GT(res->attack_campaigns, 0u);
    labels_ = new std::string(Slurp(*dir_ / "sim/labels.jsonl"));
    auto w = WriteCaseFiles((*dir_ / "result").string(), (*dir_ / "result/cases").string());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    auto loaded = share::LoadResult((*dir_ / "result").string());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    result_ = new share::ResultSet(std::move(loaded.value()));
  }
  static void TearDownTestSuite() {
    if (dir_) fs::remove_all(*dir_);
    delete dir_;
    delete labels_;
    delete result_;
  }

  static fs::path* dir_;
  static std::string* labels_;
  static share::ResultSet* result_;
};

fs::path* RealCaseFiles::dir_ = nullptr;
std::string* RealCaseFiles::labels_ = nullptr;
share::ResultSet* RealCaseFiles::result_ = nullptr;

// "June 5, 2026" -> the day's start; INT64_MIN when it is not such a date.
TimeUs ParseHumanDate(const std::string& s) {
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  const size_t space = s.find(' '), comma = s.find(", ");
  if (space == std::string::npos || comma == std::string::npos || comma < space) return INT64_MIN;
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(0, space) == kMonths[i]) month = i + 1;
  }
  const std::string day = s.substr(space + 1, comma - space - 1);
  const std::string iso = s.substr(comma + 2, 4) + "-" + (month < 10 ? "0" : "") +
                          std::to_string(month) + "-" + (day.size() == 1 ? "0" : "") + day +
                          "T00:00:00Z";
  return ParseRfc3339(iso).value_or(INT64_MIN);
}

// The figures of "N exchanges through M accounts between D1 and D2".
struct Stated {
  std::string exchanges, accounts, first, last;
};
std::optional<Stated> FindFigures(const std::string& page) {
  const size_t ex = page.find(" exchanges through ");
  if (ex == std::string::npos) return std::nullopt;
  size_t begin = ex;
  while (begin > 0 &&
         (std::isdigit(static_cast<unsigned char>(page[begin - 1])) || page[begin - 1] == ','))
    --begin;
  Stated st;
  st.exchanges = page.substr(begin, ex - begin);
  const size_t acc = ex + 19, acc_end = page.find(" accounts between ", acc);
  if (acc_end == std::string::npos) return std::nullopt;
  st.accounts = page.substr(acc, acc_end - acc);
  const size_t d1 = acc_end + 18, and_pos = page.find(" and ", d1);
  if (and_pos == std::string::npos) return std::nullopt;
  st.first = page.substr(d1, and_pos - d1);
  const size_t d2 = and_pos + 5, comma = page.find(", ", d2);
  if (comma == std::string::npos) return std::nullopt;
  st.last = page.substr(d2, comma + 6 - d2);
  return st;
}

int64_t Number(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ','), s.end());
  return std::stoll(s);
}

TEST_F(RealCaseFiles, FiguresAgreeWithLabels) {
  // Ground truth per labelled campaign, and each account's campaign.
  std::map<std::string, Truth> truth;
  std::map<std::string, std::string> campaign_of;
  simdjson::dom::parser parser;
  std::istringstream lines(*labels_);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    simdjson::dom::object o = parser.parse(line);
    std::string_view id = o["user.id"], label = o["label"];
    if (label != "attack") continue;
    std::string_view campaign = o["campaign"];
    int64_t requests = o["requests"];
    if (requests == 0) continue;
    Truth& t = truth[std::string(campaign)];
    t.requests += requests;
    t.accounts++;
    std::string_view first = o["first_seen"], last = o["last_seen"];
    t.first = std::min(t.first, *ParseRfc3339(first));
    t.last = std::max(t.last, *ParseRfc3339(last));
    campaign_of[std::string(id)] = std::string(campaign);
  }
  ASSERT_FALSE(truth.empty());
  size_t checked = 0;
  for (const auto& c : result_->campaigns.campaigns) {
    if (!c.attack) continue;
    // The labelled campaign most of the members belong to.
    std::map<std::string, size_t> votes;
    for (const auto& id : c.account_ids) {
      if (auto it = campaign_of.find(id); it != campaign_of.end()) votes[it->second]++;
    }
    ASSERT_FALSE(votes.empty()) << c.id << " holds no labelled attacker";
    const auto best =
        std::max_element(votes.begin(), votes.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    const Truth& t = truth[best->first];
    for (const char* ext : {".html", ".md"}) {
      const std::string page = Slurp(*dir_ / "result/cases" / (c.id + ext));
      const auto m = FindFigures(page);
      ASSERT_TRUE(m.has_value()) << c.id << ext;
      const auto exchanges = static_cast<double>(Number(m->exchanges));
      const auto accounts = static_cast<double>(Number(m->accounts));
      EXPECT_NEAR(exchanges, static_cast<double>(t.requests),
                  0.02 * static_cast<double>(t.requests))
          << c.id << ext << " vs " << best->first;
      EXPECT_NEAR(accounts, static_cast<double>(t.accounts), 0.02 * static_cast<double>(t.accounts))
          << c.id << ext;
      const double span_days = static_cast<double>(t.last - t.first) / kUsPerDay;
      const double slack = std::floor(0.02 * span_days) * kUsPerDay;
      EXPECT_NEAR(static_cast<double>(ParseHumanDate(m->first)),
                  static_cast<double>(FloorDiv(t.first, kUsPerDay) * kUsPerDay), slack)
          << c.id << ext << " first day " << m->first;
      EXPECT_NEAR(static_cast<double>(ParseHumanDate(m->last)),
                  static_cast<double>(FloorDiv(t.last, kUsPerDay) * kUsPerDay), slack)
          << c.id << ext << " last day " << m->last;
    }
    // The daily series adds up to the campaign's exchanges (the ring covers
    // the small scenario's days).
    int64_t daily = 0;
    for (const auto& d : c.activity.daily) daily += d.requests;
    EXPECT_EQ(daily, c.interactions) << c.id;
    EXPECT_EQ(c.activity.hours.size(), 24u);
    EXPECT_FALSE(c.activity.models.empty());
    EXPECT_FALSE(c.link_groups.empty());
    EXPECT_FALSE(c.template_fingerprints.empty());
    ++checked;
  }
  EXPECT_GT(checked, 0u);
  EXPECT_TRUE(result_->campaigns.baseline.present);
  EXPECT_GT(result_->campaigns.baseline.accounts, 0);
}

TEST_F(RealCaseFiles, UserAgentsAndModelsAreNamed) {
  bool named_ua = false, named_model = false, example = false;
  for (const auto& c : result_->campaigns.campaigns) {
    for (const auto& u : c.user_agents) named_ua |= u.value.rfind("ua_", 0) != 0;
    for (const auto& m : c.activity.models) named_model |= m.name.rfind("model_", 0) != 0;
    for (const auto& t : c.template_fingerprints) example |= !t.example.empty();
  }
  EXPECT_TRUE(named_ua);
  EXPECT_TRUE(named_model);
  EXPECT_TRUE(example);
}

TEST_F(RealCaseFiles, SameBytesWhenWrittenAgain) {
  const fs::path again = *dir_ / "again";
  auto w = WriteCaseFiles((*dir_ / "result").string(), again.string());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(again)) {
    EXPECT_EQ(Slurp(e.path()), Slurp(*dir_ / "result/cases" / e.path().filename()))
        << e.path().filename();
    ++files;
  }
  EXPECT_EQ(files, 2 * w->pages + 2);
}

}  // namespace
}  // namespace hw::casefile
