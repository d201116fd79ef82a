// Detects repeated gen_ai.response.id values (the same request delivered
// twice) with bounded memory.
//
// Each id is reduced to its 64-bit XXH3 hash; the filter keeps two
// generations of hashes per shard. When the current generation of a shard
// reaches its capacity it becomes the old one and the previous old one is
// dropped. An id therefore stays known for at least `capacity / shards`
// further distinct ids of its shard, which for uniformly spread hashes is
// about `capacity` distinct ids overall; with shards = 1 the window is exact:
// a duplicate is caught whenever fewer than `capacity` distinct ids arrived
// between the two deliveries. False positives need a 64-bit hash collision
// (probability about n^2 / 2^65 for n ids in the window: ~4e-7 for 4 million).
//
// Memory: each generation of a shard is a table of 8-byte slots for
// capacity / shards ids (slots: 8 times the power of two at or above 1/7 of
// that, so a table is at most 7/8 full), allocated at the shard's first id
// and reused when the generations rotate, so the total is at most about
// 2 * 8 * 2^ceil(log2(capacity * 8 / 7)) bytes: 64 MiB for the default
// capacity (3,670,016 = 7/8 * 2^22). A table starts at 256 KiB and doubles
// as it fills, so a generation holding fewer ids takes (and zeroes) only
// what they need. Tables of 2 MiB and more are advised onto huge pages: each
// lookup is a random access.
//
// Thread safety: SeenBefore may be called from several threads; each shard
// has its own mutex (shard = high bits of the hash), so two decode threads
// rarely contend. Which of two concurrent deliveries counts as the duplicate
// then depends on timing; for byte-identical output, call the filter in
// input order (e.g. after decoding, while merging chunks in order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace hw::decode {

struct DuplicateFilterOptions {
  size_t capacity = size_t{7} << 19;  // 3,670,016 ids = 7/8 * 2^22
  size_t shards = 16;                 // rounded up to a power of two
};

class DuplicateFilter {
 public:
  explicit DuplicateFilter(const DuplicateFilterOptions& options = {});
  ~DuplicateFilter();
  DuplicateFilter(const DuplicateFilter&) = delete;
  DuplicateFilter& operator=(const DuplicateFilter&) = delete;

  // True when `id` was seen before (within the window); otherwise records it
  // and returns false. An empty id is never a duplicate and is not recorded.
  bool SeenBefore(std::string_view id) noexcept;
  // Same with a precomputed hw::Hash64(id).
  bool SeenBeforeHash(uint64_t hash) noexcept;
  // Starts loading the memory that SeenBeforeHash(hash) will read, so that a
  // caller checking a batch of ids can overlap their cache misses (one per
  // id: the sets are far larger than the caches). Takes no lock: only for a
  // filter that no other thread uses meanwhile.
  void Prefetch(uint64_t hash) const noexcept;

  // Distinct ids currently remembered (both generations).
  size_t size() const;

 private:
  struct Shard;
  std::unique_ptr<Shard[]> shards_;
  size_t shard_count_;
  int shard_shift_;
  size_t shard_capacity_;
};

}  // namespace hw::decode
