#include "engine/pipeline/online.h"

#include <algorithm>
#include <utility>

#include "engine/decode/line_source.h"
#include "engine/decode/reject_log.h"

namespace hw::pipeline {

namespace {
// A period of zero or less would run detection before every event.
OnlineOptions Checked(OnlineOptions o) {
  if (o.detect_period <= 0) o.detect_period = kUsPerMinute;
  return o;
}
}  // namespace

OnlineEngine::OnlineEngine(const EngineSpec& spec, const decide::EnforcementPolicy& enforcement,
                           const decode::Registry* registry, const OnlineOptions& options,
                           StoreAccess access)
    : spec_(spec),
      registry_(registry),
      options_(Checked(options)),
      decider_(std::make_unique<decide::Decider>(enforcement)),
      access_(std::move(access)),
      extractor_(*spec.rules),
      dedup_(decode::DuplicateFilterOptions{options.dedup_capacity, 1}) {}

OnlineEngine::~OnlineEngine() = default;

IngestStats OnlineEngine::Ingest(std::string_view block, uint64_t first_line,
                                 std::vector<LineReject>* rejects) {
  IngestStats st;
  Event ev;
  features::RequestFeatures f;
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
    // Decode reads up to kPadding bytes past a line: lines that close to the
    // end of the block (which is not padded) are decoded from a copy.
    const decode::DecodeResult r =
        block.size() - (static_cast<size_t>(line.data() - block.data()) + line.size()) >=
                decode::kPadding
            ? decoder_.Decode(line, &ev)
            : decoder_.DecodeUnpadded(line, &ev);
    if (!r.ok()) {
      ++st.rejected;
      if (rejects != nullptr) {
        rejects->push_back({this_line, r.reason, std::string(r.message),
                            std::string(decode::Utf8Prefix(line, decode::kRejectExcerptBytes))});
      }
      continue;
    }
    if (next_detect_ == 0) {
      next_detect_ = (FloorDiv(ev.time, options_.detect_period) + 1) * options_.detect_period;
    } else if (ev.time >= next_detect_) {
      // Judge what came before this event at the boundary it crossed.
      if (dirty_ && options_.detect_inline) {
        Detect(next_detect_);
        ++st.detections;
      } else if (dirty_) {
        due_ = next_detect_;
        dirty_ = false;  // what came before is covered by the due run
      }
      next_detect_ = (FloorDiv(ev.time, options_.detect_period) + 1) * options_.detect_period;
    }
    watermark_ = std::max(watermark_, ev.time);
    const uint32_t index = table_.Intern(ev.user_id);
    fingerprint::AccountState& state = table_.state(index);
    // Duplicates are dropped before they reach the state, the sampler's
    // request number included: a batch redelivered after a crash leaves the
    // state exactly as one delivery would (analyze's workers, which sample
    // before the in-order duplicate check, count them there).
    const uint64_t response_id = fingerprint::ResponseIdHash(ev.response_id);
    if (response_id != 0 && dedup_.SeenBeforeHash(response_id)) {
      ++st.duplicates;
      continue;
    }
    const bool scan = options_.sampler.ShouldScan(state.offered++, ev.time);
    extractor_.Extract(ev, &f, scan);
    const fingerprint::Observation ob = fingerprint::Observe(ev, f);
    state.Update(ob);
    dirty_ = true;
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
      if (ob.response_id) changes_.response_ids.push_back(ob.response_id);
    }
    ++st.events;
    if (options_.on_tokens) {
      const int64_t tokens =
          std::max<int64_t>(ev.input_tokens, 0) + std::max<int64_t>(ev.output_tokens, 0);
      if (tokens > 0) options_.on_tokens(ev.user_id, static_cast<uint64_t>(tokens));
    }
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
