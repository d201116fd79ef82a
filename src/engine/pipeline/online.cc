#include "engine/pipeline/online.h"

#include <algorithm>
#include <utility>

#include "engine/common/hash.h"
#include "engine/decode/line_source.h"
#include "engine/decode/reject_log.h"
#include "engine/decode/route_key.h"
#include "engine/features/scan_batch.h"

namespace hw::pipeline {

namespace {
// A period of zero or less would run detection before every event. Inline
// detection folds one event at a time (see OnlineOptions::fold_threads).
OnlineOptions Checked(OnlineOptions o) {
  if (o.detect_period <= 0) o.detect_period = kUsPerMinute;
  if (o.detect_inline || o.fold_threads < 1) o.fold_threads = 1;
  o.fold_threads = std::min(o.fold_threads, 64);  // LineRoute::worker, and sense
  return o;
}

uint64_t TokensOf(const Event& ev) noexcept {
  return static_cast<uint64_t>(std::max<int64_t>(ev.input_tokens, 0) +
                               std::max<int64_t>(ev.output_tokens, 0));
}

// Decode reads up to kPadding bytes past a line: lines that close to the end
// of the block (which is not padded) are decoded from a copy.
decode::DecodeResult DecodeIn(decode::Decoder& decoder, std::string_view block,
                              std::string_view line, Event* ev) noexcept {
  const size_t end = static_cast<size_t>(line.data() - block.data()) + line.size();
  return block.size() - end >= decode::kPadding ? decoder.Decode(line, ev)
                                                : decoder.DecodeUnpadded(line, ev);
}

LineReject MakeReject(uint64_t line_no, const decode::DecodeResult& r, std::string_view line) {
  return {line_no, r.reason, std::string(r.message),
          std::string(decode::Utf8Prefix(line, decode::kRejectExcerptBytes))};
}

enum class LineKind : uint8_t { kSkipped, kDuplicate, kFolded, kConflict };

// What a worker did with one of its lines, for the in-order pass.
struct LineFold {
  TimeUs time = 0;
  uint64_t response_id = 0;  // of a folded event
  uint64_t tokens = 0;       // of a folded event
  uint32_t account = 0;      // table index, or with `fresh` the worker's own
  LineKind kind = LineKind::kSkipped;
  bool fresh = false;  // an account first seen in this block
};

constexpr uint16_t kBlankLine = UINT16_MAX;
}  // namespace

// A line of the block being folded: where it is ('\r' removed), and which
// worker has it at which position of its list.
struct OnlineEngine::LineRoute {
  uint32_t begin = 0, end = 0;
  uint32_t id_begin = 0, id_size = 0;  // its raw user.id
  uint32_t pos = 0;
  uint16_t worker = kBlankLine;
};

// A fold thread's own decoder, extractor and outputs. It reads and writes
// only the states of the accounts routed to it: known ones in the engine's
// table (which nobody grows while workers run), new ones in `fresh`, which
// the in-order pass moves into the table in order of first sight.
struct OnlineEngine::FoldWorker {
  explicit FoldWorker(const features::RulePack& rules) : extractor(rules) {}
  decode::Decoder decoder;
  features::FeatureExtractor extractor;
  std::vector<uint32_t> lines;  // block line numbers (0-based), in order
  std::vector<LineFold> out;    // parallel to lines
  fingerprint::AccountTable fresh;
  std::vector<int64_t> fresh_index;  // table_ index of fresh account i, -1 before
  std::vector<LineReject> rejects;
  IngestStats stats;
  // The block's folds, applied after its rule scans (features::ScanBatch).
  struct Fold {
    fingerprint::AccountState* state;
    fingerprint::Observation ob;
  };
  std::vector<Fold> folds;
  features::ScanBatch scans;
};

OnlineEngine::OnlineEngine(const EngineSpec& spec, const decide::EnforcementPolicy& enforcement,
                           const decode::Registry* registry, const OnlineOptions& options,
                           StoreAccess access)
    : spec_(spec),
      registry_(registry),
      options_(Checked(options)),
      decider_(std::make_unique<decide::Decider>(enforcement)),
      access_(std::move(access)),
      extractor_(*spec.rules),
      dedup_(decode::DuplicateFilterOptions{options.dedup_capacity, 1}) {
  if (options_.fold_threads == 1) return;
  for (int i = 0; i < options_.fold_threads * kShardsPerFoldThread; ++i) {
    workers_.push_back(std::make_unique<FoldWorker>(*spec.rules));
  }
  // The caller's thread is the first fold thread.
  for (int i = 1; i < options_.fold_threads; ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
}

OnlineEngine::~OnlineEngine() {
  {
    std::lock_guard lock(fold_mu_);
    fold_stop_ = true;
  }
  fold_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

IngestStats OnlineEngine::Ingest(std::string_view block, uint64_t first_line,
                                 std::vector<LineReject>* rejects) {
  IngestStats st = workers_.empty() ? IngestSerial(block, first_line, rejects)
                                    : IngestParallel(block, first_line, rejects);
  ChargeBlockTokens();
  return st;
}

IngestStats OnlineEngine::IngestSerial(std::string_view block, uint64_t first_line,
                                       std::vector<LineReject>* rejects) {
  IngestStats st;
  uint64_t line_no = first_line;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t end = block.find('\n', pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(pos, end - pos);
    pos = end + 1;
    const uint64_t this_line = line_no++;
    ++st.lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (decode::IsBlankLine(line)) continue;
    IngestLine(block, line, this_line, &st, rejects);
  }
  return st;
}

void OnlineEngine::IngestLine(std::string_view block, std::string_view line, uint64_t line_no,
                              IngestStats* st, std::vector<LineReject>* rejects) {
  Event ev;
  const decode::DecodeResult r = DecodeIn(decoder_, block, line, &ev);
  if (!r.ok()) {
    ++st->rejected;
    if (rejects != nullptr) rejects->push_back(MakeReject(line_no, r, line));
    return;
  }
  CrossBoundary(ev.time, st);
  watermark_ = std::max(watermark_, ev.time);
  const uint32_t index = table_.Intern(ev.user_id);
  fingerprint::AccountState& state = table_.state(index);
  // Duplicates are dropped before they reach the state, the sampler's
  // request number included: a batch redelivered after a crash leaves the
  // state exactly as one delivery would (analyze's workers, which sample
  // before the in-order duplicate check, count them there).
  const uint64_t response_id = fingerprint::ResponseIdHash(ev.response_id);
  if (response_id != 0 && dedup_.SeenBeforeHash(response_id)) {
    ++st->duplicates;
    return;
  }
  features::RequestFeatures f;
  const bool scan = options_.sampler.ShouldScan(state.offered++, ev.time);
  extractor_.Extract(ev, &f, scan);
  const fingerprint::Observation ob = fingerprint::Observe(ev, f);
  state.Update(ob);
  dirty_ = true;
  NoteFolded(index, ob.response_id, TokensOf(ev));
  ++st->events;
}

void OnlineEngine::CrossBoundary(TimeUs time, IngestStats* st) {
  if (next_detect_ == 0) {
    next_detect_ = (FloorDiv(time, options_.detect_period) + 1) * options_.detect_period;
    return;
  }
  if (time < next_detect_) return;
  // Judge what came before this event at the boundary it crossed.
  if (dirty_ && options_.detect_inline) {
    Detect(next_detect_);
    ++st->detections;
  } else if (dirty_) {
    due_ = next_detect_;
    dirty_ = false;  // what came before is covered by the due run
  }
  next_detect_ = (FloorDiv(time, options_.detect_period) + 1) * options_.detect_period;
}

void OnlineEngine::NoteFolded(uint32_t index, uint64_t response_id, uint64_t tokens) {
  if (options_.detect_on_copy) {
    if (index >= copy_flag_.size()) copy_flag_.resize(index + 1, 0);
    if (!copy_flag_[index]) {
      copy_flag_[index] = 1;
      copy_changed_.push_back(index);
    }
  }
  if (options_.track_changes) {
    if (index >= changed_.size()) changed_.resize(index + 1, 0);
    if (!changed_[index]) {
      changed_[index] = 1;
      changes_.accounts.push_back(index);
    }
    if (response_id) changes_.response_ids.push_back(response_id);
  }
  if (tokens > 0 && options_.on_tokens) {
    if (index >= block_tokens_.size()) block_tokens_.resize(index + 1, 0);
    if (block_tokens_[index] == 0) token_accounts_.push_back(index);
    block_tokens_[index] += tokens;
  }
}

void OnlineEngine::ChargeBlockTokens() {
  for (uint32_t i : token_accounts_) {
    options_.on_tokens(table_.id(i), block_tokens_[i]);
    block_tokens_[i] = 0;
  }
  token_accounts_.clear();
}

bool OnlineEngine::RouteBlock(std::string_view block) {
  if (block.size() >= UINT32_MAX) return false;
  for (auto& w : workers_) w->lines.clear();
  routes_.clear();
  const size_t n = workers_.size();
  size_t pos = 0;
  while (pos < block.size()) {
    size_t end = block.find('\n', pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(pos, end - pos);
    LineRoute& r = routes_.emplace_back();
    r.begin = static_cast<uint32_t>(pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    r.end = r.begin + static_cast<uint32_t>(line.size());
    if (decode::IsBlankLine(line)) continue;
    // Escaped or missing: the raw bytes may not be the account the decoder
    // finds, so they cannot say which worker owns it.
    const std::string_view id = decode::RawUserId(line);
    if (id.empty() || id.find('\\') != std::string_view::npos) return false;
    r.id_begin = static_cast<uint32_t>(id.data() - block.data());
    r.id_size = static_cast<uint32_t>(id.size());
    r.worker = static_cast<uint16_t>(Hash64(id) % n);
    FoldWorker& w = *workers_[r.worker];
    r.pos = static_cast<uint32_t>(w.lines.size());
    w.lines.push_back(static_cast<uint32_t>(routes_.size() - 1));
  }
  return true;
}

void OnlineEngine::FoldRouted(FoldWorker* w, std::string_view block, uint64_t first_line) {
  w->out.assign(w->lines.size(), LineFold{});
  w->rejects.clear();
  w->stats = {};
  Event ev;
  features::RequestFeatures f;
  for (size_t i = 0; i < w->lines.size(); ++i) {
    const uint32_t k = w->lines[i];
    const LineRoute& r = routes_[k];
    LineFold& out = w->out[i];
    const std::string_view line = block.substr(r.begin, r.end - r.begin);
    const decode::DecodeResult d = DecodeIn(w->decoder, block, line, &ev);
    if (!d.ok()) {
      ++w->stats.rejected;
      w->rejects.push_back(MakeReject(first_line + k, d, line));
      continue;
    }
    // Another "user.id" ahead of the real one (nested): the account may be
    // another worker's; the in-order pass folds the line.
    if (ev.user_id != block.substr(r.id_begin, r.id_size)) {
      out.kind = LineKind::kConflict;
      continue;
    }
    out.time = ev.time;
    fingerprint::AccountState* state = nullptr;
    if (const int64_t known = table_.Find(ev.user_id); known >= 0) {
      out.account = static_cast<uint32_t>(known);
      state = &table_.state(static_cast<size_t>(known));
    } else {
      out.account = w->fresh.Intern(ev.user_id);
      out.fresh = true;
      state = &w->fresh.state(out.account);
    }
    // As in IngestLine: duplicates never reach the state.
    const uint64_t response_id = fingerprint::ResponseIdHash(ev.response_id);
    if (response_id != 0 && dedup_.SeenBeforeHash(response_id)) {
      ++w->stats.duplicates;
      out.kind = LineKind::kDuplicate;
      continue;
    }
    w->extractor.Fingerprint(ev, &f);
    if (options_.sampler.ShouldScan(state->offered++, ev.time)) {
      w->scans.Add(w->folds.size(), ev, block);
    }
    w->folds.push_back({state, fingerprint::Observe(ev, f)});
    out.kind = LineKind::kFolded;
    out.response_id = w->folds.back().ob.response_id;
    out.tokens = TokensOf(ev);
    ++w->stats.events;
  }
  // Nothing above reads what Update writes, so the block's folds can wait
  // for its scans; they are applied in line order.
  w->scans.Run(w->extractor, block, [w](size_t i) { return &w->folds[i].ob.features; });
  for (const FoldWorker::Fold& fold : w->folds) fold.state->Update(fold.ob);
  w->folds.clear();
}

void OnlineEngine::RunWorkers(std::string_view block, uint64_t first_line) {
  for (auto& w : workers_) w->fresh = fingerprint::AccountTable();
  {
    std::lock_guard lock(fold_mu_);
    fold_block_ = block;
    fold_first_line_ = first_line;
    fold_pending_ = static_cast<int>(threads_.size());
    next_shard_.store(0, std::memory_order_relaxed);
    ++fold_generation_;
  }
  fold_cv_.notify_all();
  TakeShards(block, first_line);
  std::unique_lock lock(fold_mu_);
  done_cv_.wait(lock, [&] { return fold_pending_ == 0; });
}

void OnlineEngine::TakeShards(std::string_view block, uint64_t first_line) {
  for (size_t k; (k = next_shard_.fetch_add(1, std::memory_order_relaxed)) < workers_.size();) {
    FoldRouted(workers_[k].get(), block, first_line);
  }
}

void OnlineEngine::WorkerLoop() {
  uint64_t seen = 0;
  std::unique_lock lock(fold_mu_);
  for (;;) {
    fold_cv_.wait(lock, [&] { return fold_stop_ || fold_generation_ != seen; });
    if (fold_stop_) return;
    seen = fold_generation_;
    const std::string_view block = fold_block_;
    const uint64_t first_line = fold_first_line_;
    lock.unlock();
    TakeShards(block, first_line);
    lock.lock();
    if (--fold_pending_ == 0) done_cv_.notify_one();
  }
}

IngestStats OnlineEngine::IngestParallel(std::string_view block, uint64_t first_line,
                                         std::vector<LineReject>* rejects) {
  if (!RouteBlock(block)) return IngestSerial(block, first_line, rejects);
  RunWorkers(block, first_line);
  IngestStats st;
  st.lines = routes_.size();
  st.parallel = true;
  const size_t rejects_before = rejects != nullptr ? rejects->size() : 0;
  for (auto& w : workers_) {
    st.events += w->stats.events;
    st.duplicates += w->stats.duplicates;
    st.rejected += w->stats.rejected;
    w->fresh_index.assign(w->fresh.size(), -1);
    if (rejects != nullptr) {
      for (LineReject& r : w->rejects) rejects->push_back(std::move(r));
    }
  }
  if (rejects != nullptr) {
    std::sort(rejects->begin() + static_cast<ptrdiff_t>(rejects_before), rejects->end(),
              [](const LineReject& a, const LineReject& b) { return a.line < b.line; });
  }
  // In block order: what IngestLine does besides decoding and folding.
  for (size_t k = 0; k < routes_.size(); ++k) {
    const LineRoute& r = routes_[k];
    if (r.worker == kBlankLine) continue;
    FoldWorker& w = *workers_[r.worker];
    const LineFold& out = w.out[r.pos];
    if (out.kind == LineKind::kSkipped) continue;
    if (out.kind == LineKind::kConflict) {
      IngestLine(block, block.substr(r.begin, r.end - r.begin), first_line + k, &st, rejects);
      continue;
    }
    CrossBoundary(out.time, &st);
    watermark_ = std::max(watermark_, out.time);
    uint32_t index = out.account;
    if (out.fresh) {
      int64_t& to = w.fresh_index[out.account];
      if (to < 0) {
        const size_t before = table_.size();
        to = table_.Intern(w.fresh.id(out.account));
        fingerprint::AccountState& s = table_.state(static_cast<size_t>(to));
        if (table_.size() > before) {
          s = w.fresh.state(out.account);
        } else {
          s.Merge(w.fresh.state(out.account));  // a conflicting line got there first
        }
      }
      index = static_cast<uint32_t>(to);
    }
    if (out.kind == LineKind::kDuplicate) continue;
    dirty_ = true;
    NoteFolded(index, out.response_id, out.tokens);
  }
  return st;
}

EngineChanges OnlineEngine::TakeChanges() {
  for (uint32_t i : changes_.accounts) changed_[i] = 0;
  EngineChanges out = std::move(changes_);
  changes_ = {};
  return out;
}

fingerprint::AccountState& OnlineEngine::RestoreAccount(std::string_view user_id) {
  const uint32_t index = table_.Intern(user_id);
  if (options_.detect_on_copy) {
    if (index >= copy_flag_.size()) copy_flag_.resize(index + 1, 0);
    if (!copy_flag_[index]) {
      copy_flag_[index] = 1;
      copy_changed_.push_back(index);
    }
  }
  return table_.state(index);
}

void OnlineEngine::RestoreClock(const EngineClock& c) noexcept {
  watermark_ = c.watermark;
  next_detect_ = c.next_detect;
  due_ = c.due;
  dirty_ = c.dirty;
  runs_ = c.runs;
}

bool OnlineEngine::RunDueDetection() {
  const TimeUs at = PrepareDueDetection();
  if (at == 0) return false;
  RunPreparedDetection(at);
  return true;
}

void OnlineEngine::SetEnforcement(const decide::EnforcementPolicy& enforcement) {
  decider_ = std::make_unique<decide::Decider>(enforcement);
}

TimeUs OnlineEngine::PrepareDueDetection() {
  const TimeUs at = due_;
  due_ = 0;
  if (at == 0 || !options_.detect_on_copy) return at;
  // Accounts first seen since the last copy take the same indices in the
  // copy; then the states changed since are copied over.
  for (size_t i = copy_.size(); i < table_.size(); ++i) copy_.Intern(table_.id(i));
  for (uint32_t i : copy_changed_) {
    copy_.state(i) = table_.state(i);
    copy_flag_[i] = 0;
  }
  copy_changed_.clear();
  return at;
}

DetectionRun OnlineEngine::Detect(TimeUs now) {
  dirty_ = false;
  due_ = 0;
  return RunPreparedDetection(now);
}

DetectionRun OnlineEngine::RunPreparedDetection(TimeUs now) {
  DetectionRun run;
  run.at = now;
  if (now <= skip_through_) return run;
  runs_.fetch_add(1, std::memory_order_relaxed);
  const fingerprint::AccountTable& t = detect_table();
  const size_t n = t.size();
  // Registry entries of accounts first seen since the last run.
  for (size_t i = infos_.size(); i < n; ++i) {
    infos_.push_back(registry_ != nullptr ? registry_->Find(t.id(i)) : nullptr);
  }
  // Partner intelligence is matched against the summaries as of this run.
  intel::Matches matches;
  if (!spec_.intel.empty()) matches = spec_.intel.Match(t);
  const intel::Matches* partner = spec_.intel.empty() ? nullptr : &matches;
  links_ = std::make_unique<link::LinkResult>(
      link::Linker(spec_.policy.link, spec_.frame_weights).Link(t, infos_, partner));
  scores_ = std::make_unique<score::ScoreResult>(
      score::Scorer(spec_.policy.score, spec_.vocabulary).Score(t, infos_, *links_, partner));

  std::vector<decide::Detection> detections;
  detections.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const score::AccountScore& a = scores_->accounts[i];
    decide::Detection d;
    d.account = t.id(i);
    if (infos_[i] != nullptr) d.organization = infos_[i]->organization;
    d.verdict = a.verdict;
    d.score = a.score;
    if (!a.reasons.empty()) d.reason = a.reasons.front();
    detections.push_back(d);
    run.attack_accounts += a.verdict == score::Verdict::kAttack;
    run.suspicious_accounts += a.verdict == score::Verdict::kSuspicious;
  }
  first_enforced_.resize(n);
  auto apply = [&](decide::DecisionStore& store) {
    store.Expire(now);
    run.applied = decider_->Apply(detections, now, &store);
    for (size_t i = 0; i < n; ++i) {
      if (first_enforced_[i]) continue;
      const decide::Enforced* e = store.Find(t.id(i), now);
      if (e == nullptr || e->action == decide::Action::kMonitor) continue;
      first_enforced_[i] = FirstEnforced{now, t.state(i).requests, e->action};
    }
  };
  if (access_) {
    access_(apply);
  } else {
    apply(store_);
  }
  last_run_at_ = now;
  run.accounts = n;
  run.campaigns = scores_->campaigns.size();
  for (const auto& c : scores_->campaigns) run.attack_campaigns += c.attack;
  return run;
}

}  // namespace hw::pipeline
