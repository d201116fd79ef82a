#include "engine/state/state_store.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <xxhash.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "engine/common/bytes.h"
#include "engine/common/json_writer.h"
#include "engine/decide/decision_codec.h"
#include "engine/fingerprint/account_codec.h"
#include "engine/state/journal.h"

namespace hw::state {

namespace {

constexpr char kAccount = 'a';
constexpr char kDecision = 'd';
constexpr char kJournal = 'j';
constexpr char kSeen = 'r';
constexpr char kPosition = 'p';
constexpr char kMetaKey[] = "m";
constexpr char kAppliedKey[] = "t";          // DecisionStore::applied_at of the decisions persisted
constexpr uint32_t kMetaMagic = 0x314d5748;  // "HWM1"

// Sequence numbers big-endian, so that keys sort in sequence order.
std::string SeqKey(char prefix, uint64_t seq) {
  std::string k(9, '\0');
  k[0] = prefix;
  for (int i = 0; i < 8; ++i)
    k[1 + static_cast<size_t>(i)] = static_cast<char>(seq >> (56 - 8 * i));
  return k;
}

uint64_t KeySeq(const rocksdb::Slice& k) {
  uint64_t v = 0;
  for (size_t i = 1; i < 9 && i < k.size(); ++i) v = (v << 8) | static_cast<uint8_t>(k[i]);
  return v;
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  return {ErrorCode::kIoError, std::string(what) + ": " + s.ToString()};
}

struct Meta {
  uint64_t checkpoint_seq = 0;
  pipeline::EngineClock clock;
};

void EncodeMeta(const Meta& m, std::string* out) {
  ByteWriter w(out);
  w.Put(kMetaMagic);
  w.Put(m.checkpoint_seq);
  w.Put(m.clock.watermark);
  w.Put(m.clock.next_detect);
  w.Put(m.clock.due);
  w.Put(static_cast<uint8_t>(m.clock.dirty));
  w.Put(m.clock.runs);
}

bool DecodeMeta(std::string_view in, Meta* m) {
  ByteReader r(in);
  uint32_t magic = 0;
  uint8_t dirty = 0;
  r.Get(&magic);
  r.Get(&m->checkpoint_seq);
  r.Get(&m->clock.watermark);
  r.Get(&m->clock.next_detect);
  r.Get(&m->clock.due);
  r.Get(&dirty);
  r.Get(&m->clock.runs);
  m->clock.dirty = dirty != 0;
  return r.done() && magic == kMetaMagic;
}

// A followed file's position past its path: in RocksDB the path is the
// key's tail, in a journal record it comes first (PutString).
void PutOffsets(const SourcePosition& p, ByteWriter* w) {
  w->Put(p.inode);
  w->Put(p.offset);
  w->Put(p.lines);
}

bool GetOffsets(ByteReader* r, SourcePosition* p) {
  r->Get(&p->inode);
  r->Get(&p->offset);
  r->Get(&p->lines);
  return r->done();
}

// Calls fn(key, value) for every key with `prefix`, in key order.
template <typename F>
Status ForEachPrefixed(rocksdb::DB* db, char prefix, F&& fn) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  const std::string p(1, prefix);
  for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next()) {
    Status s = fn(it->key(), it->value());
    if (!s.ok()) return s;
  }
  return FromRocks(it->status(), "reading state");
}

}  // namespace

Result<std::unique_ptr<StateStore>> StateStore::Open(const StateOptions& options) {
  std::unique_ptr<StateStore> st(new StateStore(options));
  rocksdb::Options o;
  o.create_if_missing = !options.read_only;
  o.max_open_files = 256;
  o.keep_log_file_num = 4;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = options.read_only ? rocksdb::DB::OpenForReadOnly(o, options.dir, &db)
                                        : rocksdb::DB::Open(o, options.dir, &db);
  if (!s.ok()) {
    return Status(ErrorCode::kIoError, "state " + options.dir + ": cannot open: " + s.ToString());
  }
  st->db_.reset(db);
  std::string meta;
  s = db->Get(rocksdb::ReadOptions(), kMetaKey, &meta);
  if (s.ok()) {
    Meta m;
    if (!DecodeMeta(meta, &m)) {
      return Status(ErrorCode::kParseError,
                    "state " + options.dir + ": unreadable checkpoint record");
    }
    st->checkpoint_seq_ = m.checkpoint_seq;
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "state " + options.dir);
  }
  st->last_seq_ = st->checkpoint_seq_;
  // Journal batches of a store written before the journal left RocksDB.
  Status js = ForEachPrefixed(db, kJournal, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
    st->legacy_journal_ = true;
    st->last_seq_ = std::max(st->last_seq_, KeySeq(k));
    st->journal_bytes_ += v.size();
    ++st->journal_batches_;
    return Status::Ok();
  });
  if (!js.ok()) return js;
  js = ForEachPrefixed(db, kPosition, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
    SourcePosition p;
    p.source.assign(k.data() + 1, k.size() - 1);
    ByteReader r(std::string_view(v.data(), v.size()));
    if (!GetOffsets(&r, &p)) {
      return Status(ErrorCode::kParseError,
                    "state " + options.dir + ": unreadable position of " + p.source);
    }
    st->positions_[p.source] = std::move(p);
    return Status::Ok();
  });
  if (!js.ok()) return js;
  // The batches after the checkpoint, counted and their positions taken in
  // the read that checks the journal.
  auto journal =
      Journal::Open(options.dir + "/journal", options.read_only, options.sync, st->checkpoint_seq_,
                    [&](const JournalRecord& r) {
                      st->journal_bytes_ += r.body.size();
                      ++st->journal_batches_;
                      if (r.position.empty()) return Status::Ok();
                      SourcePosition p;
                      ByteReader pr(r.position);
                      if (!pr.GetString(&p.source) || !GetOffsets(&pr, &p)) {
                        return Status(ErrorCode::kParseError,
                                      "journal " + options.dir + "/journal: batch " +
                                          std::to_string(r.seq) + ": unreadable source position");
                      }
                      st->positions_[p.source] = std::move(p);
                      return Status::Ok();
                    });
  if (!journal.ok()) return Status(journal.status().code(), "state " + journal.status().message());
  st->journal_ = std::move(journal).value();
  st->last_seq_ = std::max(st->last_seq_, st->journal_->last_seq());
  return st;
}

StateStore::StateStore(StateOptions options) : options_(std::move(options)) {}
StateStore::~StateStore() = default;

Result<RecoveryStats> StateStore::Recover(pipeline::OnlineEngine* engine,
                                          decide::DecisionStore* store) {
  Result<RecoveryStats> rs = RecoverDecisions(store);
  if (!rs.ok()) return rs;
  if (Status s = RecoverEngine(engine, store->applied_at(), &rs.value()); !s.ok()) return s;
  return rs;
}

Result<RecoveryStats> StateStore::RecoverDecisions(decide::DecisionStore* store) {
  RecoveryStats rs;
  rs.checkpoint_seq = checkpoint_seq_;
  rs.journal_torn_bytes = journal_->torn_bytes();
  const std::string& dir = options_.dir;
  // Decisions in id order (keys are big-endian ids), so that ids and the
  // change log come back as they were made.
  Status s =
      ForEachPrefixed(db_.get(), kDecision, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        decide::Decision d;
        Status ds = decide::DecodeDecision(std::string_view(v.data(), v.size()), &d);
        if (!ds.ok()) {
          return Status(
              ErrorCode::kParseError,
              "state " + dir + ": decision " + std::to_string(KeySeq(k)) + ": " + ds.message());
        }
        rs.decisions += d.active;
        store->Restore(std::move(d));
        return Status::Ok();
      });
  if (!s.ok()) return s;
  std::string applied;
  if (db_->Get(rocksdb::ReadOptions(), kAppliedKey, &applied).ok()) {
    TimeUs t = 0;
    ByteReader r(applied);
    if (!r.Get(&t) || !r.done()) {
      return Status(ErrorCode::kParseError, "state " + dir + ": unreadable detection time");
    }
    store->SetAppliedAt(t);
  }
  decision_cursor_ = store->Since(0, false).cursor;
  applied_at_ = store->applied_at();
  return rs;
}

Status StateStore::RecoverEngine(pipeline::OnlineEngine* engine, TimeUs applied_at,
                                 RecoveryStats* rs_out) {
  RecoveryStats& rs = *rs_out;
  const std::string& dir = options_.dir;
  engine->SkipDetectionsThrough(applied_at);
  Status s =
      ForEachPrefixed(db_.get(), kAccount, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        const std::string_view id(k.data() + 1, k.size() - 1);
        Status as = fingerprint::DecodeAccountState(std::string_view(v.data(), v.size()),
                                                    &engine->RestoreAccount(id));
        if (!as.ok()) {
          return Status(ErrorCode::kParseError,
                        "state " + dir + ": account " + std::string(id) + ": " + as.message());
        }
        ++rs.accounts;
        return Status::Ok();
      });
  if (!s.ok()) return s;

  s = ForEachPrefixed(db_.get(), kSeen, [&](const rocksdb::Slice&, const rocksdb::Slice& v) {
    for (size_t off = 0; off + 8 <= v.size(); off += 8) {
      uint64_t id = 0;
      std::memcpy(&id, v.data() + off, 8);
      engine->RestoreSeen(id);
      ++rs.seen_ids;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;

  std::string meta;
  rocksdb::Status ms = db_->Get(rocksdb::ReadOptions(), kMetaKey, &meta);
  if (ms.ok()) {
    Meta m;
    DecodeMeta(meta, &m);  // checked by Open
    engine->RestoreClock(m.clock);
  }
  // What the checkpoint covered is not a change to persist again.
  engine->TakeChanges();

  s = ForEachPrefixed(db_.get(), kJournal, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
    if (KeySeq(k) <= checkpoint_seq_) return Status::Ok();
    const pipeline::IngestStats st =
        engine->Ingest(std::string_view(v.data(), v.size()), 1, nullptr);
    ++rs.journal_batches;
    rs.journal_events += st.events;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return journal_->ForEach(checkpoint_seq_, [&](const JournalRecord& r) {
    const pipeline::IngestStats st = engine->Ingest(r.body, 1, nullptr);
    ++rs.journal_batches;
    rs.journal_events += st.events;
    return Status::Ok();
  });
}

Status StateStore::AppendBatch(std::string_view block, const SourcePosition* position) {
  const uint64_t seq = last_seq_ + 1;
  std::string pos;
  if (position != nullptr) {
    ByteWriter w(&pos);
    w.PutString(position->source);
    PutOffsets(*position, &w);
  }
  if (Status s = journal_->Append(seq, pos, block); !s.ok()) {
    return Status(s.code(), "state " + s.message());
  }
  if (position != nullptr) positions_[position->source] = *position;
  last_seq_ = seq;
  journal_bytes_ += block.size();
  ++journal_batches_;
  return Status::Ok();
}

std::optional<SourcePosition> StateStore::Position(const std::string& source) const {
  const auto it = positions_.find(source);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

PendingCheckpoint::PendingCheckpoint() = default;
PendingCheckpoint::~PendingCheckpoint() = default;

Status StateStore::MaybeCheckpoint(pipeline::OnlineEngine* engine, bool force) {
  Result<std::unique_ptr<PendingCheckpoint>> begun = BeginCheckpoint(engine, force);
  if (!begun.ok()) return begun.status();
  if (*begun == nullptr) return Status::Ok();
  WriteCheckpoint(begun->get());
  std::vector<std::string> remove;
  if (Status s = EndCheckpoint(std::move(begun).value(), &remove); !s.ok()) return s;
  return Journal::Remove(remove);
}

Result<std::unique_ptr<PendingCheckpoint>> StateStore::BeginCheckpoint(
    pipeline::OnlineEngine* engine, bool force) {
  if (checkpoint_begun_) {
    return Status(ErrorCode::kInvalidArgument,
                  "state " + options_.dir + ": a checkpoint is already being written");
  }
  if (!force && !CheckpointDue()) return std::unique_ptr<PendingCheckpoint>();
  if (last_seq_ == checkpoint_seq_ && !force) return std::unique_ptr<PendingCheckpoint>();
  auto pending = std::make_unique<PendingCheckpoint>();
  // Changes a failed checkpoint could not write go first: their journal was
  // not dropped, but this checkpoint drops it.
  pipeline::EngineChanges& changes = pending->changes;
  changes = std::move(pending_);
  pending_ = {};
  {
    pipeline::EngineChanges now = engine->TakeChanges();
    changes.accounts.insert(changes.accounts.end(), now.accounts.begin(), now.accounts.end());
    changes.response_ids.insert(changes.response_ids.end(), now.response_ids.begin(),
                                now.response_ids.end());
  }
  // Reserved for a typical account (half its state's bytes, zero runs) and
  // the ids: growing a batch of megabytes by doubling copies it again and
  // again under the ingest lock.
  pending->batch = std::make_unique<rocksdb::WriteBatch>(
      changes.accounts.size() * (sizeof(fingerprint::AccountState) / 2 + 64) +
      changes.response_ids.size() * 8 + 4096);
  rocksdb::WriteBatch& batch = *pending->batch;
  std::string buf;
  std::string key(1, kAccount);
  for (uint32_t i : changes.accounts) {
    fingerprint::EncodeAccountState(engine->table().state(i), &buf);
    key.resize(1);
    key += engine->table().id(i);
    batch.Put(key, buf);
  }
  const uint64_t seq = last_seq_;
  if (!changes.response_ids.empty()) {
    batch.Put(SeqKey(kSeen, seq),
              rocksdb::Slice(reinterpret_cast<const char*>(changes.response_ids.data()),
                             changes.response_ids.size() * 8));
  }
  // Seen-id lists older than those covering the filter's window go.
  if (!seen_lists_read_) {
    Status s =
        ForEachPrefixed(db_.get(), kSeen, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
          seen_lists_.emplace_back(KeySeq(k), v.size() / 8);
          return Status::Ok();
        });
    if (!s.ok()) {
      seen_lists_.clear();
      pending_ = std::move(changes);
      return s;
    }
    seen_lists_read_ = true;
  }
  // The lists after this checkpoint, if its write succeeds.
  std::vector<std::pair<uint64_t, uint64_t>>& kept = pending->seen_lists;
  uint64_t covered = changes.response_ids.size();
  for (size_t i = seen_lists_.size(); i-- > 0;) {
    if (seen_lists_[i].first == seq) {
      // This checkpoint's own list, stored by a forced checkpoint at the
      // same seq: replaced when there are new ids, kept as is otherwise.
      if (changes.response_ids.empty()) kept.push_back(seen_lists_[i]);
      continue;
    }
    if (covered >= options_.seen_ids) {
      batch.Delete(SeqKey(kSeen, seen_lists_[i].first));
    } else {
      covered += seen_lists_[i].second;
      kept.push_back(seen_lists_[i]);
    }
  }
  std::reverse(kept.begin(), kept.end());
  if (!changes.response_ids.empty()) kept.emplace_back(seq, changes.response_ids.size());
  Meta m;
  m.checkpoint_seq = seq;
  m.clock = engine->clock();
  buf.clear();
  EncodeMeta(m, &buf);
  batch.Put(kMetaKey, buf);
  for (const auto& [source, p] : positions_) {
    buf.clear();
    ByteWriter w(&buf);
    PutOffsets(p, &w);
    batch.Put(std::string(1, kPosition) + source, buf);
  }
  if (legacy_journal_) {
    batch.DeleteRange(SeqKey(kJournal, 0), SeqKey(kJournal, seq + 1));
    pending->drops_legacy_journal = true;
  }
  pending->seq = seq;
  // Later batches go to a new segment, which this checkpoint does not cover.
  pending->sealed_segments = journal_->Seal();
  pending->journal_bytes = journal_bytes_;
  pending->journal_batches = journal_batches_;
  journal_bytes_ = 0;
  journal_batches_ = 0;
  checkpoint_begun_ = true;
  return pending;
}

void StateStore::WriteCheckpoint(PendingCheckpoint* pending) {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  pending->written =
      FromRocks(db_->Write(wo, pending->batch.get()), "state " + options_.dir + ": checkpoint");
}

Status StateStore::EndCheckpoint(std::unique_ptr<PendingCheckpoint> pending,
                                 std::vector<std::string>* remove) {
  checkpoint_begun_ = false;
  if (!pending->written.ok()) {
    // Nothing was written: the sealed segments stay, and the changes and
    // the journal's size count again, so that the next checkpoint is due.
    pipeline::EngineChanges& c = pending->changes;
    c.accounts.insert(c.accounts.end(), pending_.accounts.begin(), pending_.accounts.end());
    c.response_ids.insert(c.response_ids.end(), pending_.response_ids.begin(),
                          pending_.response_ids.end());
    pending_ = std::move(c);
    journal_bytes_ += pending->journal_bytes;
    journal_batches_ += pending->journal_batches;
    return pending->written;
  }
  checkpoint_seq_ = pending->seq;
  seen_lists_ = std::move(pending->seen_lists);
  if (pending->drops_legacy_journal) legacy_journal_ = false;
  ++checkpoint_totals_.checkpoints;
  checkpoint_totals_.accounts += pending->changes.accounts.size();
  checkpoint_totals_.bytes += pending->batch->GetDataSize();
  // Every sealed segment holds only records the checkpoint covers.
  *remove = journal_->TakeSealed(pending->sealed_segments);
  return Status::Ok();
}

Status StateStore::PersistDecisions(const decide::DecisionStore& store) {
  std::lock_guard lock(decisions_mu_);
  const decide::DecisionStore::Changes c = store.Since(decision_cursor_, false);
  if (c.cursor == decision_cursor_ && store.applied_at() == applied_at_) return Status::Ok();
  rocksdb::WriteBatch batch;
  std::string buf;
  if (store.applied_at() != applied_at_) {
    ByteWriter(&buf).Put(store.applied_at());
    batch.Put(kAppliedKey, buf);
  }
  auto put = [&](const decide::Decision& d) {
    decide::EncodeDecision(d, &buf);
    batch.Put(SeqKey(kDecision, d.id), buf);
  };
  for (const decide::Decision* d : c.added) put(*d);
  for (uint64_t id : c.deleted) {
    if (const decide::Decision* d = store.Get(id)) put(*d);
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return FromRocks(s, "state " + options_.dir + ": decisions");
  decision_cursor_ = c.cursor;
  applied_at_ = store.applied_at();
  return Status::Ok();
}

Status StateStore::Snapshot(const std::string& dir) {
  rocksdb::Checkpoint* cp = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &cp);
  if (!s.ok()) return FromRocks(s, "snapshot " + dir);
  std::unique_ptr<rocksdb::Checkpoint> owned(cp);
  if (Status cs = FromRocks(owned->CreateCheckpoint(dir), "snapshot " + dir); !cs.ok()) return cs;
  return journal_->CopyTo(dir + "/journal");
}

StateInfo StateStore::Info() const {
  StateInfo info;
  info.checkpoint_seq = checkpoint_seq_;
  info.last_seq = last_seq_;
  rocksdb::DB* db = db_.get();
  ForEachPrefixed(db, kAccount, [&](const rocksdb::Slice&, const rocksdb::Slice&) {
    ++info.accounts;
    return Status::Ok();
  });
  ForEachPrefixed(db, kDecision, [&](const rocksdb::Slice&, const rocksdb::Slice& v) {
    decide::Decision d;
    ++info.decisions;
    if (decide::DecodeDecision(std::string_view(v.data(), v.size()), &d).ok() && d.active) {
      ++info.active_decisions;
    }
    return Status::Ok();
  });
  info.journal_batches = journal_batches_;
  info.journal_bytes = journal_bytes_;
  ForEachPrefixed(db, kSeen, [&](const rocksdb::Slice&, const rocksdb::Slice&) {
    ++info.seen_id_lists;
    return Status::Ok();
  });
  std::string meta;
  Meta m;
  if (db->Get(rocksdb::ReadOptions(), kMetaKey, &meta).ok() && DecodeMeta(meta, &m)) {
    info.watermark = m.clock.watermark;
  }
  return info;
}

Status StateStore::Dump(std::string* out) const {
  JsonWriter w(*out);
  Status s =
      ForEachPrefixed(db_.get(), kAccount, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
        fingerprint::AccountState a;
        const std::string_view id(k.data() + 1, k.size() - 1);
        Status as = fingerprint::DecodeAccountState(std::string_view(v.data(), v.size()), &a);
        if (!as.ok())
          return Status(ErrorCode::kParseError, "account " + std::string(id) + ": " + as.message());
        w.BeginObject().Key("account").String(id);
        w.Key("requests").Int(static_cast<int64_t>(a.requests));
        w.Key("first_seen").String(FormatRfc3339(a.first_time));
        w.Key("last_seen").String(FormatRfc3339(a.last_time));
        w.Key("digest").String(fmt::format("{:016x}", XXH3_64bits(v.data(), v.size())));
        w.EndObject();
        out->push_back('\n');
        return Status::Ok();
      });
  if (!s.ok()) return s;
  return ForEachPrefixed(db_.get(), kDecision, [&](const rocksdb::Slice&, const rocksdb::Slice& v) {
    decide::Decision d;
    Status ds = decide::DecodeDecision(std::string_view(v.data(), v.size()), &d);
    if (!ds.ok()) return ds;
    w.BeginObject().Key("decision").Int(static_cast<int64_t>(d.id));
    w.Key("account").String(d.account);
    w.Key("origin").String(decide::OriginName(d.origin));
    w.Key("action").String(decide::ActionName(d.action));
    w.Key("profile").String(d.profile);
    w.Key("start").String(FormatRfc3339(d.start));
    w.Key("active").Bool(d.active);
    w.EndObject();
    out->push_back('\n');
    return Status::Ok();
  });
}

Status RestoreSnapshot(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(from, ec) || !fs::exists(fs::path(from) / "CURRENT", ec)) {
    return {ErrorCode::kNotFound, "snapshot " + from + ": not a state snapshot (no CURRENT file)"};
  }
  if (fs::exists(to, ec) && !fs::is_empty(to, ec)) {
    return {ErrorCode::kInvalidArgument,
            "state " + to + ": exists and is not empty; refusing to overwrite"};
  }
  fs::create_directories(to, ec);
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) return {ErrorCode::kIoError, "restore " + from + " -> " + to + ": " + ec.message()};
  return Status::Ok();
}

}  // namespace hw::state
