// The journal of accepted ingest batches: append-only segment files in
// `<state.dir>/journal`, beside the RocksDB store that holds checkpoints.
//
// A batch is written once, with one write call, and read back only by a
// recovery: keeping it out of RocksDB spares it the write-ahead log's
// CRC32C, the memtable copy and a flush (half of serve's CPU per event with
// the journal in RocksDB, bench/RESULTS.md "Ingest over HTTP").
//
// Record: a 32-byte header (magic "HWJ1", position bytes u32, body bytes u64,
// sequence number u64, checksum u64), then the position, then the body;
// little-endian. The checksum chains XXH3-64 over the header's first 24
// bytes, the position and the body (each hash seeds the next).
//
// Durability: Append returns after the record reached the operating system
// (one writev; with `sync`, after fdatasync too), so a killed process loses
// no appended record. A process killed inside the write leaves a torn last
// record, whose batch was never answered: Open cuts it off (read-only opens
// ignore it). In the last segment reading stops at the first incomplete or
// damaged record, as RocksDB's point-in-time recovery does with its log;
// damage in an earlier segment is an error naming the file and the offset.
//
// Segments: a new one starts after each Seal (a checkpoint covers every
// record appended so far) and is named by its first sequence number. The
// sealed ones stay in place until the checkpoint that covers them is
// written (TakeSealed, then Remove), so that a crash in between replays
// them. Not thread-safe: one owner (StateStore,
// under the ingest's journal lock); Remove touches no journal state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"

namespace hw::state {

struct JournalRecord {
  uint64_t seq = 0;
  std::string_view position;  // opaque to the journal; empty when none
  std::string_view body;
};

class Journal {
 public:
  using RecordFn = std::function<Status(const JournalRecord&)>;

  // Opens (creating unless read_only) the journal in `dir`, checking every
  // record; a torn last record is truncated away unless read_only. `fn`, if
  // given, sees each whole record with seq > `after` in that same read, in
  // sequence order; an error it returns fails the open.
  static Result<std::unique_ptr<Journal>> Open(const std::string& dir, bool read_only, bool sync,
                                               uint64_t after = 0, const RecordFn& fn = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends a record; `seq` must exceed every sequence number appended.
  Status Append(uint64_t seq, std::string_view position, std::string_view body);
  // Calls fn for each record with seq > `after`, in sequence order; stops at
  // the first error fn returns. Reads one segment into memory at a time.
  Status ForEach(uint64_t after, const RecordFn& fn) const;
  // Closes the last segment: the next Append starts a new one. Returns how
  // many segments there are now, all of them sealed, oldest first.
  size_t Seal();
  // Forgets the first `n` segments (sealed, their records checkpointed) and
  // returns their paths, for Remove.
  std::vector<std::string> TakeSealed(size_t n);
  // Deletes segment files that TakeSealed returned; a missing one is fine.
  static Status Remove(const std::vector<std::string>& paths);
  // Copies the segments into `dir` (created), for a snapshot.
  Status CopyTo(const std::string& dir) const;

  uint64_t last_seq() const noexcept { return last_seq_; }
  // Bytes a torn last record left, cut off (or, read-only, ignored) by Open.
  uint64_t torn_bytes() const noexcept { return torn_bytes_; }

 private:
  Journal(std::string dir, bool read_only, bool sync)
      : dir_(std::move(dir)), read_only_(read_only), sync_(sync) {}
  Status Scan(uint64_t after, const RecordFn& fn);
  // Cuts the last segment back to its last whole record after a failed
  // append.
  void Undo() noexcept;

  std::string dir_;
  bool read_only_;
  bool sync_;
  std::vector<std::string> segments_;  // paths, in sequence order
  // Valid bytes of the last segment (reads stop there: a read-only open
  // leaves a torn tail in place).
  uint64_t last_valid_bytes_ = 0;
  int fd_ = -1;  // the last segment, open for appending
  // A failed append left part of a record that could not be cut off: no
  // later record may follow it (a recovery would stop at it).
  bool broken_ = false;
  uint64_t last_seq_ = 0;
  uint64_t torn_bytes_ = 0;
};

}  // namespace hw::state
