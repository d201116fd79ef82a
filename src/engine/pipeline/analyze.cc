#include "engine/pipeline/analyze.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/common/hash.h"
#include "engine/common/json_writer.h"
#include "engine/common/output_file.h"
#include "engine/decode/decoder.h"
#include "engine/decode/dedup.h"
#include "engine/decode/line_source.h"
#include "engine/decode/registry.h"
#include "engine/decode/reject_log.h"
#include "engine/decode/route_key.h"
#include "engine/features/extractor.h"
#include "engine/features/rule_pack.h"
#include "engine/features/scan_batch.h"
#include "engine/fingerprint/account_table.h"
#include "engine/fingerprint/name_book.h"
#include "engine/link/linker.h"
#include "engine/pipeline/engine_spec.h"
#include "engine/policy/policy.h"
#include "engine/score/scorer.h"

namespace hw::pipeline {

namespace {

// Lets chunk k's rejected lines be written only after chunk k-1's.
class TurnGate {
 public:
  void Wait(uint64_t seq) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return next_ == seq; });
  }
  void Done() {
    {
      std::lock_guard lock(mu_);
      ++next_;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_ = 0;
};

struct Reject {
  uint64_t line;
  decode::RejectReason reason;
  std::string message;
  std::string excerpt;
};

// A line of a chunk: [begin, end) in Chunk::data(), its index among the
// chunk's lines, and where the reader found its raw user.id ([id_begin,
// id_begin + id_size), empty when none or with one shard): a hint for
// prefetching the account, never trusted as the id.
struct LineRef {
  uint32_t begin, end, index, id_begin, id_size;
};

// One chunk of input lines, handed to every worker with the lines of each
// shard listed by the reader. The last worker done returns it to the pool.
struct SharedChunk {
  decode::Chunk chunk;
  std::vector<std::vector<LineRef>> shard_lines;
  std::atomic<int> remaining{0};
  // Rejects per shard, written in line order by the last shard done.
  std::vector<std::vector<Reject>> rejects;
};

struct Job {
  uint64_t seq = 0;
  uint32_t file = 0;
  SharedChunk* chunk = nullptr;
};

// A bounded single-consumer queue of jobs.
class JobQueue {
 public:
  explicit JobQueue(size_t capacity) : capacity_(capacity) {}
  void Push(Job job) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_; });
    q_.push_back(job);
    not_empty_.notify_one();
  }
  std::optional<Job> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return std::nullopt;
    Job j = q_.front();
    q_.pop_front();
    not_full_.notify_one();
    return j;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Job> q_;
  bool closed_ = false;
};

// Chunk buffers, reused by the reader once every worker is done with them.
class ChunkPool {
 public:
  std::unique_ptr<SharedChunk> Take() {
    std::lock_guard lock(mu_);
    if (free_.empty()) return std::make_unique<SharedChunk>();
    std::unique_ptr<SharedChunk> c = std::move(free_.back());
    free_.pop_back();
    return c;
  }
  void Give(std::unique_ptr<SharedChunk> c) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(c));
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<SharedChunk>> free_;
};

// Chunks a worker may hold queued: lets one shard run ahead of the other
// while an account heavier than the rest fills its chunks.
constexpr size_t kQueueChunks = 4;

struct Shared {
  TurnGate gate;  // chunk order for the rejected-line output
  std::unique_ptr<OutputFile> rejected;
  Status rejected_status;
  const std::vector<std::string>* inputs = nullptr;
};

struct Pending {
  fingerprint::AccountState* state;
  fingerprint::Observation ob;
  uint32_t begin, end;  // the line in the chunk, to decode it again for an example prompt
};

// How many observations ahead of the duplicate check its memory is
// prefetched: enough to cover a cache miss with the checks in between.
constexpr size_t kPrefetchAhead = 8;

// Bounds of the text books (fingerprint::NameBook) per shard: model names,
// user agents, and one masked example prompt per repeated template.
constexpr size_t kModelNames = 256, kAgentNames = 4096, kNameBytes = 256;
constexpr size_t kExamples = 16384, kExampleBytes = 200;

// True when `tpl` is among the account's top templates with at least 2
// requests: only templates an account repeats get an example prompt, so
// one-off prompts neither cost a copy nor crowd the book.
bool RepeatedTemplate(const fingerprint::AccountState& s, uint64_t tpl) {
  bool repeated = false;
  s.top_templates.ForEach([&](const auto& e) { repeated |= e.key == tpl && e.count >= 2; });
  return repeated;
}

void AppendReject(std::string& out, const std::string& file, const Reject& r) {
  decode::AppendRejectJson(out, file == "-" ? "<stdin>" : file, r.line, r.reason, r.message,
                           r.excerpt);
}

// One account shard: decodes the lines of its accounts, extracts features
// and folds them into its own account table.
class Worker {
 public:
  Worker(uint32_t index, const features::RulePack& rules, const features::ContentSampler& sampler,
         size_t dedup_capacity, Shared& shared, ChunkPool& pool)
      : index_(index),
        extractor_(rules),
        sampler_(sampler),
        shared_(shared),
        pool_(pool),
        queue_(kQueueChunks),
        dedup_(decode::DuplicateFilterOptions{dedup_capacity, 1}) {}

  JobQueue& queue() { return queue_; }
  fingerprint::AccountTable& table() { return table_; }
  const report::RunSummary& summary() const { return summary_; }
  fingerprint::NameBook& models() { return models_; }
  fingerprint::NameBook& agents() { return agents_; }
  fingerprint::NameBook& examples() { return examples_; }

  void Run() {
    while (auto job = queue_.Pop()) Process(*job);
  }

 private:
  void Process(const Job& job) {
    pending_.clear();
    rejects_.clear();
    uint64_t lines = 0;
    SharedChunk& shared_chunk = *job.chunk;
    const decode::Chunk& chunk = shared_chunk.chunk;
    if (index_ == 0 && chunk.has_long_line()) {
      const auto& ll = chunk.long_line();
      rejects_.push_back({ll.line, decode::RejectReason::kTooLong,
                          "line too long: " + std::to_string(ll.bytes) + " bytes", ll.excerpt});
      ++lines;
    }
    const std::string_view data = chunk.data();
    Event ev;
    features::RequestFeatures f;
    const std::vector<LineRef>& refs = shared_chunk.shard_lines[index_];
    for (size_t k = 0; k < refs.size(); ++k) {
      const LineRef& ref = refs[k];
      if (k + 2 < refs.size()) {
        // The line after next of this shard: its first cache lines and its
        // last byte (read first, for a '\r'), which the hardware prefetcher
        // cannot guess (the other shards' lines lie between).
        const char* next = data.data() + refs[k + 2].begin;
        __builtin_prefetch(next);
        __builtin_prefetch(next + 64);
        __builtin_prefetch(next + 128);
        __builtin_prefetch(next + 192);
        __builtin_prefetch(data.data() + refs[k + 2].end - 1);
      }
      if (k + 1 < refs.size()) {
        // The next line's account entry, found from its id bytes (loaded by
        // the prefetch above one line ago).
        const LineRef& next = refs[k + 1];
        if (next.id_size != 0) table_.Prefetch(data.substr(next.id_begin, next.id_size));
      }
      std::string_view line = data.substr(ref.begin, ref.end - ref.begin);
      const uint64_t line_no = chunk.first_line() + ref.index;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++lines;
      if (decode::IsBlankLine(line)) continue;
      const decode::DecodeResult r = decoder_.Decode(line, &ev);
      if (!r.ok()) {
        rejects_.push_back({line_no, r.reason, std::string(r.message),
                            std::string(decode::Utf8Prefix(line, decode::kRejectExcerptBytes))});
        continue;
      }
      fingerprint::AccountState& state = table_.Get(ev.user_id);
      extractor_.Fingerprint(ev, &f);
      if (sampler_.ShouldScan(state.offered++, ev.time)) scans_.Add(pending_.size(), ev, data);
      pending_.push_back({&state, fingerprint::Observe(ev, f), ref.begin, ref.end});
      const fingerprint::Observation& ob = pending_.back().ob;
      models_.Note(ob.model, ev.model);
      agents_.Note(ob.user_agent, ev.user_agent);
    }
    // The chunk's rule scans, back to back, before any observation is folded.
    scans_.Run(extractor_, data, [&](size_t i) { return &pending_[i].ob.features; });
    // Duplicates: a redelivered request carries its account's id, so it is
    // in this shard; each shard remembers its own ids, in input order.
    uint64_t duplicates = 0;
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (i + kPrefetchAhead < pending_.size() && pending_[i + kPrefetchAhead].ob.response_id) {
        dedup_.Prefetch(pending_[i + kPrefetchAhead].ob.response_id);
      }
      const Pending& p = pending_[i];
      if (p.ob.response_id && dedup_.SeenBeforeHash(p.ob.response_id)) {
        ++duplicates;
      } else {
        p.state->Update(p.ob);
        const features::RequestFeatures& pf = p.ob.features;
        if (pf.prompt_template != 0 && pf.prompt_chars >= fingerprint::kMinTemplateChars &&
            RepeatedTemplate(*p.state, pf.prompt_template) &&
            examples_.Wants(pf.prompt_template, p.ob.time)) {
          OfferExample(data.substr(p.begin, p.end - p.begin), p.ob);
        }
      }
    }
    summary_.lines += lines;
    summary_.rejected += rejects_.size();
    summary_.duplicates += duplicates;
    summary_.events += pending_.size() - duplicates;
    std::vector<Reject>& slot = shared_chunk.rejects[index_];
    slot.clear();
    for (Reject& r : rejects_) slot.push_back(std::move(r));
    if (shared_chunk.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) Finish(job);
  }

  // Decodes an accepted line again (its text views died with the next line)
  // for the masked example prompt of its template.
  void OfferExample(std::string_view line, const fingerprint::Observation& ob) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Event ev;
    if (!decoder_.Decode(line, &ev).ok()) return;
    examples_.Offer(ob.features.prompt_template, ob.time,
                    fingerprint::MaskExcerpt(ev.prompt_text, kExampleBytes));
  }

  // Runs on the last shard done with a chunk: writes the chunk's rejected
  // lines in line order, chunks in input order, and recycles the buffer.
  void Finish(const Job& job) {
    SharedChunk& shared_chunk = *job.chunk;
    shared_.gate.Wait(job.seq);
    std::vector<Reject> all;
    for (auto& slot : shared_chunk.rejects) {
      for (Reject& r : slot) all.push_back(std::move(r));
      slot.clear();
    }
    if (!all.empty() && shared_.rejected && shared_.rejected_status.ok()) {
      std::stable_sort(all.begin(), all.end(),
                       [](const Reject& a, const Reject& b) { return a.line < b.line; });
      const std::string& file = (*shared_.inputs)[job.file];
      std::string out;
      for (const Reject& r : all) AppendReject(out, file, r);
      shared_.rejected_status = shared_.rejected->Write(out);
    }
    shared_.gate.Done();
    pool_.Give(std::unique_ptr<SharedChunk>(job.chunk));
  }

  const uint32_t index_;
  decode::Decoder decoder_;
  features::FeatureExtractor extractor_;
  const features::ContentSampler sampler_;
  fingerprint::AccountTable table_;
  Shared& shared_;
  ChunkPool& pool_;
  JobQueue queue_;
  decode::DuplicateFilter dedup_;
  report::RunSummary summary_;
  fingerprint::NameBook models_{kModelNames, kNameBytes};
  fingerprint::NameBook agents_{kAgentNames, kNameBytes};
  fingerprint::NameBook examples_{kExamples, kExampleBytes + 8};
  std::vector<Pending> pending_;
  features::ScanBatch scans_;
  std::vector<Reject> rejects_;
};

// Lists each shard's lines of a chunk: line breaks come from the line
// source, the shard from decode::RouteKey. Runs on the reader thread, once per
// line, so that workers never touch the lines of other shards.
void RouteLines(uint32_t shards, SharedChunk* c) {
  c->shard_lines.resize(shards);
  for (auto& v : c->shard_lines) v.clear();
  const std::string_view data = c->chunk.data();
  const std::vector<uint32_t>& ends = c->chunk.line_ends();
  uint32_t begin = 0;
  for (uint32_t i = 0; i < ends.size(); ++i) {
    // The key sits near a line's start, which the line scan has long
    // evicted: load the starts of the lines ahead meanwhile.
    if (shards > 1 && i + kPrefetchAhead < ends.size()) {
      __builtin_prefetch(data.data() + ends[i + kPrefetchAhead - 1] + 1);
    }
    const uint32_t end = ends[i];
    uint32_t shard = 0, id_begin = 0, id_size = 0;
    if (shards > 1) {
      const std::string_view id = decode::RawUserId(data.substr(begin, end - begin));
      shard = static_cast<uint32_t>(decode::RouteKeyOfId(id) % shards);
      if (!id.empty()) {
        id_begin = static_cast<uint32_t>(id.data() - data.data());
        id_size = static_cast<uint32_t>(id.size());
      }
    }
    c->shard_lines[shard].push_back(LineRef{begin, end, i, id_begin, id_size});
    begin = end + 1;
  }
}

}  // namespace

Result<AnalyzeOutcome> Analyze(const AnalyzeOptions& options) {
  AnalyzeOutcome outcome;
  if (options.inputs.empty()) return Status(ErrorCode::kInvalidArgument, "no input files");
  auto spec = LoadEngineSpec(options.rules_path, options.policy_path);
  if (!spec.ok()) return spec.status();
  if (!options.intel_paths.empty()) {
    auto warnings = LoadIntel(options.intel_paths, options.intel_salt, &spec.value());
    if (!warnings.ok()) return warnings.status();
    outcome.warnings = std::move(warnings).value();
    for (const intel::PartnerIntel& p : spec->intel.partners()) {
      outcome.intel_indicators += p.indicators.size();
      outcome.intel_skipped += p.skipped;
    }
  }
  const policy::Policy& policy = spec->policy;
  const features::RulePack& pack = *spec->rules;
  const score::Vocabulary& vocab = spec->vocabulary;
  // The registry is needed only by linking and scoring, so it is read after
  // the events: `simulate --out - --accounts FILE | analyze - --accounts FILE`
  // works although the simulator writes FILE while analyze starts. With files
  // as input a missing registry is an error before any work is done.
  const bool from_stdin =
      std::find(options.inputs.begin(), options.inputs.end(), "-") != options.inputs.end();
  if (!options.accounts_path.empty() && !from_stdin &&
      !std::ifstream(options.accounts_path).good()) {
    return Status(ErrorCode::kIoError, options.accounts_path + ": cannot open accounts registry");
  }
  if (Status s = MakeDirs(options.out_dir); !s.ok()) return s;

  Shared shared;
  shared.inputs = &options.inputs;
  auto rejected = OutputFile::Open(options.out_dir + "/rejected.jsonl");
  if (!rejected.ok()) return rejected.status();
  shared.rejected = std::move(rejected).value();

  ChunkPool pool;
  const auto n = static_cast<uint32_t>(std::max(1, options.threads));
  std::vector<std::unique_ptr<Worker>> workers;
  workers.reserve(n);
  for (uint32_t i = 0; i < n; ++i)
    workers.push_back(std::make_unique<Worker>(i, pack, options.sampler,
                                               std::max<size_t>(1024, options.dedup_capacity / n),
                                               shared, pool));
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& w : workers) threads.emplace_back([&w] { w->Run(); });

  Status read_status;
  uint64_t seq = 0;
  decode::LineSourceOptions lso;
  lso.chunk_bytes = options.chunk_bytes;
  for (uint32_t fi = 0; fi < options.inputs.size() && read_status.ok(); ++fi) {
    auto src = decode::LineSource::Open(options.inputs[fi], lso);
    if (!src.ok()) {
      read_status = src.status();
      break;
    }
    for (;;) {
      std::unique_ptr<SharedChunk> chunk = pool.Take();
      Status s = (*src)->Next(&chunk->chunk);
      if (!s.ok()) {
        read_status = s;
        break;
      }
      if (chunk->chunk.empty()) {
        pool.Give(std::move(chunk));
        // Empty before the end while the source skips a too-long line: its
        // reject comes with the next chunk.
        if ((*src)->eof()) break;
        continue;
      }
      chunk->remaining.store(static_cast<int>(n), std::memory_order_relaxed);
      chunk->rejects.resize(n);
      RouteLines(n, chunk.get());
      // Every worker gets every chunk; the last one done gives it back.
      SharedChunk* raw = chunk.release();
      for (auto& w : workers) w->queue().Push(Job{seq, fi, raw});
      ++seq;
    }
  }
  for (auto& w : workers) w->queue().Close();
  for (auto& t : threads) t.join();
  Status close = shared.rejected->Close();
  if (!read_status.ok()) return read_status;
  if (!shared.rejected_status.ok()) return shared.rejected_status;
  if (!close.ok()) return close;

  // Merge shards in a fixed order.
  report::RunSummary summary;
  for (const auto& w : workers) {
    summary.lines += w->summary().lines;
    summary.events += w->summary().events;
    summary.rejected += w->summary().rejected;
    summary.duplicates += w->summary().duplicates;
  }
  fingerprint::AccountTable& table = workers[0]->table();
  for (uint32_t i = 1; i < n; ++i) {
    table.Merge(workers[i]->table());
    workers[0]->models().Merge(workers[i]->models());
    workers[0]->agents().Merge(workers[i]->agents());
    workers[0]->examples().Merge(workers[i]->examples());
  }
  table.SortById();
  for (size_t i = 0; i < table.size(); ++i) summary.out_of_order += table.state(i).out_of_order;

  std::optional<decode::Registry> registry;
  if (!options.accounts_path.empty()) {
    auto reg = decode::Registry::Load(options.accounts_path);
    if (!reg.ok()) return reg.status();
    registry = std::move(reg).value();
    for (size_t i = 0; i < registry->errors().size() && i < 20; ++i) {
      outcome.warnings.push_back(registry->errors()[i].message);
    }
    if (registry->errors().size() > 20) {
      outcome.warnings.push_back(std::to_string(registry->errors().size() - 20) +
                                 " more registry errors");
    }
  }
  std::vector<const decode::AccountInfo*> infos(table.size(), nullptr);
  if (registry) {
    for (size_t i = 0; i < table.size(); ++i) infos[i] = registry->Find(table.id(i));
  }
  intel::Matches matches;
  if (!spec->intel.empty()) matches = spec->intel.Match(table);
  outcome.intel_matched_accounts = matches.matched_accounts;
  const intel::Matches* partner = spec->intel.empty() ? nullptr : &matches;
  const link::LinkResult links =
      link::Linker(policy.link, spec->frame_weights).Link(table, infos, partner);
  const score::ScoreResult scores =
      score::Scorer(policy.score, vocab).Score(table, infos, links, partner);

  summary.inputs = options.inputs;
  summary.policy_name = policy.name;
  summary.rules_name = pack.name();
  report::RunView view{table, infos, links, scores, policy, summary};
  view.model_names = &workers[0]->models();
  view.agent_names = &workers[0]->agents();
  view.examples = &workers[0]->examples();
  view.vocabulary = &vocab;
  if (Status s = report::WriteAll(view, options.out_dir); !s.ok()) return s;

  outcome.summary = summary;
  outcome.accounts = table.size();
  outcome.campaigns = scores.campaigns.size();
  for (const auto& c : scores.campaigns) outcome.attack_campaigns += c.attack;
  for (const auto& a : scores.accounts) {
    outcome.attack_accounts += a.verdict == score::Verdict::kAttack;
    outcome.suspicious_accounts += a.verdict == score::Verdict::kSuspicious;
  }
  return outcome;
}

}  // namespace hw::pipeline
