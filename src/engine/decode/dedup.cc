#include "engine/decode/dedup.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>

#include "engine/common/hash.h"
#include "engine/common/huge_pages.h"

namespace hw::decode {

namespace {

// A set of 64-bit keys of a fixed capacity: open addressing over buckets of
// eight slots (one cache line), probed bucket after bucket; 0 marks an empty
// slot (the key 0 is kept by a flag). Filled to at most 7/8 of its slots,
// without deletions, so a probe ends at the first empty slot. A lookup costs
// one cache miss; a table of whole huge pages (2 MiB and up) also spares the
// TLB miss that each lookup in a table of this size would cost otherwise.
class KeySet {
 public:
  KeySet() = default;
  ~KeySet() { std::free(slots_); }
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;
  void Swap(KeySet& o) noexcept {
    std::swap(slots_, o.slots_);
    std::swap(shift_, o.shift_);
    std::swap(bytes_, o.bytes_);
    std::swap(max_buckets_, o.max_buckets_);
    std::swap(size_, o.size_);
    std::swap(zero_, o.zero_);
  }

  bool allocated() const noexcept { return slots_ != nullptr; }
  size_t size() const noexcept { return size_; }

  // Room for `capacity` keys, empty. The table starts at kFirstBuckets and
  // doubles whenever it is 7/8 full, up to the size `capacity` needs: a
  // shard that sees few ids neither zeroes nor faults in the pages of a full
  // table (64 MiB per generation at the default capacity), and a lookup in a
  // small table misses the caches less often. Allocates only here and when
  // growing.
  void Allocate(size_t capacity) {
    max_buckets_ = std::max<size_t>(2, std::bit_ceil((capacity + 6) / 7));
    Resize(std::min(max_buckets_, kFirstBuckets));
  }
  void Clear() noexcept {
    if (slots_ != nullptr) std::memset(slots_, 0, bytes_);
    size_ = 0;
    zero_ = false;
  }

  bool Contains(uint64_t key) const noexcept {
    if (key == 0) return zero_;
    if (slots_ == nullptr) return false;
    return Probe(key).found;
  }
  // Inserts `key`; false when it was present. The table must be allocated and
  // hold fewer keys than its capacity.
  bool Insert(uint64_t key) noexcept {
    if (key == 0) {
      if (zero_) return false;
      zero_ = true;
      ++size_;
      return true;
    }
    Found f = Probe(key);
    if (f.found) return false;
    if (size_ >= Buckets() * kMaxPerBucket && Buckets() < max_buckets_) {
      Resize(2 * Buckets());
      f = Probe(key);
    }
    *f.slot = key;
    ++size_;
    return true;
  }
  void Prefetch(uint64_t key, bool for_write) const noexcept {
    if (slots_ == nullptr) return;
    const uint64_t* b = slots_ + Bucket(key) * kSlots;
    if (for_write) {
      __builtin_prefetch(b, 1, 3);
    } else {
      __builtin_prefetch(b, 0, 3);
    }
  }

 private:
  static constexpr size_t kSlots = 8;
  static constexpr size_t kBucketBytes = kSlots * sizeof(uint64_t);
  // Keys per bucket at most, on average: a table is at most 7/8 full, so a
  // probe ends at an empty slot within a bucket or two.
  static constexpr size_t kMaxPerBucket = 7;
  static constexpr size_t kFirstBuckets = size_t{1} << 12;  // 256 KiB

  size_t Buckets() const noexcept { return bytes_ / kBucketBytes; }

  // Replaces the table by an empty one of `buckets` buckets holding the same
  // keys.
  void Resize(size_t buckets) {
    const size_t bytes = buckets * kBucketBytes;
    auto* fresh = static_cast<uint64_t*>(AllocateHugePageAligned(bytes, kBucketBytes));
    std::memset(fresh, 0, bytes);
    uint64_t* const old = slots_;
    const size_t old_slots = bytes_ / sizeof(uint64_t);
    slots_ = fresh;
    bytes_ = bytes;
    shift_ = 64 - std::countr_zero(buckets);
    for (size_t i = 0; i < old_slots; ++i) {
      if (old[i] != 0) *Probe(old[i]).slot = old[i];
    }
    std::free(old);
  }

  struct Found {
    bool found;
    uint64_t* slot;  // the key's slot, or the empty slot that ended the probe
  };
  size_t Bucket(uint64_t key) const noexcept {
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_);
  }
  Found Probe(uint64_t key) const noexcept {
    const size_t mask = bytes_ / kBucketBytes - 1;
    for (size_t b = Bucket(key);; b = (b + 1) & mask) {
      uint64_t* s = slots_ + b * kSlots;
      for (size_t j = 0; j < kSlots; ++j) {
        if (s[j] == key) return {true, s + j};
        if (s[j] == 0) return {false, s + j};
      }
    }
  }

  uint64_t* slots_ = nullptr;
  int shift_ = 64;
  size_t bytes_ = 0;
  size_t max_buckets_ = 0;
  size_t size_ = 0;
  bool zero_ = false;
};

}  // namespace

struct DuplicateFilter::Shard {
  std::mutex mu;
  KeySet current;
  KeySet old;
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
  if (s.old.Contains(hash)) return true;
  if (s.current.size() >= shard_capacity_) {
    // Rotate: the full generation becomes the old one. Checking old first
    // above keeps ids of the dropped generation out of the window only
    // after they have been known for shard_capacity_ insertions.
    if (s.current.Contains(hash)) return true;
    s.current.Swap(s.old);
    // The dropped generation's table is reused, emptied.
    if (s.current.allocated()) {
      s.current.Clear();
    } else {
      s.current.Allocate(shard_capacity_);
    }
  } else if (!s.current.allocated()) {
    s.current.Allocate(shard_capacity_);
  }
  return !s.current.Insert(hash);
}

void DuplicateFilter::Prefetch(uint64_t hash) const noexcept {
  const Shard& s = shards_[shard_count_ == 1 ? 0 : hash >> shard_shift_];
  if (s.old.size() != 0) s.old.Prefetch(hash, false);
  s.current.Prefetch(hash, true);
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
