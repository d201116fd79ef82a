// serve's state store: the codecs, and crash recovery in-process. The
// `small` scenario goes into an online engine journaled and checkpointed by a
// StateStore; the engine and store are dropped mid-stream without a final
// checkpoint (as a crash leaves them), reopened and recovered, and the
// batch in flight is delivered again. Every account's state must then equal,
// byte for byte, that of an engine that saw the stream once, and so must the
// decisions. (The process-level kill -9 test is tests/unit/serve/crash_test.)
#include "engine/state/state_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/common/time.h"
#include "engine/decide/decision_codec.h"
#include "engine/decide/enforcement.h"
#include "engine/fingerprint/account_codec.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"
#include "engine/state/journal.h"
#include "small_blocks.h"
#include "state_fixtures.h"

namespace hw::state {
namespace {

TEST(StateCodec, AccountStateRoundTripsAndBadRecordsAreRefused) {
  fingerprint::AccountState a;
  fingerprint::Observation ob;
  ob.time = 1'000'000;
  ob.address = 7;
  ob.model = 9;
  a.Update(ob);
  std::string bytes, again;
  fingerprint::EncodeAccountState(a, &bytes);
  fingerprint::AccountState b;
  ASSERT_TRUE(fingerprint::DecodeAccountState(bytes, &b).ok());
  fingerprint::EncodeAccountState(b, &again);
  EXPECT_EQ(bytes, again);
  EXPECT_EQ(b.requests, 1u);
  EXPECT_FALSE(fingerprint::DecodeAccountState(bytes.substr(0, bytes.size() - 1), &b).ok());
  std::string other = bytes;
  other[4] = 99;  // another layout
  const Status s = fingerprint::DecodeAccountState(other, &b);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("another layout"), std::string::npos) << s.message();
  EXPECT_FALSE(fingerprint::DecodeAccountState("junk", &b).ok());

  // Zero runs: a state with few counters set takes a fraction of its bytes.
  EXPECT_LT(bytes.size(), sizeof(fingerprint::AccountState) / 2) << bytes.size();
  // A record of the bytes as they are ("HAS1", before zero runs) is read too.
  std::string raw = bytes.substr(0, 12);
  raw[3] = '1';
  raw.append(reinterpret_cast<const char*>(&a), sizeof a);
  fingerprint::AccountState c;
  ASSERT_TRUE(fingerprint::DecodeAccountState(raw, &c).ok());
  fingerprint::EncodeAccountState(c, &again);
  EXPECT_EQ(bytes, again);
  // Damage is refused and leaves the state as it was: bytes after the
  // state, a run past its end, a run of nothing.
  for (const std::string& bad : {bytes + "x", bytes.substr(0, 12) + std::string("\xff\xff\0\0", 4),
                                 bytes.substr(0, 12) + std::string(4, '\0') + bytes.substr(12)}) {
    fingerprint::AccountState d = b;
    EXPECT_FALSE(fingerprint::DecodeAccountState(bad, &d).ok());
    fingerprint::EncodeAccountState(d, &again);
    EXPECT_EQ(bytes, again);
  }
}

// The fuzz seeds (fuzz/fuzz_state_records.cc: key prefix, then value) are
// records the store wrote: an account as zero runs, the same account as its
// bytes (before zero runs), a decision. All still read; both account
// records give the same state.
TEST(StateCodec, StoredRecordsOfEveryFormRead) {
  const std::string dir = std::string(HW_SOURCE_DIR) + "/tests/fuzz_regressions/state_records/";
  const auto read = [&](const char* name) {
    std::ifstream in(dir + name, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_GT(bytes.size(), 1u) << name;
    return bytes.substr(std::min<size_t>(1, bytes.size()));
  };
  fingerprint::AccountState runs, raw;
  ASSERT_TRUE(fingerprint::DecodeAccountState(read("account_zero_runs"), &runs).ok());
  ASSERT_TRUE(fingerprint::DecodeAccountState(read("account_raw"), &raw).ok());
  EXPECT_GT(runs.requests, 0u);
  std::string a, b;
  fingerprint::EncodeAccountState(runs, &a);
  fingerprint::EncodeAccountState(raw, &b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, read("account_zero_runs"));
  decide::Decision d;
  ASSERT_TRUE(decide::DecodeDecision(read("decision"), &d).ok());
  EXPECT_FALSE(d.account.empty());
}

TEST(StateCodec, DecisionRoundTripsAndBadRecordsAreRefused) {
  decide::Decision d;
  d.id = 42;
  d.origin = decide::Origin::kManual;
  d.account = "acct_1";
  d.action = decide::Action::kThrottle;
  d.throttle = {10, 5000, kUsPerHour};
  d.start = 5;
  d.until = 99;
  d.profile = "manual";
  d.reason = "analyst: confirmed";
  d.simulated = true;
  d.repeat = 3;
  d.active = false;
  d.ended = 77;
  std::string bytes;
  decide::EncodeDecision(d, &bytes);
  decide::Decision e;
  ASSERT_TRUE(decide::DecodeDecision(bytes, &e).ok());
  EXPECT_EQ(e.id, 42u);
  EXPECT_EQ(e.origin, decide::Origin::kManual);
  EXPECT_EQ(e.account, "acct_1");
  EXPECT_EQ(e.action, decide::Action::kThrottle);
  EXPECT_EQ(e.throttle.tokens, 5000u);
  EXPECT_EQ(e.until, 99);
  EXPECT_EQ(e.reason, "analyst: confirmed");
  EXPECT_TRUE(e.simulated);
  EXPECT_EQ(e.repeat, 3u);
  EXPECT_FALSE(e.active);
  EXPECT_EQ(e.ended, 77);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(decide::DecodeDecision(bytes.substr(0, cut), &e).ok()) << cut;
  }
  std::string bad = bytes;
  bad[12] = 9;  // origin
  EXPECT_FALSE(decide::DecodeDecision(bad, &e).ok());
}

// The `small` scenario's first hours as blocks, and an engine (with its
// decisions) that saw them once, uninterrupted: what the recoveries below
// must equal. Made once for the tests that share it.
struct UninterruptedRun {
  std::vector<std::string> blocks;
  decide::DecisionStore store;
  std::unique_ptr<pipeline::OnlineEngine> engine;
};

const UninterruptedRun& Reference() {
  static const UninterruptedRun* const run = [] {
    auto* r = new UninterruptedRun;
    r->blocks = SmallBlocks(500, "2026-04-22T08:00:00Z");
    r->engine = MakeEngine(&r->store, nullptr);
    for (const std::string& b : r->blocks) r->engine->Ingest(b, 1, nullptr);
    return r;
  }();
  return *run;
}

TEST(StateStore, RecoveryAfterACrashEqualsAnUninterruptedRun) {
  const std::vector<std::string>& blocks = Reference().blocks;
  ASSERT_GT(blocks.size(), 10u);
  const decide::DecisionStore& ref_store = Reference().store;
  const pipeline::OnlineEngine* ref = Reference().engine.get();

  const std::string dir = TempDir("crash");
  StateOptions so;
  so.dir = dir;
  so.checkpoint_bytes = 2 << 20;  // several checkpoints, journal left after the last
  const size_t crash_at = blocks.size() * 2 / 3;
  {
    auto st = StateStore::Open(so);
    ASSERT_TRUE(st.ok()) << st.status().message();
    decide::DecisionStore store;
    auto engine = MakeEngine(&store, st->get());
    uint64_t due = 0;
    for (size_t i = 0; i <= crash_at; ++i) {
      ASSERT_TRUE((*st)->AppendBatch(blocks[i]).ok());
      engine->Ingest(blocks[i], 1, nullptr);
      due += (*st)->CheckpointDue();
      ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get()).ok());
    }
    const CheckpointTotals& totals = (*st)->checkpoint_totals();
    EXPECT_EQ(totals.checkpoints, due);
    EXPECT_GT(totals.accounts, 0u);
    EXPECT_GT(totals.bytes, totals.accounts * 100);
    const StateInfo info = (*st)->Info();
    EXPECT_GT(info.checkpoint_seq, 0u);
    EXPECT_GT(info.journal_batches, 0u) << "the crash must leave journal to replay";
    EXPECT_GT(info.active_decisions, 0u);
    // Dropped here without a final checkpoint: what a crash leaves behind.
  }
  auto st = StateStore::Open(so);
  ASSERT_TRUE(st.ok()) << st.status().message();
  decide::DecisionStore store;
  auto engine = MakeEngine(&store, st->get());
  auto rec = (*st)->Recover(engine.get(), &store);
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  EXPECT_GT(rec->accounts, 0u);
  EXPECT_GT(rec->journal_batches, 0u);
  EXPECT_GT(rec->seen_ids, 0u);
  // The client got no answer for the batch in flight and sends it again:
  // every one of its events is a duplicate now.
  for (size_t i = crash_at; i < blocks.size(); ++i) {
    ASSERT_TRUE((*st)->AppendBatch(blocks[i]).ok());
    const pipeline::IngestStats s = engine->Ingest(blocks[i], 1, nullptr);
    if (i == crash_at) {
      EXPECT_EQ(s.events, 0u);
      EXPECT_GT(s.duplicates, 0u);
    }
    ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get()).ok());
  }
  EXPECT_EQ(EncodedStates(*engine), EncodedStates(*ref));
  EXPECT_EQ(engine->watermark(), ref->watermark());
  EXPECT_EQ(ActiveDecisions(store), ActiveDecisions(ref_store));
  EXPECT_GT(ref_store.active_count(), 0u);

  // A graceful stop checkpoints everything: the next start replays nothing
  // and comes back to the same state.
  ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get(), true).ok());
  st->reset();
  auto st2 = StateStore::Open(so);
  ASSERT_TRUE(st2.ok());
  decide::DecisionStore store2;
  auto engine2 = MakeEngine(&store2, st2->get());
  auto rec2 = (*st2)->Recover(engine2.get(), &store2);
  ASSERT_TRUE(rec2.ok());
  EXPECT_EQ(rec2->journal_batches, 0u);
  EXPECT_EQ(EncodedStates(*engine2), EncodedStates(*ref));
  EXPECT_EQ(store2.active_count(), ref_store.active_count());
}

// A checkpoint written in parts, as serve writes it beside the ingest:
// batches keep going to the journal (a new segment) between its begin and
// its end. A crash before its write, and one after the write but before its
// end (the covered segments still on disk), and one after its end (only the
// covered segments removed), all recover to the state of an
// uninterrupted run once the rest is delivered; so does a run whose write
// failed, which keeps its changes and segments and is due again at once.
TEST(StateStore, ACheckpointWrittenBesideTheIngestRecoversAtEveryStep) {
  const std::vector<std::string>& blocks = Reference().blocks;
  ASSERT_GT(blocks.size(), 10u);
  const decide::DecisionStore& ref_store = Reference().store;
  const pipeline::OnlineEngine* ref = Reference().engine.get();
  const size_t begin_at = blocks.size() / 3, end_at = blocks.size() * 2 / 3;

  enum class Step { kCrashBeforeWrite, kCrashAfterWrite, kCrashAfterEnd, kWriteFailed };
  for (const Step step : {Step::kCrashBeforeWrite, Step::kCrashAfterWrite, Step::kCrashAfterEnd,
                          Step::kWriteFailed}) {
    SCOPED_TRACE(static_cast<int>(step));
    const std::string dir = TempDir(("split" + std::to_string(static_cast<int>(step))).c_str());
    StateOptions so;
    so.dir = dir;
    so.checkpoint_bytes = 2 << 20;
    size_t delivered = 0;  // blocks journaled before the crash
    uint64_t begun_seq = 0;
    {
      auto st = StateStore::Open(so);
      ASSERT_TRUE(st.ok()) << st.status().message();
      decide::DecisionStore store;
      auto engine = MakeEngine(&store, st->get());
      std::unique_ptr<PendingCheckpoint> pending;
      for (size_t i = 0; i < blocks.size(); ++i) {
        ASSERT_TRUE((*st)->AppendBatch(blocks[i]).ok());
        engine->Ingest(blocks[i], 1, nullptr);
        delivered = i + 1;
        if (i < begin_at || (step == Step::kWriteFailed && i > end_at)) {
          ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get()).ok());
          if (i + 2 == blocks.size()) break;
        } else if (i == begin_at) {
          auto begun = (*st)->BeginCheckpoint(engine.get(), /*force=*/true);
          ASSERT_TRUE(begun.ok()) << begun.status().message();
          ASSERT_NE(*begun, nullptr);
          pending = std::move(begun).value();
          begun_seq = pending->seq;
          EXPECT_FALSE((*st)->CheckpointDue());
          // One at a time.
          EXPECT_FALSE((*st)->BeginCheckpoint(engine.get(), true).ok());
          EXPECT_FALSE((*st)->MaybeCheckpoint(engine.get(), true).ok());
        } else if (i == end_at) {
          if (step == Step::kCrashBeforeWrite) break;
          if (step == Step::kCrashAfterWrite || step == Step::kCrashAfterEnd) {
            (*st)->WriteCheckpoint(pending.get());
            ASSERT_TRUE(pending->written.ok()) << pending->written.message();
            if (step == Step::kCrashAfterWrite) break;
            // Only the sealed segments go: the batches after the begin stay.
            std::vector<std::string> remove;
            ASSERT_TRUE((*st)->EndCheckpoint(std::move(pending), &remove).ok());
            EXPECT_FALSE(remove.empty());
            ASSERT_TRUE(Journal::Remove(remove).ok());
            EXPECT_EQ((*st)->Info().checkpoint_seq, begun_seq);
            EXPECT_EQ((*st)->Info().journal_batches, delivered - begun_seq);
            break;
          }
          pending->written = Status(ErrorCode::kIoError, "injected write failure");
          std::vector<std::string> remove;
          EXPECT_FALSE((*st)->EndCheckpoint(std::move(pending), &remove).ok());
          EXPECT_TRUE(remove.empty());
          EXPECT_TRUE((*st)->CheckpointDue()) << "a failed checkpoint is due again at once";
          EXPECT_LT((*st)->Info().checkpoint_seq, begun_seq);
        }
      }
      // Dropped without a final checkpoint (or end): what a crash leaves.
    }
    ASSERT_LT(delivered, blocks.size());
    auto st = StateStore::Open(so);
    ASSERT_TRUE(st.ok()) << st.status().message();
    decide::DecisionStore store;
    auto engine = MakeEngine(&store, st->get());
    auto rec = (*st)->Recover(engine.get(), &store);
    ASSERT_TRUE(rec.ok()) << rec.status().message();
    if (step == Step::kCrashBeforeWrite) {
      EXPECT_LT(rec->checkpoint_seq, begun_seq);
    }
    if (step == Step::kCrashAfterWrite || step == Step::kCrashAfterEnd) {
      EXPECT_EQ(rec->checkpoint_seq, begun_seq);
      EXPECT_EQ(rec->journal_batches, delivered - begun_seq);
    }
    if (step == Step::kWriteFailed) {
      EXPECT_GT(rec->checkpoint_seq, begun_seq);
    }
    for (size_t i = delivered; i < blocks.size(); ++i) {
      ASSERT_TRUE((*st)->AppendBatch(blocks[i]).ok());
      engine->Ingest(blocks[i], 1, nullptr);
      ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get()).ok());
    }
    EXPECT_EQ(EncodedStates(*engine), EncodedStates(*ref));
    EXPECT_EQ(engine->watermark(), ref->watermark());
    EXPECT_EQ(ActiveDecisions(store), ActiveDecisions(ref_store));
  }
}

// The journal, nearly all that serve writes, goes to its own segment files
// (journal.h), never through RocksDB: 80 MiB of journal (more than RocksDB's
// default 64 MiB memtable, which flushed it to table files when the journal
// was kept in RocksDB) leave table files of a few kilobytes.
// Checkpoints keep the newest seen-id lists that cover the duplicate
// filter's window (StateOptions::seen_ids) and delete the older ones, across
// a restart too (the store tracks its lists in memory after reading them
// once); a forced checkpoint with no new ids keeps its list.
TEST(StateStore, SeenIdListsCoverTheWindowAndNoMore) {
  const std::vector<std::string> blocks = SmallBlocks(200, "2026-04-22T08:00:00Z");
  ASSERT_GT(blocks.size(), 20u);
  const std::string dir = TempDir("seen_lists");
  StateOptions so;
  so.dir = dir;
  so.checkpoint_bytes = 1;  // a checkpoint after every batch: one list of at most 200 ids
  so.seen_ids = 1000;
  const size_t half = blocks.size() / 2;
  // Sessions 1 and 2 recover what the one before left: at least the window,
  // and fewer ids than the window plus one list (the oldest kept list
  // completes the window).
  for (int session = 0; session < 3; ++session) {
    auto st = StateStore::Open(so);
    ASSERT_TRUE(st.ok()) << st.status().message();
    decide::DecisionStore store;
    auto engine = MakeEngine(&store, st->get());
    auto rec = (*st)->Recover(engine.get(), &store);
    ASSERT_TRUE(rec.ok()) << rec.status().message();
    if (session > 0) {
      EXPECT_GE(rec->seen_ids, so.seen_ids) << "session " << session;
      EXPECT_LT(rec->seen_ids, so.seen_ids + 200) << "session " << session;
    }
    if (session == 2) break;
    const size_t from = session == 0 ? 0 : half, to = session == 0 ? half : blocks.size();
    for (size_t i = from; i < to; ++i) {
      ASSERT_TRUE((*st)->AppendBatch(blocks[i]).ok());
      engine->Ingest(blocks[i], 1, nullptr);
      ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get()).ok());
      if (i == from + 3) {
        // A second checkpoint at the same journal seq, without new ids.
        ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get(), /*force=*/true).ok());
      }
    }
    EXPECT_GE((*st)->Info().seen_id_lists, 5u);
  }
}

TEST(StateStore, TheJournalNeverReachesTableFiles) {
  const std::string dir = TempDir("journal_once");
  StateOptions so;
  so.dir = dir;
  so.checkpoint_bytes = 8 << 20;
  // Incompressible bytes: compression must not be what keeps tables small.
  std::string batch(1 << 20, ' ');
  uint64_t x = 88172645463325252ULL;
  for (char& c : batch) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>('!' + x % 90);
  }
  {
    auto st = StateStore::Open(so);
    ASSERT_TRUE(st.ok()) << st.status().message();
    decide::DecisionStore store;
    auto engine = MakeEngine(&store, st->get());
    for (int i = 0; i < 80; ++i) {
      batch[static_cast<size_t>(i)] = '#';
      ASSERT_TRUE((*st)->AppendBatch(batch).ok());
      ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get()).ok());
    }
    EXPECT_EQ((*st)->Info().journal_batches, 0u);
  }
  uintmax_t table_bytes = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == ".sst") table_bytes += f.file_size();
  }
  EXPECT_LT(table_bytes, uintmax_t{1} << 20);
}

TEST(StateStore, SnapshotRestoresAndRefusesToOverwrite) {
  const std::vector<std::string> blocks = SmallBlocks(1000, "2026-04-22T08:00:00Z");
  const std::string dir = TempDir("snap_src"), snap = TempDir("snap"), back = TempDir("snap_dst");
  StateOptions so;
  so.dir = dir;
  std::map<std::string, std::string> before;
  {
    auto st = StateStore::Open(so);
    ASSERT_TRUE(st.ok());
    decide::DecisionStore store;
    auto engine = MakeEngine(&store, st->get());
    for (size_t i = 0; i < 5 && i < blocks.size(); ++i) {
      ASSERT_TRUE((*st)->AppendBatch(blocks[i]).ok());
      engine->Ingest(blocks[i], 1, nullptr);
    }
    ASSERT_TRUE((*st)->MaybeCheckpoint(engine.get(), true).ok());
    ASSERT_TRUE((*st)->Snapshot(snap).ok());
    EXPECT_FALSE((*st)->Snapshot(snap).ok()) << "a snapshot never overwrites";
    before = EncodedStates(*engine);
  }
  ASSERT_TRUE(RestoreSnapshot(snap, back).ok());
  EXPECT_FALSE(RestoreSnapshot(snap, back).ok()) << "restore never overwrites a state";
  EXPECT_FALSE(RestoreSnapshot(dir + "/nope", TempDir("snap_x")).ok());
  StateOptions bo;
  bo.dir = back;
  auto st = StateStore::Open(bo);
  ASSERT_TRUE(st.ok());
  decide::DecisionStore store;
  auto engine = MakeEngine(&store, st->get());
  ASSERT_TRUE((*st)->Recover(engine.get(), &store).ok());
  EXPECT_EQ(EncodedStates(*engine), before);
  std::string dump;
  ASSERT_TRUE((*st)->Dump(&dump).ok());
  size_t account_lines = 0;
  for (size_t p = 0; (p = dump.find("{\"account\":", p)) != std::string::npos; ++p) ++account_lines;
  EXPECT_EQ(account_lines, before.size());
}

TEST(StateStore, AnUnopenableDirectoryIsAClearError) {
  StateOptions so;
  so.dir = "/proc/hydrawatch-no-such-state";
  auto st = StateStore::Open(so);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("/proc/hydrawatch-no-such-state"), std::string::npos);
  so.read_only = true;
  so.dir = TempDir("absent");
  EXPECT_FALSE(StateStore::Open(so).ok());
}

}  // namespace
}  // namespace hw::state
