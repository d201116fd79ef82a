#include "engine/serve/ingest.h"

#include <strings.h>
#include <zlib.h>

#include <filesystem>
#include <string_view>
#include <vector>

#include "engine/common/json_writer.h"
#include "engine/common/sha256.h"
#include "engine/serve/admin.h"
#include "engine/serve/log.h"
#include "engine/serve/mono_clock.h"
#include "engine/state/journal.h"

namespace hw::serve {

namespace {

// Inflates a gzip body into `out`, at most `limit` bytes. False when the body
// is not gzip or inflates past the limit.
bool Gunzip(std::string_view in, size_t limit, std::string* out, std::string* why) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    *why = "cannot start gzip decoding";
    return false;
  }
  out->clear();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  char buf[1 << 16];
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      *why = "body is not valid gzip";
      break;
    }
    out->append(buf, sizeof buf - z.avail_out);
    if (out->size() > limit) {
      *why = "inflated body exceeds " + std::to_string(limit) + " bytes";
      rc = Z_DATA_ERROR;
      break;
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      *why = "gzip body is truncated";
      rc = Z_DATA_ERROR;
      break;
    }
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END;
}

}  // namespace

IngestService::IngestService(const ServeConfig& config, const pipeline::EngineSpec& spec,
                             const decide::EnforcementPolicy& enforcement,
                             const decode::Registry* registry, DecisionService* decisions,
                             pipeline::OnlineOptions options, state::StateStore* state)
    : config_(config), decisions_(decisions), state_(state) {
  options.detect_inline = false;
  options.detect_on_copy = true;
  options.track_changes = state != nullptr;
  options.on_tokens = [decisions](std::string_view account, uint64_t tokens) {
    decisions->ChargeTokens(account, tokens);
  };
  engine_ = std::make_unique<pipeline::OnlineEngine>(
      spec, enforcement, registry, options,
      [decisions](const std::function<void(decide::DecisionStore&)>& fn) {
        decisions->Write([&](decide::DecisionStore& s) {
          fn(s);
          return 0;
        });
      });
  detector_ = std::thread([this] { DetectLoop(); });
}

uint64_t IngestService::ReadLatestRun(
    const std::function<void(const pipeline::OnlineEngine&)>& fn) {
  // The engine detects on a copy (see the constructor): the copy, the links
  // and the scores change only under detect_mu_, so ingest need not stop.
  std::lock_guard detect(detect_mu_);
  fn(*engine_);
  return engine_->detection_runs();
}

IngestService::~IngestService() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  due_cv_.notify_all();
  if (detector_.joinable()) detector_.join();
}

void IngestService::DetectLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    due_cv_.wait(lock, [&] { return stop_ || engine_->due_detection() != 0; });
    if (stop_) return;
    // Only the copy of the changed accounts holds up ingest; linking and
    // scoring run on the copy while batches keep coming (boundaries crossed
    // meanwhile coalesce into the next run).
    std::unique_lock detect(detect_mu_);
    const TimeUs at = engine_->PrepareDueDetection();
    if (at == 0) continue;
    lock.unlock();
    engine_->RunPreparedDetection(at);
    detect.unlock();
    lock.lock();
    std::lock_guard counters(counters_mu_);
    ++totals_.detections;
  }
}

Result<state::RecoveryStats> IngestService::Recover() {
  if (state_ == nullptr) return state::RecoveryStats{};
  std::lock_guard lock(mu_);
  std::lock_guard journal(journal_mu_);
  TimeUs applied_at = 0;
  Result<state::RecoveryStats> r = decisions_->Write([&](decide::DecisionStore& store) {
    auto d = state_->RecoverDecisions(&store);
    applied_at = store.applied_at();
    return d;
  });
  if (!r.ok()) return r;
  // Outside the decisions' lock: refolding charges token throttles, which
  // reads them.
  if (Status s = state_->RecoverEngine(engine_.get(), applied_at, &r.value()); !s.ok()) return s;
  decisions_->AdvanceWatermark(engine_->watermark());
  if (engine_->due_detection() != 0) due_cv_.notify_one();
  return r;
}

Status IngestService::Checkpoint() {
  if (state_ == nullptr) return Status::Ok();
  Status s;
  Quiesced([&] { s = TimedCheckpoint(/*force=*/true); });
  return s;
}

void IngestService::SetEnforcement(const decide::EnforcementPolicy& enforcement) {
  std::lock_guard lock(mu_);
  std::lock_guard detect(detect_mu_);
  engine_->SetEnforcement(enforcement);
}

void IngestService::RunDueDetection() {
  std::lock_guard lock(mu_);
  std::lock_guard detect(detect_mu_);
  const TimeUs at = engine_->PrepareDueDetection();
  if (at == 0) return;
  engine_->RunPreparedDetection(at);
  std::lock_guard counters(counters_mu_);
  ++totals_.detections;
}

void IngestService::Register(Router* admin) {
  admin->Add("ingest", Method::kPost, "/v1/events",
             [this](const Request& req, Response& resp) { Post(req, resp); });
  admin->Add("snapshot", Method::kPost, "/v1/state/snapshot",
             [this](const Request& req, Response& resp) { Snapshot(req, resp); });
}

IngestTotals IngestService::totals() const {
  IngestTotals t;
  {
    std::lock_guard counters(counters_mu_);
    t = totals_;
  }
  t.busy = busy_.load(std::memory_order_relaxed);
  t.state_errors = state_errors_.load(std::memory_order_relaxed);
  t.checkpoint_write_ns = checkpoint_write_ns_.load(std::memory_order_relaxed);
  t.queue_batches = static_cast<uint64_t>(in_flight_.load(std::memory_order_relaxed));
  t.queue_bytes = in_flight_bytes_.load(std::memory_order_relaxed);
  t.queue_waiting = waiting_.load(std::memory_order_relaxed);
  return t;
}

void IngestService::CountCheckpoint(uint64_t held_ns) {
  std::lock_guard counters(counters_mu_);
  totals_.checkpoints = state_->checkpoint_totals();
  totals_.checkpoint_ns += held_ns;
}

bool IngestService::Authorized(const Request& req) const {
  // The admin tokens in force, as the decisions API reads them (a SIGHUP
  // reload replaces them for every endpoint at once).
  return HasAdminToken(config_, req);
}

IngestService::Admission IngestService::Admit(std::string_view body,
                                              const state::SourcePosition* position, bool wait,
                                              uint64_t* ticket) {
  std::unique_lock lock(journal_mu_);
  // A due checkpoint must find every journaled batch folded: none is
  // journaled ahead of it.
  const auto admissible = [&] {
    if (quiescing_ > 0 || in_flight_ >= kMaxInFlight) return false;
    return in_flight_ == 0 || state_ == nullptr || !state_->CheckpointDue();
  };
  bool placed = admissible();
  if (!placed) {
    // Only a batch that found no place counts as waiting.
    waiting_.fetch_add(1, std::memory_order_relaxed);
    if (wait) {
      journal_cv_.wait(lock, admissible);
      placed = true;
    } else {
      placed = journal_cv_.wait_for(lock, kAdmitWait, admissible);
    }
    waiting_.fetch_sub(1, std::memory_order_relaxed);
  }
  if (!placed) return Admission::kBusy;
  if (state_ != nullptr) {
    // Journaled before folded: an answered batch survives a crash.
    if (Status s = state_->AppendBatch(body, position); !s.ok()) {
      state_errors_.fetch_add(1, std::memory_order_relaxed);
      LogEvent("state-error", s.message());
      return Admission::kJournalFailed;
    }
  }
  *ticket = ++journaled_;
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  in_flight_bytes_.fetch_add(body.size(), std::memory_order_relaxed);
  return Admission::kTicket;
}

TimeUs IngestService::FoldTurn(uint64_t ticket, std::string_view body, uint64_t first_line,
                               std::vector<pipeline::LineReject>* rejects,
                               pipeline::IngestStats* stats) {
  std::unique_lock lock(mu_);
  turn_cv_.wait(lock, [&] { return folded_ + 1 == ticket; });
  *stats = engine_->Ingest(body, first_line, rejects);
  std::unique_ptr<state::PendingCheckpoint> checkpoint;
  {
    std::lock_guard journal(journal_mu_);
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    in_flight_bytes_.fetch_sub(body.size(), std::memory_order_relaxed);
    // With a later batch journaled, the checkpoint waits for its fold: a
    // checkpoint covers the whole journal. One is written at a time.
    if (state_ != nullptr && in_flight_ == 0 && !state_->checkpoint_begun() &&
        state_->CheckpointDue()) {
      // The batch is journaled: a failed checkpoint loses nothing, the
      // journal only grows until the next one succeeds.
      const int64_t t0 = MonotonicNs();
      auto begun = state_->BeginCheckpoint(engine_.get());
      CountCheckpoint(static_cast<uint64_t>(MonotonicNs() - t0));
      if (!begun.ok()) {
        state_errors_.fetch_add(1, std::memory_order_relaxed);
        LogEvent("state-error", begun.status().message());
      } else {
        checkpoint = std::move(begun).value();
      }
    }
  }
  journal_cv_.notify_all();
  folded_ = ticket;
  turn_cv_.notify_all();
  decisions_->AdvanceWatermark(engine_->watermark());
  {
    std::lock_guard counters(counters_mu_);
    ++totals_.batches;
    totals_.lines += stats->lines;
    totals_.events += stats->events;
    totals_.rejected += stats->rejected;
    totals_.duplicates += stats->duplicates;
  }
  if (engine_->due_detection() != 0) due_cv_.notify_one();
  const TimeUs watermark = engine_->watermark();
  lock.unlock();
  // Written while later batches fold; this batch's answer waits for it.
  if (checkpoint != nullptr) WriteCheckpoint(std::move(checkpoint));
  return watermark;
}

void IngestService::WriteCheckpoint(std::unique_ptr<state::PendingCheckpoint> checkpoint) {
  const int64_t t0 = MonotonicNs();
  state_->WriteCheckpoint(checkpoint.get());
  std::vector<std::string> remove;
  Status s;
  {
    std::lock_guard journal(journal_mu_);
    s = state_->EndCheckpoint(std::move(checkpoint), &remove);
    CountCheckpoint(0);
  }
  journal_cv_.notify_all();
  if (s.ok()) s = state::Journal::Remove(remove);
  if (!s.ok()) {
    state_errors_.fetch_add(1, std::memory_order_relaxed);
    LogEvent("state-error", s.message());
  }
  checkpoint_write_ns_.fetch_add(static_cast<uint64_t>(MonotonicNs() - t0),
                                 std::memory_order_relaxed);
}

Status IngestService::TimedCheckpoint(bool force) {
  const int64_t t0 = MonotonicNs();
  Status s = state_->MaybeCheckpoint(engine_.get(), force);
  CountCheckpoint(static_cast<uint64_t>(MonotonicNs() - t0));
  return s;
}

void IngestService::Quiesced(const std::function<void()>& fn) {
  {
    std::unique_lock journal(journal_mu_);
    ++quiescing_;
    journal_cv_.wait(journal, [&] {
      return in_flight_ == 0 && (state_ == nullptr || !state_->checkpoint_begun());
    });
  }
  // No batch is in flight and none is admitted until quiescing_ falls, so
  // taking the locks in their order finds nothing half done.
  {
    std::lock_guard lock(mu_);
    std::lock_guard journal(journal_mu_);
    fn();
    --quiescing_;
  }
  journal_cv_.notify_all();
}

bool IngestService::IngestFrom(std::string_view block, const state::SourcePosition& after,
                               uint64_t first_line, std::vector<pipeline::LineReject>* rejects,
                               pipeline::IngestStats* stats) {
  uint64_t ticket = 0;
  if (Admit(block, after.source.empty() ? nullptr : &after, /*wait=*/true, &ticket) !=
      Admission::kTicket) {
    return false;
  }
  FoldTurn(ticket, block, first_line, rejects, stats);
  return true;
}

std::optional<state::SourcePosition> IngestService::Position(const std::string& source) const {
  if (state_ == nullptr) return std::nullopt;
  std::lock_guard lock(journal_mu_);
  return state_->Position(source);
}

void IngestService::Snapshot(const Request& req, Response& resp) {
  if (!Authorized(req)) {
    RefuseNonAdmin(req, resp);
    return;
  }
  if (state_ == nullptr) {
    resp.Error(409, "no state store configured (state.dir)");
    return;
  }
  std::string name;
  req.QueryParam("name", &name);
  const bool valid = !name.empty() && name.size() <= 64 && name[0] != '.' &&
                     name.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789._-") == std::string::npos;
  if (!valid) {
    resp.Error(400, "name: 1 to 64 of [A-Za-z0-9._-], not starting with '.'");
    return;
  }
  // Beside the state directory, never inside it (state.dir may end in '/'):
  // removing or restoring the state leaves its snapshots alone.
  std::string root = config_.state_dir;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  root += "-snapshots";
  const std::string dir = root + "/" + name;
  Status s;
  bool taken = false;
  {
    // With no batch in flight, after a checkpoint: the snapshot restores
    // without replaying a journal. A snapshot is never overwritten; checked
    // under the locks, so two requests for one name cannot both pass.
    Quiesced([&] {
      std::error_code ec;
      taken = std::filesystem::exists(dir, ec);
      if (!taken) s = TimedCheckpoint(/*force=*/true);
      if (!taken && s.ok()) {
        std::filesystem::create_directories(root, ec);
        s = state_->Snapshot(dir);
      }
    });
  }
  if (taken) {
    resp.Error(409, "name: snapshot " + dir + " exists (snapshots are never overwritten)");
    return;
  }
  if (!s.ok()) {
    resp.Error(500, s.message());
    return;
  }
  std::string& out = resp.body();
  out.clear();
  JsonWriter w(out);
  w.BeginObject().Key("snapshot").String(dir).EndObject();
  out.push_back('\n');
  resp.SetStatus(200);
  resp.SetContentType("application/json");
}

void IngestService::Post(const Request& req, Response& resp) {
  if (!Authorized(req)) {
    RefuseNonAdmin(req, resp);  // a bouncer key is a credential: 403, as on the decisions API
    return;
  }
  std::string_view body = req.body();
  std::string inflated;
  const std::string_view encoding = req.Header("content-encoding");
  if (!encoding.empty() && encoding != "identity") {
    if (strncasecmp(encoding.data(), "gzip", encoding.size()) != 0 || encoding.size() != 4) {
      resp.Error(415, "Content-Encoding must be gzip or identity");
      return;
    }
    std::string why;
    if (!Gunzip(body, config_.max_body_bytes * 16, &inflated, &why)) {
      resp.Error(why.find("exceeds") != std::string::npos ? 413 : 400, why);
      return;
    }
    body = inflated;
  }
  uint64_t ticket = 0;
  switch (Admit(body, nullptr, /*wait=*/false, &ticket)) {
    case Admission::kTicket:
      break;
    case Admission::kBusy:
      busy_.fetch_add(1, std::memory_order_relaxed);
      resp.Error(429, "the engine is busy: no place for the batch within " +
                          std::to_string(kAdmitWaitSeconds) +
                          " s (earlier batches are still folding, or a checkpoint or snapshot "
                          "is being written); retry");
      resp.AddHeader("Retry-After", kAdmitWaitSeconds);
      return;
    case Admission::kJournalFailed:
      resp.Error(503, "the state store cannot record the batch; retry later");
      resp.AddHeader("Retry-After", int64_t{5});
      return;
  }
  std::vector<pipeline::LineReject> rejects;
  pipeline::IngestStats st;
  const TimeUs watermark = FoldTurn(ticket, body, 1, &rejects, &st);

  std::string& out = resp.body();
  out.clear();
  JsonWriter w(out);
  w.BeginObject();
  w.Key("lines").Int(static_cast<int64_t>(st.lines));
  w.Key("accepted").Int(static_cast<int64_t>(st.events));
  w.Key("duplicates").Int(static_cast<int64_t>(st.duplicates));
  w.Key("rejected").Int(static_cast<int64_t>(st.rejected));
  w.Key("watermark").String(watermark ? FormatRfc3339(watermark) : "");
  w.Key("errors").BeginArray();
  for (size_t i = 0; i < rejects.size() && i < kMaxErrorsListed; ++i) {
    const auto& r = rejects[i];
    w.BeginObject().Key("line").Int(static_cast<int64_t>(r.line));
    w.Key("reason").String(decode::RejectReasonCode(r.reason));
    w.Key("message").String(r.message);
    w.EndObject();
  }
  w.EndArray();
  if (rejects.size() > kMaxErrorsListed) {
    w.Key("errors_not_listed").Int(static_cast<int64_t>(rejects.size() - kMaxErrorsListed));
  }
  w.EndObject();
  out.push_back('\n');
  resp.SetStatus(200);
  resp.SetContentType("application/json");
}

}  // namespace hw::serve
