// Replays tests/fuzz_regressions/rules/ (seeds and crash inputs of
// fuzz/fuzz_rules.cc): valid-*.yaml must load and scan, invalid-<code>.yaml
// must fail with that code, and any other file (a reproducer kept from a
// fuzzer finding) must either load or fail with a well-formed coded error.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../spec_error.h"
#include "engine/common/event.h"
#include "engine/features/extractor.h"
#include "engine/features/rule_pack.h"
#include "whole_patterns.h"

namespace hw::features {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// "fuzz.yaml:<digits>: <known code>: <message>", as fuzz/fuzz_rules.cc checks.
bool WellFormed(const std::string& m) {
  return hw::testing::IsCodedSpecError(
      m, "fuzz.yaml",
      {"yaml-syntax", "bad-version", "missing-key", "unknown-key", "bad-type", "bad-name",
       "duplicate-name", "unknown-name", "too-many", "out-of-range", "bad-pattern"});
}

void ScanWith(const RulePack& pack, const std::string& text) {
  FeatureExtractor ex(pack);
  Event ev;
  ev.prompt_text = text;
  ev.system_text = text;
  ev.tool_calls = 1;
  RequestFeatures rf;
  ex.Extract(ev, &rf);
  if (rf.primary_capability != kNoCategory) {
    EXPECT_TRUE(rf.capability_bits & (1u << rf.primary_capability));
  }
  const testing::WholePatterns whole(pack);
  if (whole.error().empty()) {
    EXPECT_EQ(whole.Matches(text), testing::PackMatches(pack, text));
  }
}

TEST(RulesFuzzRegressions, ReplayCorpus) {
  const fs::path dir = fs::path(HW_SOURCE_DIR) / "tests" / "fuzz_regressions" / "rules";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u);
  for (const fs::path& f : files) {
    SCOPED_TRACE(f.filename().string());
    const std::string text = Read(f);
    auto r = RulePack::Parse(text, "fuzz.yaml");
    const std::string name = f.stem().string();
    if (name.rfind("valid-", 0) == 0) {
      ASSERT_TRUE(r.ok()) << r.status().message();
      ScanWith(**r, text);
    } else if (name.rfind("invalid-", 0) == 0) {
      ASSERT_FALSE(r.ok());
      const std::string code = name.substr(8);
      EXPECT_NE(r.status().message().find(": " + code + ": "), std::string::npos)
          << r.status().message();
      EXPECT_TRUE(WellFormed(r.status().message())) << r.status().message();
    } else if (r.ok()) {
      ScanWith(**r, text);
    } else {
      EXPECT_TRUE(WellFormed(r.status().message())) << r.status().message();
    }
  }
}

}  // namespace
}  // namespace hw::features
