// POST /v1/events on the admin listener: log format v1 (JSON Lines, gzip
// accepted with Content-Encoding: gzip) into the online engine, which links,
// scores and decides at every detection period of event time and writes its
// decisions into the DecisionService the gateway checks read. Every accepted
// line advances the event-time watermark the checks use as "now".
//
// Writing needs an admin token. A batch is journaled, then folded, on the
// event loop that received it: one of the admin listener's own loops, so
// that no gateway check waits behind a fold (ListenerSpec::own_threads).
// The engine folds one batch at a time, in the order the batches were
// journaled (a ticket each); while one loop's batch folds, another loop may
// receive and journal the next one and wait for its turn, so receiving and
// journaling do not hold up the engine. At most kMaxInFlight batches are
// journaled and not yet folded; a batch beyond that waits up to kAdmitWait
// for a place (it frees when a fold ends), then is answered 429 with
// Retry-After: backpressure with a queue that cannot grow, and an answer
// instead of a hung request while the engine is held up. Linking,
// scoring and deciding run on a detector thread of their own whenever event
// time crosses a detection period, so that no event loop (and no gateway
// check) waits for them. Bodies are bounded by max_body_bytes, inflated gzip
// by 16 times that. Each answer lists the rejected lines (line numbers
// within the body) with their reasons: nothing is dropped silently.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/decide/enforcement.h"
#include "engine/decode/registry.h"
#include "engine/pipeline/engine_spec.h"
#include "engine/pipeline/online.h"
#include "engine/serve/config.h"
#include "engine/serve/decision_service.h"
#include "engine/serve/router.h"
#include "engine/state/state_store.h"

namespace hw::serve {

struct IngestTotals {
  uint64_t batches = 0;
  uint64_t lines = 0;
  uint64_t events = 0;
  uint64_t rejected = 0;
  uint64_t duplicates = 0;
  uint64_t busy = 0;  // batches answered 429
  uint64_t detections = 0;
  uint64_t state_errors = 0;  // journal or checkpoint writes that failed
  state::CheckpointTotals checkpoints;
  // Monotonic time (an operating figure, not event time) the checkpoints
  // held ingest up (encoding the changed accounts; a forced one, all of
  // it), and the time their RocksDB writes took beside the ingest.
  uint64_t checkpoint_ns = 0;
  uint64_t checkpoint_write_ns = 0;
  // The bounded queue as it stands (gauges): batches journaled and not yet
  // folded (at most IngestService::kMaxInFlight) and their bytes, and
  // batches waiting for a place (a POST at most kAdmitWait, then 429).
  uint64_t queue_batches = 0;
  uint64_t queue_bytes = 0;
  uint64_t queue_waiting = 0;
};

class IngestService {
 public:
  // Everything passed must outlive the service. With a state store (may be
  // null), call Recover() before serving: every batch is then journaled
  // before it is folded, and checkpointed (state_store.h).
  IngestService(const ServeConfig& config, const pipeline::EngineSpec& spec,
                const decide::EnforcementPolicy& enforcement, const decode::Registry* registry,
                DecisionService* decisions, pipeline::OnlineOptions options,
                state::StateStore* state = nullptr);
  // Puts the persisted state back into the engine and the decisions.
  Result<state::RecoveryStats> Recover();
  // Decisions from the next detection run on follow `enforcement` (which
  // must outlive the service); waits for a run in progress.
  void SetEnforcement(const decide::EnforcementPolicy& enforcement);
  // Checkpoints now (graceful stop: the next start replays nothing).
  Status Checkpoint();
  // Folds a block read from a followed file or stdin, waiting for the
  // engine (no 429 for local sources: the reader simply waits). `after`:
  // where the source stands after the block (empty source: stdin, no
  // position). False when the state store could not journal it (logged;
  // nothing folded: read it again later).
  bool IngestFrom(std::string_view block, const state::SourcePosition& after, uint64_t first_line,
                  std::vector<pipeline::LineReject>* rejects, pipeline::IngestStats* stats);
  // The persisted position of a followed source (none without a state store).
  std::optional<state::SourcePosition> Position(const std::string& source) const;
  // Stops the detector thread (a run in progress finishes first).
  ~IngestService();
  IngestService(const IngestService&) = delete;
  IngestService& operator=(const IngestService&) = delete;

  void Register(Router* admin);
  // Never waits for the engine (a fold, a detection run), so /metrics
  // answers while ingest is held up.
  IngestTotals totals() const;
  // Runs `fn` on the engine as of its latest detection run (links(),
  // scores() and detected_table() agree), holding the detection lock for
  // its length: detection waits (and, once one is due, ingest with it: the
  // detector thread waits holding the ingest lock). Returns the engine's
  // detection run count, read under the same lock.
  // Detection runs the engine has made (atomic; no lock).
  uint64_t engine_runs() const noexcept { return engine_->detection_runs(); }
  uint64_t ReadLatestRun(const std::function<void(const pipeline::OnlineEngine&)>& fn);
  // Runs a due detection now, on the calling thread (waits for the engine):
  // what the detector thread would do next. For shutdown and tests.
  void RunDueDetection();

  static constexpr size_t kMaxErrorsListed = 100;
  // Batches journaled and not yet folded: the one folding and the next.
  static constexpr int kMaxInFlight = 2;
  // How long a posted batch waits for a place before its 429: many folds'
  // length (a 1 MiB batch folds in milliseconds), so only an engine held
  // up (a snapshot, a slow state store, a detection run waiting for a long
  // console read) turns batches away. The 429's Retry-After says as much.
  static constexpr std::chrono::seconds kAdmitWait{1};
  static constexpr int64_t kAdmitWaitSeconds = kAdmitWait.count();

 private:
  enum class Admission { kTicket, kBusy, kJournalFailed };
  void Post(const Request& req, Response& resp);
  void Snapshot(const Request& req, Response& resp);
  // Journals `body` (with a state store) and gives it the next ticket, once
  // there is a place for it. With `wait`, waits as long as it takes; without,
  // at most kAdmitWait, then answers kBusy. kJournalFailed:
  // the write failed (logged); nothing is to be folded.
  Admission Admit(std::string_view body, const state::SourcePosition* position, bool wait,
                  uint64_t* ticket);
  // Folds a ticketed batch once every earlier ticket is folded, then
  // checkpoints when due and no later batch is journaled. Returns the
  // engine's watermark after the batch.
  TimeUs FoldTurn(uint64_t ticket, std::string_view body, uint64_t first_line,
                  std::vector<pipeline::LineReject>* rejects, pipeline::IngestStats* stats);
  // Runs `fn` holding mu_ and journal_mu_ with no batch in flight (new ones
  // wait meanwhile): for a forced checkpoint, and a snapshot after one.
  void Quiesced(const std::function<void()>& fn);
  bool Authorized(const Request& req) const;

  const ServeConfig& config_;
  DecisionService* decisions_;
  state::StateStore* state_;
  void DetectLoop();
  // state_->MaybeCheckpoint, timed; with journal_mu_ and mu_ held.
  Status TimedCheckpoint(bool force);
  // Copies the store's checkpoint totals into totals_ and adds `held_ns` to
  // the time checkpoints held ingest up; with journal_mu_.
  void CountCheckpoint(uint64_t held_ns);
  // The rest of a checkpoint FoldTurn began, with no lock held.
  void WriteCheckpoint(std::unique_ptr<state::PendingCheckpoint> checkpoint);

  // Lock order: mu_ before journal_mu_, mu_ before detect_mu_; counters_mu_
  // last (nothing is taken while it is held).
  mutable std::mutex mu_;  // guards engine_, folded_, stop_
  // Serialises detection runs (the detector thread's, RunDueDetection's);
  // taken after mu_, and held without mu_ while a run reads the copy.
  std::mutex detect_mu_;
  std::unique_ptr<pipeline::OnlineEngine> engine_;
  // The counters of totals_ (its gauges and atomics are filled by totals()),
  // apart from mu_ so that reading them never waits for the engine.
  mutable std::mutex counters_mu_;
  IngestTotals totals_;
  uint64_t folded_ = 0;              // the last ticket folded
  std::condition_variable turn_cv_;  // folded_ moved (with mu_)
  // Guards the state store's journal side (appends, positions, checkpoints)
  // and the tickets below.
  mutable std::mutex journal_mu_;
  uint64_t journaled_ = 0;  // the last ticket given
  // Tickets given and not folded, their bytes, and Admit calls waiting for
  // a place: changed with journal_mu_; atomic, as totals() reads them
  // without it.
  std::atomic<int> in_flight_{0};
  std::atomic<uint64_t> in_flight_bytes_{0};
  std::atomic<uint64_t> waiting_{0};
  int quiescing_ = 0;  // Quiesced() calls waiting or running
  // in_flight_ or quiescing_ fell, or a checkpoint's write ended (with
  // journal_mu_). A checkpoint begun (state_->checkpoint_begun()) is written
  // by FoldTurn's caller after the fold, with no lock: Quiesced waits for it.
  std::condition_variable journal_cv_;
  std::atomic<uint64_t> checkpoint_write_ns_{0};
  std::atomic<uint64_t> busy_{0};
  std::atomic<uint64_t> state_errors_{0};
  std::condition_variable due_cv_;  // a detection became due, or stop
  bool stop_ = false;
  std::thread detector_;
};

}  // namespace hw::serve
