// Replays tests/fuzz_regressions/decode/ through the fuzz harness itself, so
// that a crash found by fuzz_decode stays fixed. The folder holds crash
// inputs (named crash-*) and hand-made edge cases (edge-*); the harness
// aborts on any violated invariant, which fails this test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "../../../fuzz/fuzz_decode.cc"

namespace {

TEST(FuzzRegressions, ReplayDecodeCorpus) {
  const std::filesystem::path dir =
      std::filesystem::path(HW_SOURCE_DIR) / "tests" / "fuzz_regressions" / "decode";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream f(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
              0);
    ++replayed;
  }
  EXPECT_GT(replayed, 0);
}

}  // namespace
