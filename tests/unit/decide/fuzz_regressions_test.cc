// Replays tests/fuzz_regressions/enforcement/ (seeds and kept inputs of
// fuzz/fuzz_enforcement.cc): each file loads, or fails with a well-formed
// `file:line: code: message` error; the seeds (default.yaml, valid-*.yaml,
// throttle_tokens.yaml) load.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../spec_error.h"
#include "engine/decide/enforcement.h"

namespace hw::decide {
namespace {

namespace fs = std::filesystem;

// "fuzz.yaml:<digits>: <known code>: <message>", as fuzz/fuzz_enforcement.cc
// requires.
bool WellFormed(const std::string& m) {
  return hw::testing::IsCodedSpecError(
      m, "fuzz.yaml",
      {"yaml-syntax", "bad-version", "missing-key", "unknown-key", "unknown-name", "duplicate-name",
       "bad-type", "out-of-range"});
}

TEST(EnforcementFuzzRegressions, EveryFileLoadsOrFailsWellFormed) {
  const fs::path dir = fs::path(HW_SOURCE_DIR) / "tests/fuzz_regressions/enforcement";
  ASSERT_TRUE(fs::is_directory(dir));
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto e = ParseEnforcement(text, "fuzz.yaml");
    const std::string name = entry.path().filename().string();
    if (name == "default.yaml" || name == "throttle_tokens.yaml" || name.rfind("valid-", 0) == 0) {
      EXPECT_TRUE(e.ok()) << name << ": " << e.status().message();
    } else if (!e.ok()) {
      EXPECT_TRUE(WellFormed(e.status().message())) << name << ": " << e.status().message();
    }
    ++files;
  }
  EXPECT_GE(files, 2u);
}

}  // namespace
}  // namespace hw::decide
