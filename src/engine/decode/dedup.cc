#include "engine/decode/dedup.h"

#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <bit>
#include <mutex>

#include "engine/common/hash.h"

namespace hw::decode {

struct DuplicateFilter::Shard {
  std::mutex mu;
  absl::flat_hash_set<uint64_t> current;
  absl::flat_hash_set<uint64_t> old;
};

DuplicateFilter::DuplicateFilter(const DuplicateFilterOptions& options) {
  shard_count_ = std::bit_ceil(std::max<size_t>(options.shards, 1));
  shard_shift_ = 64 - std::countr_zero(shard_count_);
  shard_capacity_ = std::max<size_t>(
      1, (std::max<size_t>(options.capacity, 1) + shard_count_ - 1) / shard_count_);
  shards_ = std::make_unique<Shard[]>(shard_count_);
}

DuplicateFilter::~DuplicateFilter() = default;

bool DuplicateFilter::SeenBefore(std::string_view id) noexcept {
  if (id.empty()) return false;
  return SeenBeforeHash(Hash64(id));
}

bool DuplicateFilter::SeenBeforeHash(uint64_t hash) noexcept {
  // High bits pick the shard; the set itself hashes the whole value again.
  Shard& s = shards_[shard_count_ == 1 ? 0 : hash >> shard_shift_];
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.old.contains(hash)) return true;
  if (s.current.size() >= shard_capacity_) {
    // Rotate: the full generation becomes the old one. Checking old first
    // above keeps ids of the dropped generation out of the window only
    // after they have been known for shard_capacity_ insertions.
    if (s.current.contains(hash)) return true;
    std::swap(s.current, s.old);
    s.current.clear();  // releases the array of the dropped generation
    s.current.reserve(shard_capacity_);
  } else if (s.current.capacity() == 0) {
    s.current.reserve(shard_capacity_);
  }
  return !s.current.insert(hash).second;
}

size_t DuplicateFilter::size() const {
  size_t n = 0;
  for (size_t i = 0; i < shard_count_; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    n += shards_[i].current.size() + shards_[i].old.size();
  }
  return n;
}

}  // namespace hw::decode
