// Misra-Gries heavy hitters over 64-bit keys: the K most frequent keys of a
// stream with counts under-estimated by at most n/(K+1). Mergeable (Agarwal
// et al., "Mergeable summaries", 2012).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace hw {

template <size_t K>
class HeavyHitters {
 public:
  struct Entry {
    uint64_t key = 0;
    uint32_t count = 0;
    // Explicit padding, always 0: states holding these are persisted by
    // their bytes (fingerprint/account_codec.h).
    uint32_t reserved = 0;
  };
  void Add(uint64_t key, uint32_t n = 1) noexcept {
    for (auto& e : e_) {
      if (e.count && e.key == key) {
        e.count += n;
        return;
      }
    }
    for (auto& e : e_) {
      if (e.count == 0) {
        e = {key, n, 0};
        return;
      }
    }
    uint32_t m = n;
    for (const auto& e : e_) m = std::min(m, e.count);
    for (auto& e : e_) e.count -= m;
    if (n > m) Add(key, n - m);
  }
  // True when `key` is counted now (so it was added, or merged in, before).
  bool Contains(uint64_t key) const noexcept {
    bool found = false;
    for (const auto& e : e_) found |= e.count != 0 && e.key == key;
    return found;
  }
  void Merge(const HeavyHitters& o) noexcept {
    std::array<Entry, 2 * K> all{};
    size_t n = 0;
    for (const auto& e : e_) {
      if (e.count) all[n++] = e;
    }
    for (const auto& e : o.e_) {
      if (!e.count) continue;
      bool found = false;
      for (size_t i = 0; i < n; ++i) {
        if (all[i].key == e.key) {
          all[i].count += e.count;
          found = true;
          break;
        }
      }
      if (!found) all[n++] = e;
    }
    SortDescending(all.data(), n);
    const uint32_t cut = n > K ? all[K].count : 0;
    e_ = {};
    for (size_t i = 0; i < std::min(n, K); ++i) {
      if (all[i].count > cut) e_[i] = {all[i].key, all[i].count - cut, 0};
    }
  }
  // Entries with count > 0, most frequent first.
  template <typename F>
  void ForEach(F&& f) const {
    std::array<Entry, K> sorted = e_;
    SortDescending(sorted.data(), K);
    for (const auto& e : sorted) {
      if (e.count) f(e);
    }
  }

 private:
  // Insertion sort by count descending, then key: tiny arrays, deterministic.
  static void SortDescending(Entry* a, size_t n) noexcept {
    for (size_t i = 1; i < n; ++i) {
      const Entry x = a[i];
      size_t j = i;
      while (j > 0 &&
             (a[j - 1].count < x.count || (a[j - 1].count == x.count && a[j - 1].key > x.key))) {
        a[j] = a[j - 1];
        --j;
      }
      a[j] = x;
    }
  }
  std::array<Entry, K> e_{};
};

}  // namespace hw
