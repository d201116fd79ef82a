#include "engine/features/content_sampler.h"

#include <gtest/gtest.h>

namespace hw::features {
namespace {

TEST(ContentSampler, ScansAllOfAnAccountsFirstRequests) {
  const ContentSampler s{100, 3};
  for (uint64_t i = 0; i < 100; ++i) EXPECT_TRUE(s.ShouldScan(i, static_cast<TimeUs>(i) * 7));
}

TEST(ContentSampler, ThenOneInTwoToTheShift) {
  const ContentSampler s{10, 3};
  int scanned = 0;
  const int n = 80000;
  for (int i = 0; i < n; ++i) scanned += s.ShouldScan(10 + static_cast<uint64_t>(i), i * 1000003LL);
  EXPECT_NEAR(scanned / static_cast<double>(n), 1.0 / 8, 0.01);
}

// A rotation of 8 task kinds in fixed order must not be seen as one kind.
TEST(ContentSampler, DoesNotAlignWithAPeriodicRotation) {
  const ContentSampler s{0, 3};
  int by_phase[8] = {};
  for (int i = 0; i < 80000; ++i) {
    if (s.ShouldScan(static_cast<uint64_t>(i), 1'700'000'000'000'000LL + i * 1'000'000LL))
      by_phase[i % 8]++;
  }
  for (int p = 0; p < 8; ++p) EXPECT_NEAR(by_phase[p], 1250, 150) << "phase " << p;
}

TEST(ContentSampler, ScanAllScansEveryRequest) {
  const ContentSampler all = ContentSampler::ScanAll();
  for (uint64_t i = 0; i < 5000; ++i) EXPECT_TRUE(all.ShouldScan(i + 1000, static_cast<TimeUs>(i)));
}

}  // namespace
}  // namespace hw::features
