// The online engine behind `hydrawatch serve` and `hydrawatch replay`: the
// batch engine's stages run continuously. Every accepted event updates its
// account's state at once (decode -> features -> fingerprint); linking,
// scoring and decisions are refreshed whenever event time crosses the next
// detection period, so new evidence raises or lowers decisions within one
// period of event time. Time is event time only: a replay of the same events
// gives the same decisions at the same event times.
//
// Not thread-safe: one caller feeds it (serve's ingest thread); with
// OnlineOptions::fold_threads the engine runs helper threads of its own
// inside Ingest. The decision store it writes is read by other threads
// through the caller's own lock.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/common/time.h"
#include "engine/decide/decider.h"
#include "engine/decide/decision_store.h"
#include "engine/decide/enforcement.h"
#include "engine/decode/decoder.h"
#include "engine/decode/dedup.h"
#include "engine/decode/registry.h"
#include "engine/features/content_sampler.h"
#include "engine/features/extractor.h"
#include "engine/fingerprint/account_table.h"
#include "engine/link/linker.h"
#include "engine/pipeline/engine_spec.h"
#include "engine/score/scorer.h"

namespace hw::pipeline {

struct OnlineOptions {
  features::ContentSampler sampler;
  // Event time between detection runs (linking, scoring, decisions).
  TimeUs detect_period = 60 * kUsPerSecond;
  size_t dedup_capacity = size_t{8} << 20;
  // true: Ingest runs a due detection itself, before the event that crossed
  // the boundary (replay: exact and deterministic). false: Ingest only marks
  // it due and the caller runs RunDueDetection() when it likes (serve: on a
  // thread of its own, so that ingest answers never wait for linking).
  bool detect_inline = true;
  // Called at the end of each Ingest, once per account with the tokens
  // (input + output, those reported) of its events accepted in the block:
  // serve charges token throttles with it (once per account, not per event:
  // a charge takes the decisions' lock).
  std::function<void(std::string_view account, uint64_t tokens)> on_tokens;
  // Records which accounts each Ingest changed and which response ids it
  // accepted, for TakeChanges (serve's state store persists them).
  bool track_changes = false;
  // Detection runs over a copy of the account table, synced (changed
  // accounts only) by PrepareDueDetection: the caller can then run
  // RunPreparedDetection without holding up Ingest (serve's detector
  // thread). Costs a second copy of the table.
  bool detect_on_copy = false;
  // Threads that fold a block, the caller's included. Above 1 (and only
  // with detect_inline false: an inline detection between two events needs
  // them folded one at a time), a block's lines are routed by the raw bytes
  // of their user.id (decode::RawUserId) to kShardsPerFoldThread shards per
  // thread, and the threads take shards until none is left, each shard
  // decoding and folding the lines of the accounts it owns in block order;
  // one in-order pass then does what depends on order across accounts
  // (clock, detection boundaries, new accounts' indices, change tracking).
  // The block leaves the engine as one thread would: the same account
  // states, table order, clock, changes, statistics and rejected lines. One
  // exception: a response id repeated under two accounts in one block
  // counts once, but which of its events counts depends on timing. A block
  // whose user.id is escaped or not found in some line is folded by one
  // thread.
  int fold_threads = 1;
};

// What a checkpoint of the engine holds besides account states and seen
// response ids (src/engine/state).
struct EngineClock {
  TimeUs watermark = 0;
  TimeUs next_detect = 0;
  TimeUs due = 0;
  bool dirty = false;
  uint64_t runs = 0;
};

// With OnlineOptions::track_changes: what Ingest changed since the last
// OnlineEngine::TakeChanges.
struct EngineChanges {
  std::vector<uint32_t> accounts;      // table indices, in first-change order
  std::vector<uint64_t> response_ids;  // accepted gen_ai.response.id hashes, in order
};

struct LineReject {
  uint64_t line = 0;
  decode::RejectReason reason = decode::RejectReason::kInvalidJson;
  std::string message;
  std::string excerpt;
};

struct IngestStats {
  uint64_t lines = 0;   // blank lines included
  uint64_t events = 0;  // accepted (not rejected, not duplicates)
  uint64_t rejected = 0;
  uint64_t duplicates = 0;  // a gen_ai.response.id seen before: counted once
  uint64_t detections = 0;  // detection runs this block triggered
  bool parallel = false;    // folded by OnlineOptions::fold_threads workers
};

struct DetectionRun {
  TimeUs at = 0;
  size_t accounts = 0;
  size_t campaigns = 0;
  size_t attack_campaigns = 0;
  size_t attack_accounts = 0;
  size_t suspicious_accounts = 0;
  decide::ApplyStats applied;
};

// An account's first enforced decision (throttle, verify or suspend, not
// simulated): when, and how many of its requests were accepted before it.
struct FirstEnforced {
  TimeUs time = 0;
  uint64_t requests_before = 0;
  decide::Action action = decide::Action::kMonitor;
};

// Runs `fn` on the decision store the engine writes, under whatever lock
// guards it from concurrent readers (serve's DecisionService::Write).
using StoreAccess = std::function<void(const std::function<void(decide::DecisionStore&)>& fn)>;

class OnlineEngine {
 public:
  // `spec`, `enforcement` and `registry` (may be null) must outlive the engine.
  // Decisions go to the engine's own store (decisions()) unless `access` is
  // given, in which case they go to the store it reaches.
  OnlineEngine(const EngineSpec& spec, const decide::EnforcementPolicy& enforcement,
               const decode::Registry* registry, const OnlineOptions& options,
               StoreAccess access = nullptr);
  ~OnlineEngine();
  OnlineEngine(const OnlineEngine&) = delete;
  OnlineEngine& operator=(const OnlineEngine&) = delete;

  // Decodes and folds every line of `block` (JSON Lines; a last line without
  // its newline counts). Bad lines are appended to `rejects` (when not null)
  // with their line numbers, counting from `first_line`; the rest go on.
  // Before an event whose time crosses the next period boundary is folded, a
  // detection run is made at that boundary.
  IngestStats Ingest(std::string_view block, uint64_t first_line, std::vector<LineReject>* rejects);

  // Links, scores and applies the enforcement policy at event time `now`.
  // With detect_on_copy, over the copy as of the last PrepareDueDetection.
  DetectionRun Detect(TimeUs now);
  // The two halves of RunDueDetection for a caller that runs detection
  // beside Ingest (detect_on_copy): PrepareDueDetection, serialised with
  // Ingest, takes the due boundary (0: none) and syncs the copy;
  // RunPreparedDetection(at) then only reads the copy and writes the
  // detection results and decisions, so Ingest may run meanwhile. Two
  // detections must not run at once.
  TimeUs PrepareDueDetection();
  // Decisions from the next run on follow `enforcement` (which must outlive
  // the engine); not while a detection runs (serve: SIGHUP reload).
  void SetEnforcement(const decide::EnforcementPolicy& enforcement);
  DetectionRun RunPreparedDetection(TimeUs at);
  // With detect_inline false: the boundary a detection is due at (the latest
  // crossed since the last run), or 0; and running it.
  TimeUs due_detection() const noexcept { return due_; }
  bool RunDueDetection();

  // The latest event time seen (0 before any event).
  TimeUs watermark() const noexcept { return watermark_; }
  const fingerprint::AccountTable& table() const noexcept { return table_; }
  // The engine's own store (empty when decisions go through a StoreAccess).
  decide::DecisionStore& decisions() noexcept { return store_; }
  const decide::DecisionStore& decisions() const noexcept { return store_; }
  // The latest detection run's results (null before the first run).
  const link::LinkResult* links() const noexcept { return links_.get(); }
  const score::ScoreResult* scores() const noexcept { return scores_.get(); }
  // The account table links() and scores() index: table() itself, or with
  // detect_on_copy the copy as of the latest run (read it only while no
  // detection is prepared or runs: serve holds its detection lock).
  const fingerprint::AccountTable& detected_table() const noexcept { return detect_table(); }
  // Event time of the latest detection run (0 before the first).
  TimeUs last_run_at() const noexcept { return last_run_at_; }
  // Registry entries parallel to table() as of the latest run.
  const std::vector<const decode::AccountInfo*>& infos() const noexcept { return infos_; }
  // Parallel to table() (shorter when later accounts have none).
  const std::vector<std::optional<FirstEnforced>>& first_enforced() const noexcept {
    return first_enforced_;
  }
  uint64_t detection_runs() const noexcept { return runs_.load(std::memory_order_relaxed); }

  // Persistence (src/engine/state). TakeChanges hands over what Ingest
  // changed since its last call (tracking restarts). The Restore calls put
  // back a checkpoint into a fresh engine, before any Ingest: account states
  // (RestoreAccount returns the state to overwrite), response ids to
  // remember as seen, in their original order, and the clock.
  EngineChanges TakeChanges();
  EngineClock clock() const noexcept {
    return {watermark_, next_detect_, due_, dirty_, runs_.load(std::memory_order_relaxed)};
  }
  fingerprint::AccountState& RestoreAccount(std::string_view user_id);
  void RestoreSeen(uint64_t response_id) noexcept { dedup_.SeenBeforeHash(response_id); }
  void RestoreClock(const EngineClock& c) noexcept;
  // Detection runs at or before `t` are skipped (their decisions are
  // already in the restored store: judging again would end and restart
  // them). Set from DecisionStore::applied_at() on recovery.
  void SkipDetectionsThrough(TimeUs t) noexcept { skip_through_ = t; }

 private:
  const EngineSpec& spec_;
  const decode::Registry* registry_;
  const OnlineOptions options_;
  std::unique_ptr<decide::Decider> decider_;
  decide::DecisionStore store_;
  StoreAccess access_;
  decode::Decoder decoder_;
  features::FeatureExtractor extractor_;
  decode::DuplicateFilter dedup_;
  fingerprint::AccountTable table_;
  std::vector<const decode::AccountInfo*> infos_;
  std::unique_ptr<link::LinkResult> links_;
  std::unique_ptr<score::ScoreResult> scores_;
  std::vector<std::optional<FirstEnforced>> first_enforced_;
  TimeUs watermark_ = 0;
  TimeUs next_detect_ = 0;  // 0: set by the first event
  bool dirty_ = false;      // events folded since the last run
  EngineChanges changes_;
  TimeUs skip_through_ = 0;
  TimeUs last_run_at_ = 0;
  std::vector<uint8_t> changed_;  // parallel to table_: in changes_.accounts
  TimeUs due_ = 0;                // detect_inline false: a run due at this time
  std::atomic<uint64_t> runs_{0};
  // detect_on_copy: the table detection reads, and the accounts changed
  // since it was last synced.
  fingerprint::AccountTable copy_;
  std::vector<uint32_t> copy_changed_;
  std::vector<uint8_t> copy_flag_;
  const fingerprint::AccountTable& detect_table() const noexcept {
    return options_.detect_on_copy ? copy_ : table_;
  }

  // One thread's fold of a block (the caller's path, and the fallback of
  // the parallel one): decode, clock, account, duplicate check, features,
  // state update and tracking, for one line at a time.
  IngestStats IngestSerial(std::string_view block, uint64_t first_line,
                           std::vector<LineReject>* rejects);
  void IngestLine(std::string_view block, std::string_view line, uint64_t line_no, IngestStats* st,
                  std::vector<LineReject>* rejects);
  // Before an event at `time` is folded: a detection at a crossed boundary.
  void CrossBoundary(TimeUs time, IngestStats* st);
  // After event `index` was folded: copy sync, change tracking, tokens.
  void NoteFolded(uint32_t index, uint64_t response_id, uint64_t tokens);
  void ChargeBlockTokens();

  // The parallel fold (fold_threads > 1); FoldWorker is in online.cc.
  struct FoldWorker;
  struct LineRoute;
  bool RouteBlock(std::string_view block);
  IngestStats IngestParallel(std::string_view block, uint64_t first_line,
                             std::vector<LineReject>* rejects);
  void RunWorkers(std::string_view block, uint64_t first_line);
  void WorkerLoop();
  // Folds shards not yet taken until none is left.
  void TakeShards(std::string_view block, uint64_t first_line);
  void FoldRouted(FoldWorker* w, std::string_view block, uint64_t first_line);
  // More shards than threads: a thread that finishes early (a lighter
  // share, or one not descheduled) takes another shard instead of waiting
  // (bench/RESULTS.md, "Journaled ahead, shards taken by the fold threads").
  static constexpr int kShardsPerFoldThread = 4;
  std::vector<std::unique_ptr<FoldWorker>> workers_;  // one per shard
  std::atomic<size_t> next_shard_{0};
  std::vector<LineRoute> routes_;  // per line of the block being folded
  std::vector<std::thread> threads_;
  std::mutex fold_mu_;
  std::condition_variable fold_cv_, done_cv_;
  uint64_t fold_generation_ = 0;
  int fold_pending_ = 0;
  bool fold_stop_ = false;
  std::string_view fold_block_;
  uint64_t fold_first_line_ = 0;

  // on_tokens: tokens per account (parallel to table_) in the block being
  // folded, and the accounts with any.
  std::vector<uint64_t> block_tokens_;
  std::vector<uint32_t> token_accounts_;
};

}  // namespace hw::pipeline
