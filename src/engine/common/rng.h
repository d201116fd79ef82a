// Deterministic pseudo-random numbers. The simulator derives every stream from
// (seed, purpose, index) so that output does not depend on generation order.
#pragma once

#include <cmath>
#include <cstdint>

namespace hw {

inline uint64_t SplitMix64(uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t MixSeed(uint64_t a, uint64_t b) noexcept { return SplitMix64(a ^ SplitMix64(b)); }
inline uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c) noexcept {
  return MixSeed(MixSeed(a, b), c);
}

// xoshiro256** by Blackman and Vigna.
class Rng {
 public:
  explicit Rng(uint64_t seed) noexcept {
    for (auto& s : s_) s = seed = SplitMix64(seed);
  }
  uint64_t Next() noexcept {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() noexcept { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n) noexcept {
    __extension__ using U128 = unsigned __int128;
    return static_cast<uint64_t>((static_cast<U128>(Next()) * n) >> 64);
  }
  int64_t Between(int64_t lo, int64_t hi) noexcept {  // inclusive
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool Chance(double p) noexcept { return Uniform() < p; }
  double Exponential(double mean) noexcept { return -mean * std::log1p(-Uniform()); }
  double Normal() noexcept {
    const double u1 = Uniform() + 1e-300, u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double LogNormal(double median, double sigma) noexcept {
    return median * std::exp(sigma * Normal());
  }
  // Poisson by inversion for small means and a rounded normal for large ones.
  uint64_t Poisson(double mean) noexcept {
    if (mean <= 0) return 0;
    if (mean > 40) {
      const double v = mean + std::sqrt(mean) * Normal() + 0.5;
      return v <= 0 ? 0 : static_cast<uint64_t>(v);
    }
    const double l = std::exp(-mean);
    uint64_t k = 0;
    double p = Uniform();
    while (p > l) {
      ++k;
      p *= Uniform();
    }
    return k;
  }
  template <typename C>
  auto& Pick(C& c) noexcept {
    return c[Below(c.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace hw
