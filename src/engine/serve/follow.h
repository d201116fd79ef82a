// Ingest from local sources: files being appended to, followed like
// `tail -F` (surviving rotation and truncation), and standard input. One
// thread reads every source and feeds complete lines to the IngestService,
// which journals each block together with the position of its source after
// it (state_store.h); a restart resumes each file right after the last block
// journaled, so no line is lost or read twice. Bad lines are logged as
// `{"event":"rejected","detail":"PATH:LINE: reason: message"}`.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "engine/serve/ingest.h"

namespace hw::serve {

struct FollowOptions {
  std::vector<std::string> paths;
  bool stdin_input = false;
  int64_t poll_ms = 200;               // how often an idle source is looked at again
  size_t max_block = size_t{4} << 20;  // bytes read per block
};

struct FollowTotals {
  uint64_t blocks = 0;
  uint64_t lines = 0;
  uint64_t rotations = 0;
  uint64_t truncations = 0;
};

class Follower {
 public:
  // `ingest` must outlive the follower.
  Follower(IngestService* ingest, FollowOptions options);
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  void Start();
  // Stops after the block in progress; idempotent.
  void Stop();
  FollowTotals totals() const;

 private:
  struct Source;
  void Run();
  // Reads and folds what `src` has; true when it made progress.
  bool Poll(Source& src);
  bool Fold(Source& src, std::string_view block, uint64_t consumed, uint64_t lines);

  IngestService* ingest_;
  FollowOptions options_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::atomic<uint64_t> blocks_{0}, lines_{0}, rotations_{0}, truncations_{0};
};

}  // namespace hw::serve
