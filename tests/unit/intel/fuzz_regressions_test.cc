// Replays tests/fuzz_regressions/intel/ (seeds and kept inputs of
// fuzz/fuzz_intel.cc): each file parses or fails with "file:line: reason";
// the seeds named bundle_partner.json and bundle_small_export.json parse with
// indicators.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../spec_error.h"
#include "engine/intel/intel.h"

namespace hw::intel {
namespace {

namespace fs = std::filesystem;

using hw::testing::NamesFileAndLine;

TEST(IntelFuzzRegressions, EveryFileParsesOrFailsWellFormed) {
  const fs::path dir = fs::path(HW_SOURCE_DIR) / "tests/fuzz_regressions/intel";
  ASSERT_TRUE(fs::is_directory(dir));
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string name = entry.path().filename().string();
    (void)ParsePattern(text);
    auto b = ParseBundle(text, "b.json");
    if (!b.ok()) {
      EXPECT_TRUE(NamesFileAndLine(b.status().message(), "b.json")) << name;
    }
    if (name == "bundle_partner.json" || name == "bundle_small_export.json") {
      ASSERT_TRUE(b.ok()) << name << ": " << b.status().message();
      EXPECT_FALSE(b->indicators.empty()) << name;
    }
    if (name == "pattern_or.txt") {
      ASSERT_TRUE(ParsePattern(text).has_value());
      EXPECT_EQ(ParsePattern(text)->size(), 3u);
    }
    ++files;
  }
  EXPECT_GE(files, 4u);
}

}  // namespace
}  // namespace hw::intel
