// Replays tests/fuzz_regressions/result/ (seeds and kept inputs of
// fuzz/fuzz_result.cc) through both readers: each file parses or fails with
// "file:line: reason"; the seeds named campaigns_small.json,
// campaigns_all_indicators.json and accounts_small.jsonl parse, and a parsed
// result exports.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../spec_error.h"
#include "engine/share/export.h"
#include "engine/share/result_reader.h"

namespace hw::share {
namespace {

namespace fs = std::filesystem;

using hw::testing::NamesFileAndLine;

TEST(ResultFuzzRegressions, EveryFileParsesOrFailsWellFormed) {
  const fs::path dir = fs::path(HW_SOURCE_DIR) / "tests/fuzz_regressions/result";
  ASSERT_TRUE(fs::is_directory(dir));
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string name = entry.path().filename().string();
    auto c = ParseCampaigns(text, "c.json");
    auto a = ParseAccounts(text, "a.jsonl");
    if (!c.ok()) {
      EXPECT_TRUE(NamesFileAndLine(c.status().message(), "c.json")) << name;
    }
    if (!a.ok()) {
      EXPECT_TRUE(NamesFileAndLine(a.status().message(), "a.jsonl")) << name;
    }
    if (name == "campaigns_small.json" || name == "campaigns_all_indicators.json") {
      ASSERT_TRUE(c.ok()) << name << ": " << c.status().message();
    }
    if (name == "accounts_small.jsonl") {
      EXPECT_TRUE(a.ok()) << name << ": " << a.status().message();
    }
    if (c.ok()) {
      ResultSet r;
      r.campaigns = std::move(c.value());
      EXPECT_FALSE(ExportStix(r, ExportOptions{}).empty());
      EXPECT_FALSE(ExportMisp(r, ExportOptions{}).empty());
    }
    ++files;
  }
  EXPECT_GE(files, 5u);
}

}  // namespace
}  // namespace hw::share
