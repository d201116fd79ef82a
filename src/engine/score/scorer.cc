#include "engine/score/scorer.h"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hw::score {

namespace {

using fingerprint::AccountState;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  return v[mid];
}

uint32_t ActiveDays(const AccountState& s) {
  uint32_t n = 0;
  for (uint32_t d : s.days) n += d > 0;
  return std::max<uint32_t>(n, 1);
}

uint32_t PeakDay(const AccountState& s) { return *std::max_element(s.days.begin(), s.days.end()); }

double HourEntropy(const AccountState& s) {
  const double total = std::accumulate(s.hours.begin(), s.hours.end(), 0.0);
  if (total <= 0) return 0;
  double h = 0;
  for (uint32_t c : s.hours) {
    if (c) {
      const double p = c / total;
      h -= p * std::log(p);
    }
  }
  return h / std::log(24.0);
}

bool IsProgramTier(const decode::AccountInfo* info) {
  if (!info) return false;
  const bool program = info->tier == decode::Tier::kEducation ||
                       info->tier == decode::Tier::kResearch ||
                       info->tier == decode::Tier::kStartup;
  const bool weak = info->verification == decode::Verification::kNone ||
                    info->verification == decode::Verification::kEmail ||
                    info->verification == decode::Verification::kUnknown;
  return program && weak;
}

std::string Percent(double x) { return fmt::format("{:.0f}%", 100 * x); }

// A group only partner edges hold together is `attack` only with at least
// this many members whose own score reaches member_floor (the default
// min_campaign_accounts): intelligence may add accounts to a campaign, it
// never makes one. A count, not a median, so that the young accounts a
// partner names early cannot outvote a campaign's core.
constexpr size_t kOwnEvidenceMembers = 3;

// What a set of matches says about one partner, for reasons.
struct PartnerSummary {
  uint32_t partner = 0;
  std::vector<uint32_t> indicators;  // distinct, ascending
  std::vector<uint32_t> campaigns;   // partner campaigns they indicate, ascending
  uint32_t accounts = 0;             // accounts with at least one match
};

// Folds the matches of `accounts` into one summary per partner, by partner.
template <typename Accounts>
std::vector<PartnerSummary> SummarizePartners(const intel::Matches& matches,
                                              const Accounts& accounts) {
  std::vector<PartnerSummary> out;
  if (matches.intel == nullptr) return out;
  const auto& partners = matches.intel->partners();
  for (uint32_t a : accounts) {
    uint32_t last_partner = UINT32_MAX;
    for (const intel::Match& m : matches.of(a)) {
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const PartnerSummary& p) { return p.partner == m.partner; });
      if (it == out.end()) {
        out.push_back(PartnerSummary{m.partner, {}, {}, 0});
        it = out.end() - 1;
      }
      if (m.partner != last_partner) ++it->accounts;
      last_partner = m.partner;
      it->indicators.push_back(m.indicator);
      const auto& cs = partners[m.partner].indicators[m.indicator].campaigns;
      it->campaigns.insert(it->campaigns.end(), cs.begin(), cs.end());
    }
  }
  for (PartnerSummary& p : out) {
    for (auto* v : {&p.indicators, &p.campaigns}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
  }
  std::sort(out.begin(), out.end(),
            [](const PartnerSummary& a, const PartnerSummary& b) { return a.partner < b.partner; });
  return out;
}

// "matches 3 indicators shared by Acme AI (campaign NAME)".
std::string PartnerPhrase(const intel::Matches& matches, const PartnerSummary& p) {
  const intel::PartnerIntel& intel = matches.intel->partners()[p.partner];
  std::string s = fmt::format("{} {} shared by {}", p.indicators.size(),
                              p.indicators.size() == 1 ? "indicator" : "indicators", intel.partner);
  if (p.campaigns.empty()) return s;
  s += p.campaigns.size() == 1 ? " (campaign " : " (campaigns ";
  for (size_t k = 0; k < p.campaigns.size() && k < 2; ++k) {
    if (k) s += p.campaigns.size() == 2 ? " and " : ", ";
    s += intel.campaigns[p.campaigns[k]].name;
  }
  if (p.campaigns.size() > 2) s += fmt::format(" and {} more", p.campaigns.size() - 2);
  return s + ")";
}

}  // namespace

const char* VerdictName(Verdict v) noexcept {
  switch (v) {
    case Verdict::kBenign:
      return "benign";
    case Verdict::kSuspicious:
      return "suspicious";
    case Verdict::kAttack:
      return "attack";
  }
  return "benign";
}

double Scorer::Ramp(double x, double low, double high) noexcept {
  if (low > 0 && high / low >= 4) {
    x = x > 0 ? std::log(x) : std::log(low) - 10;
    low = std::log(low);
    high = std::log(high);
  }
  const double mid = (low + high) / 2;
  const double k = 2 * std::log(9.0) / (high - low);
  return 1 / (1 + std::exp(-k * (x - mid)));
}

Scorer::Scorer(const policy::ScorePolicy& policy, Vocabulary vocabulary)
    : policy_(policy), vocab_(std::move(vocabulary)) {
  frame_weight_.assign(vocab_.frames.size(), 0);
  for (size_t i = 0; i < vocab_.frames.size(); ++i) {
    for (const auto& [name, w] : policy_.elicitation_frames) {
      if (name == vocab_.frames[i]) frame_weight_[i] = w;
    }
  }
  target_capability_.assign(vocab_.capabilities.size(), false);
  for (size_t i = 0; i < vocab_.capabilities.size(); ++i) {
    for (const auto& name : policy_.target_capabilities) {
      if (name == vocab_.capabilities[i]) target_capability_[i] = true;
    }
  }
}

ScoreResult Scorer::Score(const fingerprint::AccountTable& table,
                          const std::vector<const decode::AccountInfo*>& infos,
                          const link::LinkResult& links, const intel::Matches* partner) const {
  const size_t n = table.size();
  ScoreResult out;
  out.accounts.resize(n);

  // Models that appeared after the log began (new releases) and when.
  TimeUs log_start = INT64_MAX;
  std::vector<std::pair<uint64_t, TimeUs>> model_first;
  for (size_t i = 0; i < n; ++i) {
    const AccountState& s = table.state(i);
    log_start = std::min(log_start, s.first_time);
    for (const auto& m : s.models) {
      if (!m.count) continue;
      auto it = std::find_if(model_first.begin(), model_first.end(),
                             [&](const auto& x) { return x.first == m.model; });
      if (it == model_first.end()) {
        model_first.emplace_back(m.model, m.first);
      } else {
        it->second = std::min(it->second, m.first);
      }
    }
  }

  // A model first seen more than a day into the log is a new release: only
  // then can a rush to one be measured.
  const bool new_model_in_log =
      std::any_of(model_first.begin(), model_first.end(),
                  [&](const auto& m) { return m.second - log_start > kUsPerDay; });
  // Whether an account's ramp from sign-up to full usage can be seen: it
  // needs a sign-up time and a first request after the log's first day.
  auto ramp_measurable = [&](size_t i) {
    const decode::AccountInfo* info = i < infos.size() ? infos[i] : nullptr;
    return info && info->created != INT64_MIN && table.state(i).first_time - log_start >= kUsPerDay;
  };

  // Raw account measurements by feature name.
  auto measure = [&](size_t i, const std::string& name) -> double {
    const AccountState& s = table.state(i);
    const double req = static_cast<double>(std::max<uint64_t>(s.requests, 1));
    if (name == "elicitation") {
      double e = 0;
      for (size_t f = 0; f < frame_weight_.size() && f < s.frames.size(); ++f)
        e += frame_weight_[f] * s.frames[f];
      return std::min(1.0, e / s.ScannedOr1());
    }
    if (name == "capability_focus") {
      std::vector<uint32_t> t;
      for (size_t c = 0; c < target_capability_.size(); ++c) {
        if (target_capability_[c]) t.push_back(s.capabilities[c]);
      }
      std::sort(t.rbegin(), t.rend());
      const double top2 = (t.size() > 0 ? t[0] : 0) + (t.size() > 1 ? t[1] : 0);
      return top2 / s.ScannedOr1();
    }
    if (name == "volume") return req / ActiveDays(s);
    if (name == "template_reuse") {
      // Over the requests that carry a template: short prompts have none.
      if (s.templated < 10) return 0;
      return std::max(0.0, 1 - s.prompt_templates.Estimate() / s.templated);
    }
    if (name == "output_ratio") {
      return s.input_tokens
                 ? static_cast<double>(s.output_tokens) / static_cast<double>(s.input_tokens)
                 : 0;
    }
    if (name == "max_tokens") {
      return s.max_tokens_requests ? static_cast<double>(s.max_tokens_sum) / s.max_tokens_requests
                                   : 0;
    }
    if (name == "fast_ramp") {
      const decode::AccountInfo* info = i < infos.size() ? infos[i] : nullptr;
      // Only an account that signed up shortly before its first request shows a ramp.
      if (!info || info->created == INT64_MIN || info->created < s.first_time - 7 * kUsPerDay)
        return 0;
      if (s.first_time - log_start < kUsPerDay)
        return 0;  // active from the log's start: ramp unseen
      const int64_t d0 = FloorDiv(s.first_time, kUsPerDay);
      const double peak = PeakDay(s);
      if (peak < 5) return 0;
      return std::min(1.0, (s.DayCount(d0) + s.DayCount(d0 + 1)) / (2 * peak));
    }
    if (name == "flat_hours") return s.requests >= 48 ? HourEntropy(s) : 0;
    if (name == "throttled") return s.throttled / req;
    if (name == "new_model_rush") {
      double rush = 0;
      for (const auto& m : s.models) {
        if (!m.count) continue;
        for (const auto& [model, first] : model_first) {
          if (model == m.model && first - log_start > kUsPerDay && m.first - first <= kUsPerDay)
            rush += m.count;
        }
      }
      return rush / req;
    }
    if (name == "program_tier") return IsProgramTier(i < infos.size() ? infos[i] : nullptr) ? 1 : 0;
    return 0;
  };

  const auto& af = policy_.account_features;
  double aw_total = 0;
  for (const auto& f : af) aw_total += f.weight;
  for (size_t i = 0; i < n; ++i) {
    AccountScore& a = out.accounts[i];
    double sum = 0;
    for (const auto& f : af) {
      FeatureValue v;
      v.value = measure(i, f.name);
      v.ramped = Ramp(v.value, f.low, f.high);
      v.weight = f.weight;
      sum += v.ramped * f.weight;
      a.features.push_back(v);
    }
    a.score = aw_total > 0 ? sum / aw_total : 0;
  }

  // Campaigns.
  const auto& cf = policy_.campaign_features;
  std::vector<CampaignScore> campaigns;
  for (uint32_t c = 0; c < links.components.size(); ++c) {
    const link::Component& comp = links.components[c];
    CampaignScore cs;
    cs.component = c;
    cs.first_seen = INT64_MAX;
    cs.last_seen = INT64_MIN;
    std::vector<double> volumes, scores;
    double elicitation = 0, focus = 0, ramp = 0, rush = 0;
    bool ramp_seen = false;
    std::vector<double> caps(vocab_.capabilities.size(), 0), frames(vocab_.frames.size(), 0);
    std::vector<std::pair<TimeUs, uint32_t>> created;
    std::vector<std::string> payments;
    for (uint32_t m : comp.members) {
      const AccountState& s = table.state(m);
      const double req = static_cast<double>(s.requests);
      cs.requests += s.requests;
      cs.first_seen = std::min(cs.first_seen, s.first_time);
      cs.last_seen = std::max(cs.last_seen, s.last_time);
      const auto& fv = out.accounts[m].features;
      auto value_of = [&](const char* name) {
        for (size_t k = 0; k < af.size(); ++k) {
          if (af[k].name == name) return fv[k].value;
        }
        return measure(m, name);
      };
      elicitation += value_of("elicitation") * req;
      focus += value_of("capability_focus") * req;
      rush += value_of("new_model_rush") * req;
      ramp += value_of("fast_ramp");
      ramp_seen = ramp_seen || ramp_measurable(m);
      volumes.push_back(value_of("volume"));
      scores.push_back(out.accounts[m].score);
      // Sampled counts scaled to estimates over all of the account's requests.
      const double scale = s.ScanScale();
      for (size_t k = 0; k < caps.size() && k < s.capabilities.size(); ++k)
        caps[k] += s.capabilities[k] * scale;
      for (size_t k = 0; k < frames.size() && k < s.frames.size(); ++k)
        frames[k] += s.frames[k] * scale;
      const decode::AccountInfo* info = m < infos.size() ? infos[m] : nullptr;
      if (info && info->created != INT64_MIN) created.emplace_back(info->created, m);
      payments.push_back(info && !(info->verification == decode::Verification::kEnterprise &&
                                   !info->organization.empty())
                             ? info->payment
                             : std::string());
    }
    const double total_req = std::max(1.0, static_cast<double>(cs.requests));
    const double members = static_cast<double>(comp.members.size());
    // Share of members whose (non-company) card another member also uses.
    double shared_payment = 0;
    {
      std::vector<std::string> sorted = payments;
      std::sort(sorted.begin(), sorted.end());
      for (const auto& pay : payments) {
        if (pay.empty()) continue;
        const auto range = std::equal_range(sorted.begin(), sorted.end(), pay);
        if (range.second - range.first >= 2) shared_payment += 1;
      }
      shared_payment /= members;
    }
    double burst = 0;
    {
      std::sort(created.begin(), created.end());
      const TimeUs window = 48 * kUsPerHour;
      for (size_t k = 0; k < created.size(); ++k) {
        const bool near =
            (k > 0 && created[k].first - created[k - 1].first <= window) ||
            (k + 1 < created.size() && created[k + 1].first - created[k].first <= window);
        burst += near;
      }
      burst /= members;
    }
    auto campaign_measure = [&](const std::string& name) -> double {
      if (name == "size") return members;
      if (name == "elicitation") return elicitation / total_req;
      if (name == "template_sharing") return comp.template_similarity;
      if (name == "synchrony") return comp.synchrony;
      if (name == "profile") {
        return comp.local_edges ? static_cast<double>(comp.local_profile_edges) / comp.local_edges
                                : 0;
      }
      if (name == "shared_payment") return shared_payment;
      if (name == "signup_burst") return burst;
      if (name == "capability_focus") return focus / total_req;
      if (name == "volume") return Median(volumes);
      if (name == "account_score") return Median(scores);
      if (name == "fast_ramp") return ramp / members;
      if (name == "new_model_rush") return rush / total_req;
      return 0;
    };
    auto campaign_measured = [&](const std::string& name) {
      if (name == "synchrony") return comp.synchrony_edges > 0;
      if (name == "new_model_rush") return new_model_in_log;
      if (name == "fast_ramp") return ramp_seen;
      return true;
    };
    double sum = 0, weights = 0;
    for (const auto& f : cf) {
      FeatureValue v;
      v.value = campaign_measure(f.name);
      v.ramped = Ramp(v.value, f.low, f.high);
      v.weight = f.weight;
      v.measured = campaign_measured(f.name);
      if (v.measured) {
        sum += v.ramped * f.weight;
        weights += f.weight;
      }
      cs.features.push_back(v);
    }
    cs.score = weights > 0 ? sum / weights : 0;
    // Accounts in organisations that declare two or more of the group's
    // members: a group made of a few customers' own fleets is still declared.
    std::string declared_org;
    double declared_share = 0;
    {
      absl::flat_hash_map<std::string_view, uint32_t> orgs;
      uint32_t best = 0;
      for (uint32_t m : comp.members) {
        const decode::AccountInfo* info = m < infos.size() ? infos[m] : nullptr;
        if (!info || info->organization.empty()) continue;
        const uint32_t c = ++orgs[info->organization];
        if (c > best || (c == best && info->organization < declared_org)) {
          best = c;
          declared_org = info->organization;
        }
      }
      uint32_t declared = 0;
      for (const auto& [org, count] : orgs) {
        if (count >= 2) declared += count;
      }
      declared_share = declared / members;
      cs.score *= 1 - policy_.declared_org_discount * declared_share;
    }
    cs.attack = cs.score >= policy_.campaign_attack;
    // Partner intelligence links, it does not judge: a group that would split
    // without it needs members whose own traffic looks like distillation.
    bool held_for_partner = false;
    const auto own_evidence = static_cast<size_t>(std::count_if(
        scores.begin(), scores.end(), [&](double s) { return s >= policy_.member_floor; }));
    if (cs.attack && comp.partner_needed_edges > 0 && own_evidence < kOwnEvidenceMembers) {
      cs.attack = false;
      held_for_partner = true;
    }
    // Resemblance links, they do not judge either: a group whose links stand
    // on alike prompts alone (users of one kind drawing on one stock of
    // phrasings) is reported, not blocked.
    const bool resemblance_only = cs.attack && comp.shared_evidence < policy_.min_shared_evidence;
    if (resemblance_only) cs.attack = false;
    double cap_total = std::accumulate(caps.begin(), caps.end(), 0.0);
    for (size_t k = 0; k < caps.size(); ++k) {
      if (caps[k] > 0 && cap_total > 0)
        cs.capabilities.emplace_back(vocab_.capabilities[k], caps[k] / cap_total);
    }
    std::stable_sort(cs.capabilities.begin(), cs.capabilities.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (size_t k = 0; k < frames.size(); ++k) {
      if (frames[k] > 0 && frame_weight_[k] > 0)
        cs.frames.emplace_back(vocab_.frames[k], frames[k] / total_req);
    }
    std::stable_sort(cs.frames.begin(), cs.frames.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    // Linked by: channels in order of their summed evidence.
    std::vector<size_t> order(policy::kChannels);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return comp.evidence[a] > comp.evidence[b]; });
    for (size_t k : order) {
      if (comp.evidence[k] > 0 && comp.evidence[k] >= 0.05 * comp.evidence[order[0]]) {
        cs.linked_by.push_back(fmt::format("{} ({} of {} links)",
                                           policy::ChannelPhrase(static_cast<policy::Channel>(k)),
                                           comp.edges_by_channel[k], comp.edges));
      }
    }
    // Reasons: the strongest weighted campaign features in words.
    std::vector<size_t> forder(cf.size());
    std::iota(forder.begin(), forder.end(), 0);
    std::stable_sort(forder.begin(), forder.end(), [&](size_t a, size_t b) {
      return cs.features[a].ramped * cs.features[a].weight >
             cs.features[b].ramped * cs.features[b].weight;
    });
    if (declared_share >= 0.5) {
      cs.reasons.push_back(fmt::format(
          "{} of accounts openly belong to declared organisations such as {} (score discounted "
          "as a customer's own fleet)",
          Percent(declared_share), declared_org));
    }
    for (size_t k : forder) {
      const FeatureValue& v = cs.features[k];
      if (v.ramped < 0.5 || !v.measured) continue;
      const std::string& name = cf[k].name;
      if (name == "size")
        cs.reasons.push_back(fmt::format("{} linked accounts", comp.members.size()));
      else if (name == "elicitation")
        cs.reasons.push_back(
            fmt::format("training-data elicitation frames weigh {} of requests", Percent(v.value)));
      else if (name == "template_sharing")
        cs.reasons.push_back(
            fmt::format("accounts share prompt templates (mean overlap {:.2f})", v.value));
      else if (name == "synchrony")
        cs.reasons.push_back(
            fmt::format("accounts active in the same minutes (mean overlap {:.2f})", v.value));
      else if (name == "shared_payment")
        cs.reasons.push_back(
            fmt::format("{} of accounts share a payment instrument", Percent(v.value)));
      else if (name == "profile")
        cs.reasons.push_back(fmt::format(
            "{} of links join accounts with the same mix of elicitation frames", Percent(v.value)));
      else if (name == "signup_burst")
        cs.reasons.push_back(
            fmt::format("{} of accounts signed up within 48 h of another", Percent(v.value)));
      else if (name == "capability_focus")
        cs.reasons.push_back(
            fmt::format("{} of requests in two target capabilities", Percent(v.value)));
      else if (name == "volume")
        cs.reasons.push_back(
            fmt::format("median {:.0f} requests per active day per account", v.value));
      else if (name == "account_score")
        cs.reasons.push_back(fmt::format("median account score {:.2f}", v.value));
      else if (name == "fast_ramp")
        cs.reasons.push_back(fmt::format("new accounts at full usage at once ({:.2f})", v.value));
      else if (name == "new_model_rush")
        cs.reasons.push_back(fmt::format("{} of requests to a new model within 24 h of its release",
                                         Percent(v.value)));
    }
    if (partner != nullptr) {
      for (const PartnerSummary& ps : SummarizePartners(*partner, comp.members)) {
        cs.reasons.push_back(fmt::format("{} of {} accounts match {}", ps.accounts,
                                         comp.members.size(), PartnerPhrase(*partner, ps)));
      }
    }
    if (held_for_partner) {
      cs.reasons.push_back(fmt::format(
          "held together by partner intelligence ({} of {} links), but only {} members' own "
          "traffic looks like distillation (account score >= {:.2f}): not a verdict",
          comp.partner_needed_edges, comp.edges, own_evidence, policy_.member_floor));
    }
    if (resemblance_only) {
      cs.reasons.push_back(fmt::format(
          "linked only by how alike their prompts are (shared templates, the same elicitation "
          "profile): nothing else shared, {:.2f} per link against {:.2f} needed for a verdict",
          comp.shared_evidence, policy_.min_shared_evidence));
    }
    campaigns.push_back(std::move(cs));
  }
  // Ids by descending score; ties by smallest member (components are ordered so).
  std::vector<size_t> corder(campaigns.size());
  std::iota(corder.begin(), corder.end(), 0);
  std::stable_sort(corder.begin(), corder.end(),
                   [&](size_t a, size_t b) { return campaigns[a].score > campaigns[b].score; });
  out.campaigns.reserve(campaigns.size());
  std::vector<int32_t> comp_to_campaign(links.components.size(), -1);
  for (size_t rank = 0; rank < corder.size(); ++rank) {
    CampaignScore cs = std::move(campaigns[corder[rank]]);
    cs.id = fmt::format("C{:03d}", rank + 1);
    comp_to_campaign[cs.component] = static_cast<int32_t>(rank);
    out.campaigns.push_back(std::move(cs));
  }

  // Declared fleets inside attack campaigns: accounts whose organisation
  // declares >= 2 members of the campaign but is under fleet_review_share of it.
  std::vector<uint32_t> fleet_size(n, 0);
  if (policy_.fleet_review_share > 0) {
    for (const CampaignScore& cs : out.campaigns) {
      if (!cs.attack) continue;
      const auto& members = links.components[cs.component].members;
      absl::flat_hash_map<std::string_view, uint32_t> orgs;
      for (uint32_t m : members) {
        const decode::AccountInfo* info = m < infos.size() ? infos[m] : nullptr;
        if (info && !info->organization.empty()) ++orgs[info->organization];
      }
      for (uint32_t m : members) {
        const decode::AccountInfo* info = m < infos.size() ? infos[m] : nullptr;
        if (!info || info->organization.empty()) continue;
        const uint32_t c = orgs[info->organization];
        if (c >= 2 && c < policy_.fleet_review_share * static_cast<double>(members.size()))
          fleet_size[m] = c;
      }
    }
  }

  // Verdicts and account reasons.
  for (size_t i = 0; i < n; ++i) {
    AccountScore& a = out.accounts[i];
    const int32_t comp = links.component_of[i];
    const CampaignScore* cs =
        comp >= 0 ? &out.campaigns[static_cast<size_t>(comp_to_campaign[static_cast<size_t>(comp)])]
                  : nullptr;
    if (cs) a.campaign = comp_to_campaign[static_cast<size_t>(comp)];
    if (cs && cs->attack) {
      a.verdict = a.score >= policy_.member_floor && fleet_size[i] == 0 ? Verdict::kAttack
                                                                        : Verdict::kSuspicious;
    } else {
      a.verdict = a.score >= policy_.account_suspicious ? Verdict::kSuspicious : Verdict::kBenign;
    }
    if (cs) {
      std::string by;
      for (size_t k = 0; k < cs->linked_by.size() && k < 2; ++k)
        by += (k ? "; " : "") + cs->linked_by[k];
      a.reasons.push_back(
          fmt::format("member of {} campaign {} ({} accounts, score {:.2f}), linked by {}",
                      cs->attack ? "distillation" : "linked", cs->id,
                      links.components[cs->component].members.size(), cs->score, by));
      if (fleet_size[i]) {
        a.reasons.push_back(fmt::format(
            "its declared organisation has {} accounts in the campaign, a small share: held for "
            "review as a customer fleet",
            fleet_size[i]));
      }
    }
    if (partner != nullptr) {
      const uint32_t self[] = {static_cast<uint32_t>(i)};
      for (const PartnerSummary& ps : SummarizePartners(*partner, self))
        a.reasons.push_back("matches " + PartnerPhrase(*partner, ps));
    }
    std::vector<size_t> forder(af.size());
    std::iota(forder.begin(), forder.end(), 0);
    std::stable_sort(forder.begin(), forder.end(), [&](size_t x, size_t y) {
      return a.features[x].ramped * a.features[x].weight >
             a.features[y].ramped * a.features[y].weight;
    });
    const AccountState& s = table.state(i);
    for (size_t k : forder) {
      const FeatureValue& v = a.features[k];
      if (v.ramped < 0.5 || a.reasons.size() >= 5) continue;
      const std::string& name = af[k].name;
      if (name == "elicitation") {
        std::string detail;
        for (size_t f = 0; f < vocab_.frames.size(); ++f) {
          if (frame_weight_[f] > 0 && s.frames[f] > 0) {
            detail += fmt::format("{}{} {}", detail.empty() ? "" : ", ", vocab_.frames[f],
                                  Percent(s.frames[f] / s.ScannedOr1()));
          }
        }
        a.reasons.push_back(
            fmt::format("elicitation frames weigh {} of requests ({})", Percent(v.value), detail));
      } else if (name == "capability_focus") {
        a.reasons.push_back(
            fmt::format("{} of requests in two target capabilities", Percent(v.value)));
      } else if (name == "volume") {
        a.reasons.push_back(fmt::format("{:.0f} requests per active day", v.value));
      } else if (name == "template_reuse") {
        a.reasons.push_back(
            fmt::format("prompts reuse few templates ({} repeats)", Percent(v.value)));
      } else if (name == "output_ratio") {
        a.reasons.push_back(fmt::format("output/input token ratio {:.1f}", v.value));
      } else if (name == "max_tokens") {
        a.reasons.push_back(fmt::format("asks for long outputs (mean max_tokens {:.0f})", v.value));
      } else if (name == "fast_ramp") {
        a.reasons.push_back("new account at full usage at once");
      } else if (name == "flat_hours") {
        a.reasons.push_back(fmt::format("round-the-clock activity (hour entropy {:.2f})", v.value));
      } else if (name == "throttled") {
        a.reasons.push_back(fmt::format("{} of requests rate-limited (429)", Percent(v.value)));
      } else if (name == "new_model_rush") {
        a.reasons.push_back(
            fmt::format("{} of requests to a new model within 24 h of release", Percent(v.value)));
      } else if (name == "program_tier") {
        a.reasons.push_back("education/research/startup program account with weak verification");
      }
    }
  }
  return out;
}

}  // namespace hw::score
