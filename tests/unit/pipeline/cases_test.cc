// Data-driven cases: every folder under tests/cases/ holds events.jsonl,
// optionally accounts.jsonl, policy.yaml and rules.yaml, and expected.json
// with the counts and verdicts the analysis must produce. Cases are written
// by scripts/make_cases.py.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/pipeline/analyze.h"

namespace hw::pipeline {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(HW_SOURCE_DIR) / "tests" / "cases")) {
    if (e.is_directory()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Case : public ::testing::TestWithParam<std::string> {};

TEST_P(Case, MatchesExpected) {
  const fs::path dir = fs::path(HW_SOURCE_DIR) / "tests" / "cases" / GetParam();
  const fs::path out = fs::temp_directory_path() / ("hw_case_" + GetParam());
  fs::remove_all(out);
  AnalyzeOptions opt;
  opt.inputs = {(dir / "events.jsonl").string()};
  if (fs::exists(dir / "accounts.jsonl")) opt.accounts_path = (dir / "accounts.jsonl").string();
  if (fs::exists(dir / "policy.yaml")) opt.policy_path = (dir / "policy.yaml").string();
  if (fs::exists(dir / "rules.yaml")) opt.rules_path = (dir / "rules.yaml").string();
  opt.out_dir = out.string();
  opt.chunk_bytes = 64 << 10;  // several chunks, so the ordered section is exercised
  auto res = Analyze(opt);
  ASSERT_TRUE(res.ok()) << res.status().ToString();

  simdjson::dom::parser parser;
  const std::string expected_text = Slurp(dir / "expected.json");
  simdjson::dom::object expected = parser.parse(expected_text);
  int64_t n;
  if (!expected["events"].get(n)) {
    EXPECT_EQ(res->summary.events, static_cast<uint64_t>(n));
  }
  if (!expected["rejected"].get(n)) {
    EXPECT_EQ(res->summary.rejected, static_cast<uint64_t>(n));
  }
  if (!expected["duplicates"].get(n)) {
    EXPECT_EQ(res->summary.duplicates, static_cast<uint64_t>(n));
  }

  std::map<std::string, std::string> verdicts;
  {
    simdjson::dom::parser p2;
    const std::string text = Slurp(out / "accounts.jsonl");
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      simdjson::dom::object o = p2.parse(line);
      verdicts[std::string(std::string_view(o["user.id"]))] =
          std::string(std::string_view(o["verdict"]));
    }
  }
  simdjson::dom::object want;
  if (!expected["verdicts"].get(want)) {
    for (auto [id, v] : want) {
      EXPECT_EQ(verdicts[std::string(id)], std::string_view(v)) << "account " << id;
    }
  }
  simdjson::dom::object reasons;
  if (!expected["rejected_reasons"].get(reasons)) {
    simdjson::dom::parser p3;
    const std::string text = Slurp(out / "rejected.jsonl");
    std::istringstream lines(text);
    std::map<std::string, std::string> got;
    for (std::string line; std::getline(lines, line);) {
      simdjson::dom::object o = p3.parse(line);
      got[std::to_string(int64_t(o["line"]))] = std::string(std::string_view(o["reason"]));
      EXPECT_EQ(std::string_view(o["file"]), opt.inputs[0]);
    }
    for (auto [line, reason] : reasons)
      EXPECT_EQ(got[std::string(line)], std::string_view(reason)) << "line " << line;
    EXPECT_EQ(got.size(), reasons.size());
  }
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Cases, Case, ::testing::ValuesIn(CaseNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hw::pipeline
