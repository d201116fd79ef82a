// Text behind a few of the hashes AccountState keeps (model names, user
// agents, one masked example prompt per template), so that reports can name
// what the fingerprint only counts. Not part of AccountState: one book per
// worker shard, merged after the input.
//
// Contract: bounded (at most `capacity` keys of at most `max_bytes` bytes of
// text) and independent of sharding: the keys kept are the `capacity`
// smallest keys offered, and each key keeps the text of its earliest offer
// (event time, then text), so merging the books of any split of a stream
// gives the book of the whole stream.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/time.h"

namespace hw::fingerprint {

class NameBook {
 public:
  NameBook(size_t capacity, size_t max_bytes) : capacity_(capacity), max_bytes_(max_bytes) {}

  // For names that are a function of their key (a model name and its hash):
  // the first text is kept. Cheap when the key was noted recently.
  void Note(uint64_t key, std::string_view text) {
    uint64_t& slot = recent_[key & (kRecent - 1)];
    if (key == 0 || slot == key) return;
    slot = key;
    Offer(key, 0, text);
  }
  // True when an offer of `key` at `time` would be kept or would replace the
  // kept text: lets a caller skip computing the text. Cheap when the key was
  // asked about recently.
  bool Wants(uint64_t key, TimeUs time);
  // Keeps the earliest text per key (time, then text), within the capacity.
  void Offer(uint64_t key, TimeUs time, std::string_view text);
  void Merge(const NameBook& other);

  const std::string* Find(uint64_t key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second.text;
  }
  size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    TimeUs time = 0;
    std::string text;
  };
  static constexpr size_t kRecent = 1024;

  size_t capacity_, max_bytes_;
  absl::flat_hash_map<uint64_t, Entry> entries_;
  std::priority_queue<uint64_t> keys_;  // kept keys, largest on top (evicted first)
  std::array<uint64_t, kRecent> recent_{};
  // Keys Wants() answered recently, with an upper bound of the kept text's
  // time (INT64_MIN: the key cannot be kept any more).
  struct Asked {
    uint64_t key = 0;
    TimeUs time = 0;
  };
  std::array<Asked, kRecent> asked_{};
};

// `text` cut to at most `max_bytes` bytes (at a UTF-8 boundary, "..." added
// when cut) with e-mail addresses, key-like tokens (long runs of letters and
// digits that mix both, or start with sk-/key-/tok-) and runs of 6 or more
// digits replaced by [email], [key], [digits]. For example prompts in case
// files: no contact data, credentials or account numbers leave the logs.
std::string MaskExcerpt(std::string_view text, size_t max_bytes);

}  // namespace hw::fingerprint
