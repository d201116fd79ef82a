#include "engine/pipeline/online.h"

#include <algorithm>
#include <utility>

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
                           const decode::Registry* registry, OnlineOptions options,
                           StoreAccess access)
    : spec_(spec),
      registry_(registry),
      options_(Checked(options)),
      decider_(enforcement),
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
    const decode::DecodeResult r = decoder_.Decode(line, &ev);
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
    fingerprint::AccountState& state = table_.Get(ev.user_id);
    extractor_.Extract(ev, &f, options_.sampler.ShouldScan(state.offered++, ev.time));
    const fingerprint::Observation ob = fingerprint::Observe(ev, f);
    if (ob.response_id && dedup_.SeenBeforeHash(ob.response_id)) {
      ++st.duplicates;
      continue;
    }
    state.Update(ob);
    dirty_ = true;
    ++st.events;
    if (options_.on_tokens) {
      const int64_t tokens =
          std::max<int64_t>(ev.input_tokens, 0) + std::max<int64_t>(ev.output_tokens, 0);
      if (tokens > 0) options_.on_tokens(ev.user_id, static_cast<uint64_t>(tokens));
    }
  }
  return st;
}

bool OnlineEngine::RunDueDetection() {
  if (due_ == 0) return false;
  const TimeUs at = due_;
  due_ = 0;
  Detect(at);
  return true;
}

DetectionRun OnlineEngine::Detect(TimeUs now) {
  DetectionRun run;
  run.at = now;
  ++runs_;
  dirty_ = false;
  due_ = 0;
  const size_t n = table_.size();
  // Registry entries of accounts first seen since the last run.
  for (size_t i = infos_.size(); i < n; ++i) {
    infos_.push_back(registry_ != nullptr ? registry_->Find(table_.id(i)) : nullptr);
  }
  links_ = std::make_unique<link::LinkResult>(
      link::Linker(spec_.policy.link, spec_.frame_weights).Link(table_, infos_));
  scores_ = std::make_unique<score::ScoreResult>(
      score::Scorer(spec_.policy.score, spec_.vocabulary).Score(table_, infos_, *links_));

  std::vector<decide::Detection> detections;
  detections.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const score::AccountScore& a = scores_->accounts[i];
    decide::Detection d;
    d.account = table_.id(i);
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
    run.applied = decider_.Apply(detections, now, &store);
    for (size_t i = 0; i < n; ++i) {
      if (first_enforced_[i]) continue;
      const decide::Enforced* e = store.Find(table_.id(i), now);
      if (e == nullptr || e->action == decide::Action::kMonitor) continue;
      first_enforced_[i] = FirstEnforced{now, table_.state(i).requests, e->action};
    }
  };
  if (access_) {
    access_(apply);
  } else {
    apply(store_);
  }
  run.accounts = n;
  run.campaigns = scores_->campaigns.size();
  for (const auto& c : scores_->campaigns) run.attack_campaigns += c.attack;
  return run;
}

}  // namespace hw::pipeline
