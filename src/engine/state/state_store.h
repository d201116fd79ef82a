// serve's crash-safe state in an embedded RocksDB: the online engine's
// account states, the response ids it has seen, its clock, the decisions,
// and a journal of accepted ingest batches.
//
// Durability model (docs/SERVE.md, "State"):
// - A batch is appended to the journal (journal.h: segment files in
//   `DIR/journal`, beside RocksDB) before the engine folds it and before its
//   client is answered: an accepted batch is on disk. The position of the
//   followed file it came from is in the same record.
// - Every `checkpoint_bytes` of journal, a checkpoint writes, in one atomic
//   write batch, the states of the accounts changed since the last one
//   (`a/USER_ID`), the response ids accepted since (`r/SEQ`), the followed
//   sources' positions (`p/SOURCE`), the engine's clock and the checkpoint's
//   sequence number (`m`); then the journal's segments are removed (a crash
//   before that leaves records the checkpoint covers: recovery skips them).
//   The write can happen outside the ingest lock (BeginCheckpoint,
//   WriteCheckpoint, EndCheckpoint): the journal is sealed when the
//   checkpoint is taken, and only the sealed segments go.
//   A store written before the journal moved out of RocksDB may hold
//   journal batches under `j/SEQ`: they are refolded first, and the next
//   checkpoint deletes them. Response-id lists are kept until newer ones cover the
//   duplicate filter's window.
// - Decisions are written through on every change (`d/ID`), ended ones too
//   (they count for escalation).
// Recovery loads decisions, account states, seen ids (oldest first) and the
// clock, then folds the journal after the checkpoint again: the engine ends
// in the state it had when the process died, with no accepted batch lost and
// none counted twice (a client retrying a batch it got no answer for is
// deduplicated by gen_ai.response.id, as any redelivery).
//
// Writes are flushed to the operating system before they return (a process
// crash or kill -9 loses nothing); `sync: true` also fsyncs each journal
// append and decision write, against power loss, at a cost per batch.
//
// Thread safety: AppendBatch, Position, CheckpointDue, MaybeCheckpoint,
// BeginCheckpoint, EndCheckpoint, checkpoint_totals and Recover never two at
// once (serve's ingest calls them under its journal lock); WriteCheckpoint
// beside any of them but MaybeCheckpoint; PersistDecisions from any thread
// holding the decision store's write lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/time.h"
#include "engine/decide/decision_store.h"
#include "engine/pipeline/online.h"

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace hw::state {

class Journal;

struct StateOptions {
  std::string dir;
  bool sync = false;
  // Journal bytes between checkpoints: bounds the replay on restart.
  uint64_t checkpoint_bytes = uint64_t{256} << 20;
  // Response ids kept for the duplicate filter after a restart: at least the
  // engine's dedup capacity.
  uint64_t seen_ids = uint64_t{8} << 20;
  bool read_only = false;
};

struct RecoveryStats {
  uint64_t accounts = 0;
  uint64_t decisions = 0;        // active ones restored
  uint64_t seen_ids = 0;         // response ids put back into the duplicate filter
  uint64_t journal_batches = 0;  // replayed after the checkpoint
  uint64_t journal_events = 0;
  uint64_t checkpoint_seq = 0;
  // Of a journal record torn by a crash inside its append, cut off at open.
  uint64_t journal_torn_bytes = 0;
};

// Where a followed source (a file being appended to) stands after a batch:
// persisted in the same write as the batch's journal entry, so a restart
// resumes reading exactly after the last batch journaled.
struct SourcePosition {
  std::string source;   // the configured path
  uint64_t inode = 0;   // of the file read (rotation is a new inode)
  uint64_t offset = 0;  // bytes consumed: the batch ends at a line end
  uint64_t lines = 0;   // lines consumed, for line numbers in errors
};

// A checkpoint between BeginCheckpoint and EndCheckpoint: what it writes,
// and what it took from the engine and the journal, given back if the write
// fails.
struct PendingCheckpoint {
  PendingCheckpoint();
  ~PendingCheckpoint();
  PendingCheckpoint(const PendingCheckpoint&) = delete;
  PendingCheckpoint& operator=(const PendingCheckpoint&) = delete;

  uint64_t seq = 0;  // journal batches up to it are covered
  std::unique_ptr<rocksdb::WriteBatch> batch;
  pipeline::EngineChanges changes;
  // The seen-id lists in RocksDB once the batch is written.
  std::vector<std::pair<uint64_t, uint64_t>> seen_lists;
  size_t sealed_segments = 0;  // the journal's segments it covers
  uint64_t journal_bytes = 0;  // appended before the seal
  uint64_t journal_batches = 0;
  bool drops_legacy_journal = false;
  Status written;  // set by WriteCheckpoint
};

// What the checkpoints of this process wrote, for /metrics.
struct CheckpointTotals {
  uint64_t checkpoints = 0;
  uint64_t accounts = 0;  // account states written (one account once per checkpoint)
  uint64_t bytes = 0;     // keys and values written
};

struct StateInfo {
  uint64_t accounts = 0;
  uint64_t decisions = 0;  // records, ended ones included
  uint64_t active_decisions = 0;
  uint64_t journal_batches = 0;
  uint64_t journal_bytes = 0;
  uint64_t seen_id_lists = 0;
  uint64_t checkpoint_seq = 0;
  uint64_t last_seq = 0;
  TimeUs watermark = 0;
};

class StateStore {
 public:
  // Opens (creating when missing, unless read_only) the store in `dir`.
  static Result<std::unique_ptr<StateStore>> Open(const StateOptions& options);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Puts the persisted state into a fresh engine (made with track_changes)
  // and decision store, then refolds the journal after the checkpoint.
  Result<RecoveryStats> Recover(pipeline::OnlineEngine* engine, decide::DecisionStore* store);
  // The two halves of Recover, for a caller that holds the decision store
  // under a lock the engine's refolding must not wait for (serve): the
  // decisions first, then the engine with the store's applied_at().
  Result<RecoveryStats> RecoverDecisions(decide::DecisionStore* store);
  Status RecoverEngine(pipeline::OnlineEngine* engine, TimeUs applied_at, RecoveryStats* stats);

  // Durably records `block` as the next journal batch, with the position
  // of its source after it when it was read from a followed file; fold it
  // only when this succeeds.
  Status AppendBatch(std::string_view block, const SourcePosition* position = nullptr);
  // The persisted position of followed source `source`, if any.
  std::optional<SourcePosition> Position(const std::string& source) const;
  // Whether `checkpoint_bytes` of journal have accumulated: the next
  // MaybeCheckpoint writes one.
  bool CheckpointDue() const noexcept { return journal_bytes_ >= options_.checkpoint_bytes; }
  // Checkpoints when `checkpoint_bytes` of journal have accumulated (or
  // `force`). The engine must have folded every appended batch, and no
  // checkpoint may be between its Begin and End.
  Status MaybeCheckpoint(pipeline::OnlineEngine* engine, bool force = false);

  // The same checkpoint in parts, so that the RocksDB write (most of its
  // time) holds no lock the ingest needs:
  // - BeginCheckpoint, with the engine and the journal exclusive (as for
  //   MaybeCheckpoint): takes the engine's changes and encodes them, seals
  //   the journal (later batches go to a new segment). Null when no
  //   checkpoint is due (and not `force`).
  // - WriteCheckpoint, with no lock: the one atomic RocksDB write.
  // - EndCheckpoint, with the journal exclusive again: on success the
  //   checkpoint is the store's, and the covered segments' paths are put in
  //   `remove`; on failure the changes and the journal are kept for the
  //   next checkpoint, which is due at once.
  // - Journal::Remove(remove), with no lock.
  // A crash anywhere in between leaves the old checkpoint and the whole
  // journal after it (or the new one and segments it covers): recovery is
  // the same.
  Result<std::unique_ptr<PendingCheckpoint>> BeginCheckpoint(pipeline::OnlineEngine* engine,
                                                             bool force = false);
  void WriteCheckpoint(PendingCheckpoint* pending);
  Status EndCheckpoint(std::unique_ptr<PendingCheckpoint> pending,
                       std::vector<std::string>* remove);
  // Writes the decisions `store` changed since the last call.
  Status PersistDecisions(const decide::DecisionStore& store);

  // A consistent copy of the whole store in `dir` (which must not exist):
  // RocksDB hard-links its files, so this is quick and small.
  Status Snapshot(const std::string& dir);
  StateInfo Info() const;
  // One JSON line per account: user.id, requests, first/last seen and an
  // XXH3 digest of its persisted state; then one per decision. For
  // comparing two stores (the crash test) and for operators.
  Status Dump(std::string* out) const;

  uint64_t last_seq() const noexcept { return last_seq_; }
  // Under the same exclusion as MaybeCheckpoint.
  const CheckpointTotals& checkpoint_totals() const noexcept { return checkpoint_totals_; }
  // Between BeginCheckpoint and EndCheckpoint: no other checkpoint begins.
  bool checkpoint_begun() const noexcept { return checkpoint_begun_; }

 private:
  explicit StateStore(StateOptions options);

  StateOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<Journal> journal_;
  uint64_t last_seq_ = 0;         // last journal batch appended
  uint64_t checkpoint_seq_ = 0;   // journal batches up to it are in the checkpoint
  uint64_t journal_bytes_ = 0;    // appended since the checkpoint
  uint64_t journal_batches_ = 0;  // appended since the checkpoint
  CheckpointTotals checkpoint_totals_;
  bool checkpoint_begun_ = false;  // between BeginCheckpoint and EndCheckpoint
  // Journal batches under `j/SEQ` from before the journal left RocksDB:
  // the next checkpoint deletes them.
  bool legacy_journal_ = false;
  // Followed sources' positions: the checkpoint's, then those of the journal
  // batches after it; written to RocksDB by each checkpoint.
  std::map<std::string, SourcePosition> positions_;
  // What a failed checkpoint took from the engine, for the next one.
  pipeline::EngineChanges pending_;
  // (checkpoint seq, ids) of the seen-id lists in RocksDB, in key order, read
  // once by the first checkpoint and kept by each one after, so that a
  // checkpoint does not read every list back (for the 8M-id window, 64 MiB of
  // values) just to learn their sizes.
  std::vector<std::pair<uint64_t, uint64_t>> seen_lists_;
  bool seen_lists_read_ = false;
  std::mutex decisions_mu_;
  uint64_t decision_cursor_ = 0;
  TimeUs applied_at_ = 0;  // as last persisted
};

// Copies snapshot `from` into `to` (which must not exist or be empty), for
// `hydrawatch state restore`; serve must not be running on `to`.
Status RestoreSnapshot(const std::string& from, const std::string& to);

}  // namespace hw::state
