// Mergeable sketches for per-account state. Every sketch here has an
// associative, commutative Merge, so that shards built from disjoint parts
// of a stream combine into the state a single pass would have built.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include "engine/common/rng.h"

namespace hw {

// One-permutation-style MinHash with K independent 64-bit mixes. The Jaccard
// similarity of two sets is estimated by the share of equal slots.
template <size_t K>
class MinHash {
 public:
  MinHash() { mins_.fill(UINT64_MAX); }
  // The K mixes of `h` that Add(h) takes the minimum with.
  using Mixes = std::array<uint64_t, K>;
  static void MixesOf(uint64_t h, Mixes* out) noexcept {
    for (size_t i = 0; i < K; ++i) (*out)[i] = Mix(h, i);
  }
  void Add(uint64_t h) noexcept {
    for (size_t i = 0; i < K; ++i) mins_[i] = std::min(mins_[i], Mix(h, i));
  }
  // Add(h) given MixesOf(h): for a value many sketches add, mixed once.
  void AddMixes(const Mixes& m) noexcept {
    for (size_t i = 0; i < K; ++i) mins_[i] = std::min(mins_[i], m[i]);
  }
  void Merge(const MinHash& o) noexcept {
    for (size_t i = 0; i < K; ++i) mins_[i] = std::min(mins_[i], o.mins_[i]);
  }
  bool empty() const noexcept { return mins_[0] == UINT64_MAX; }
  double Jaccard(const MinHash& o) const noexcept {
    if (empty() || o.empty()) return 0;
    size_t eq = 0;
    for (size_t i = 0; i < K; ++i) eq += mins_[i] == o.mins_[i];
    return static_cast<double>(eq) / K;
  }
  // Hash of rows [band*rows, band*rows+rows): the LSH bucket of that band.
  uint64_t Band(size_t band, size_t rows) const noexcept {
    uint64_t h = 0x9e3779b97f4a7c15ULL * (band + 1);
    for (size_t i = band * rows; i < std::min(K, (band + 1) * rows); ++i)
      h = SplitMix64(h ^ mins_[i]);
    return h;
  }
  const std::array<uint64_t, K>& values() const noexcept { return mins_; }

 private:
  static uint64_t Mix(uint64_t h, size_t i) noexcept { return SplitMix64(h ^ kSalts[i]); }
  static constexpr std::array<uint64_t, K> MakeSalts() {
    std::array<uint64_t, K> s{};
    uint64_t x = 0x243f6a8885a308d3ULL;
    for (size_t i = 0; i < K; ++i) {
      x += 0x9e3779b97f4a7c15ULL;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s[i] = z ^ (z >> 31);
    }
    return s;
  }
  static constexpr std::array<uint64_t, K> kSalts = MakeSalts();
  std::array<uint64_t, K> mins_;
};

// HyperLogLog with 2^P one-byte registers.
template <int P>
class HyperLogLog {
 public:
  HyperLogLog() { regs_.fill(0); }
  void Add(uint64_t h) noexcept {
    h = SplitMix64(h);
    const size_t idx = h >> (64 - P);
    const uint64_t rest = (h << P) | (uint64_t{1} << (P - 1));
    const auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
    if (rank > regs_[idx]) regs_[idx] = rank;
  }
  void Merge(const HyperLogLog& o) noexcept {
    for (size_t i = 0; i < kM; ++i) regs_[i] = std::max(regs_[i], o.regs_[i]);
  }
  double Estimate() const noexcept {
    double sum = 0;
    size_t zeros = 0;
    for (uint8_t r : regs_) {
      sum += kInversePowers[r];
      zeros += r == 0;
    }
    const double m = kM;
    const double alpha = 0.7213 / (1 + 1.079 / m);
    const double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0) return m * std::log(m / static_cast<double>(zeros));
    return e;
  }

 private:
  static constexpr size_t kM = size_t{1} << P;
  // 2^-r for every register value (ranks are at most 65): the estimate runs
  // for every account at every detection run, and ldexp was a tenth of it.
  static constexpr std::array<double, 66> kInversePowers = [] {
    std::array<double, 66> t{};
    double v = 1;
    for (double& x : t) {
      x = v;
      v /= 2;
    }
    return t;
  }();
  std::array<uint8_t, kM> regs_;
};

}  // namespace hw
