#include "engine/common/fast_normal.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hw {
namespace {

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

TEST(FastNormal, QuantileInvertsTheCdf) {
  for (double p = 1e-12; p < 1; p = p < 0.01 ? p * 3 : p + 0.001) {
    const double x = NormalQuantile(p);
    // Relative error of the probability (Acklam: 1.2e-9 relative in x).
    EXPECT_NEAR(NormalCdf(x), p, 1e-7 * std::min(p, 1 - p) + 1e-15) << p;
  }
  EXPECT_EQ(NormalQuantile(0.5), 0);
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963985, 1e-8);
  EXPECT_NEAR(NormalQuantile(0.001), -3.090232306, 1e-8);
}

TEST(FastNormal, DeviatesHaveNormalMoments) {
  Rng r(17);
  constexpr int kN = 400000;
  double sum = 0, sum2 = 0, sum4 = 0;
  int within1 = 0;
  for (int i = 0; i < kN; ++i) {
    const double z = FastNormal(r);
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    sum2 += z * z;
    sum4 += z * z * z * z;
    within1 += std::fabs(z) < 1;
  }
  EXPECT_NEAR(sum / kN, 0, 0.01);
  EXPECT_NEAR(sum2 / kN, 1, 0.01);
  EXPECT_NEAR(sum4 / kN, 3, 0.06);
  EXPECT_NEAR(static_cast<double>(within1) / kN, 0.682689, 0.003);
  // Median of the log-normal is the median given.
  int below = 0;
  for (int i = 0; i < kN; ++i) below += FastLogNormal(r, 350, 0.8) < 350;
  EXPECT_NEAR(static_cast<double>(below) / kN, 0.5, 0.005);
}

}  // namespace
}  // namespace hw
