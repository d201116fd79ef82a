// Normal deviates by inversion, for hot paths: one uniform from hw::Rng per
// deviate and, in the central 95%, a rational function instead of the log,
// sqrt and cos of Rng::Normal (Box-Muller). The quantile is Acklam's
// approximation (relative error below 1.2e-9).
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/common/rng.h"

namespace hw {

// The standard normal quantile: x with P(Z <= x) = p, for p in (0, 1).
inline double NormalQuantile(double p) noexcept {
  constexpr double kA[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                           1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double kB[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                           6.680131188771972e+01, -1.328068155288572e+01};
  constexpr double kC[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                           -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double kD[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                           3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (p < kLow || p > 1 - kLow) {
    const double q = std::sqrt(-2 * std::log(p < kLow ? p : 1 - p));
    const double x = (((((kC[0] * q + kC[1]) * q + kC[2]) * q + kC[3]) * q + kC[4]) * q + kC[5]) /
                     ((((kD[0] * q + kD[1]) * q + kD[2]) * q + kD[3]) * q + 1);
    return p < kLow ? x : -x;
  }
  const double q = p - 0.5, r = q * q;
  return (((((kA[0] * r + kA[1]) * r + kA[2]) * r + kA[3]) * r + kA[4]) * r + kA[5]) * q /
         (((((kB[0] * r + kB[1]) * r + kB[2]) * r + kB[3]) * r + kB[4]) * r + 1);
}

// A standard normal deviate from one draw of `rng`.
inline double FastNormal(Rng& rng) noexcept {
  // (k + 0.5) / 2^53: never 0 or 1.
  const double u = (static_cast<double>(rng.Next() >> 11) + 0.5) * 0x1.0p-53;
  return NormalQuantile(u);
}

// Log-normal with the given median: median * exp(sigma * Z).
inline double FastLogNormal(Rng& rng, double median, double sigma) noexcept {
  return median * std::exp(sigma * FastNormal(rng));
}

}  // namespace hw
