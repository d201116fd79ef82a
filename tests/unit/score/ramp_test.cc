#include <gtest/gtest.h>

#include "engine/score/scorer.h"

namespace hw::score {
namespace {

TEST(Ramp, HitsTenAndNinetyPercentAtLowAndHigh) {
  // Linear scale: high / low < 4.
  EXPECT_NEAR(Scorer::Ramp(0.3, 0.3, 0.9), 0.1, 1e-9);
  EXPECT_NEAR(Scorer::Ramp(0.9, 0.3, 0.9), 0.9, 1e-9);
  EXPECT_NEAR(Scorer::Ramp(0.6, 0.3, 0.9), 0.5, 1e-9);
  EXPECT_NEAR(Scorer::Ramp(0.5, -0.5, 1.5), 0.5, 1e-9);
  // Log scale when high/low >= 4.
  EXPECT_NEAR(Scorer::Ramp(20, 20, 200), 0.1, 1e-9);
  EXPECT_NEAR(Scorer::Ramp(std::sqrt(20.0 * 200), 20, 200), 0.5, 1e-9);
  EXPECT_LT(Scorer::Ramp(0, 20, 200), 0.01);
}

}  // namespace
}  // namespace hw::score
