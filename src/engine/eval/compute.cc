#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/eval/eval.h"

namespace hw::eval {

const char* VerdictName(Verdict v) noexcept {
  switch (v) {
    case Verdict::kAttack:
      return "attack";
    case Verdict::kSuspicious:
      return "suspicious";
    case Verdict::kBenign:
      break;
  }
  return "benign";
}

const char* BarStatusName(BarStatus s) noexcept {
  switch (s) {
    case BarStatus::kPass:
      return "pass";
    case BarStatus::kFail:
      return "fail";
    case BarStatus::kNotApplicable:
      break;
  }
  return "n/a";
}

namespace {

Ratio Divide(int64_t num, int64_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

std::string FormatTarget(const char* op, double v) {
  // Targets are short decimals; %g keeps them as written (0.99, 0.001).
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %g", op, v);
  return buf;
}

BarStatus AtLeast(const Ratio& r, double target) {
  if (!r) return BarStatus::kNotApplicable;
  return *r >= target ? BarStatus::kPass : BarStatus::kFail;
}

BarStatus AtMost(const Ratio& r, double target) {
  if (!r) return BarStatus::kNotApplicable;
  return *r <= target ? BarStatus::kPass : BarStatus::kFail;
}

// Folds one campaign's or persona's figure into a bar over all of them: the
// worst value (the lowest, or with `higher_is_worse` the highest) and who
// holds it, who fails, and fail over pass over n/a.
void Fold(Bar* bar, const Ratio& value, BarStatus status, const std::string& who,
          bool higher_is_worse) {
  if (value && (!bar->value || (higher_is_worse ? *value > *bar->value : *value < *bar->value))) {
    bar->value = value;
    bar->worst = who;
  }
  if (status == BarStatus::kFail) bar->failing.push_back(who);
  if (status != BarStatus::kNotApplicable && bar->status != BarStatus::kFail) bar->status = status;
}

// A predicted group: a predicted campaign id, or a singleton (a positive
// account without a campaign, keyed by its account id). Named groups order
// before singletons.
using GroupKey = std::pair<bool, std::string>;  // (singleton, id)

struct Group {
  int64_t size = 0;                            // labelled active positives in it
  std::map<std::string, int64_t> by_campaign;  // true campaign -> its accounts in it
};

struct Context {
  const std::vector<LabelRow>& labels;
  const std::vector<PredRow>& accounts;
  std::unordered_map<std::string_view, const PredRow*> pred_by_id;
  std::unordered_map<std::string_view, const PredCampaign*> campaign_by_id;
  std::set<std::string_view> labelled_ids;
  const Targets& targets;
  // Some row carries `first_flagged`: an online run (a replay whose engine
  // never enforced anything is indistinguishable from a batch result, and
  // then has nothing to count).
  bool online = false;
};

ViewReport ComputeView(const Context& ctx, bool suspicious_positive) {
  ViewReport v;
  v.suspicious_positive = suspicious_positive;
  auto positive = [&](const PredRow* p) {
    if (p == nullptr) return false;
    return p->verdict == Verdict::kAttack ||
           (suspicious_positive && p->verdict == Verdict::kSuspicious);
  };

  std::map<std::string, CampaignMetrics> campaigns;
  std::map<std::string, PersonaMetrics> personas;
  std::map<GroupKey, Group> groups;
  // Per true campaign: its detected accounts' result rows.
  std::map<std::string, std::vector<const PredRow*>> detected_rows;
  // Per true campaign: its active accounts' first requests.
  std::map<std::string, std::vector<TimeUs>> starts;
  AccountMetrics& am = v.accounts;

  for (const LabelRow& l : ctx.labels) {
    auto it = ctx.pred_by_id.find(l.user_id);
    const PredRow* p = it == ctx.pred_by_id.end() ? nullptr : it->second;
    const bool pos = positive(p);
    CampaignMetrics* cm = nullptr;
    PersonaMetrics* pm = nullptr;
    if (l.attack) {
      cm = &campaigns[l.campaign];
      if (cm->id.empty()) {
        cm->id = l.campaign;
        cm->kind = l.persona;
      }
      ++cm->accounts;
      cm->requests += l.requests;
      if (l.first_seen && (!cm->first_seen || *l.first_seen < *cm->first_seen))
        cm->first_seen = l.first_seen;
      if (l.first_seen && l.requests > 0) starts[l.campaign].push_back(*l.first_seen);
    } else {
      pm = &personas[l.persona];
      if (pm->name.empty()) pm->name = l.persona;
      ++pm->accounts;
    }
    if (l.requests <= 0) {
      if (pos) ++am.inactive_flagged;
      continue;
    }
    if (l.attack) {
      ++cm->active;
      if (pos) {
        ++am.tp;
        ++cm->detected;
        detected_rows[l.campaign].push_back(p);
      } else {
        ++am.fn;
      }
    } else {
      ++pm->active;
      if (ctx.online) {
        pm->enforced = pm->enforced.value_or(0) + (p != nullptr && p->first_flagged ? 1 : 0);
      }
      if (pos) {
        ++am.fp;
        ++pm->flagged;
      } else {
        ++am.tn;
      }
    }
    if (pos) {
      const GroupKey key =
          p->campaign.empty() ? GroupKey{true, l.user_id} : GroupKey{false, p->campaign};
      Group& g = groups[key];
      ++g.size;
      if (l.attack) ++g.by_campaign[l.campaign];
    }
  }
  for (const PredRow& p : ctx.accounts) {
    if (!ctx.labelled_ids.count(p.user_id) && positive(&p)) ++am.unlabelled_flagged;
  }

  am.precision = Divide(am.tp, am.tp + am.fp);
  am.recall = Divide(am.tp, am.tp + am.fn);
  if (am.precision && am.recall) {
    const double s = *am.precision + *am.recall;
    am.f1 = s > 0 ? 2 * *am.precision * *am.recall / s : 0.0;
  }

  const Targets& t = ctx.targets;
  for (auto& [id, cm] : campaigns) {
    cm.recall = Divide(cm.detected, cm.active);
    cm.recall_bar = AtLeast(cm.recall, t.campaign_recall);
    // Best group: most of its accounts, then purer, then named, then smaller id
    // (the map's order gives the last two).
    const GroupKey* best_key = nullptr;
    const Group* best = nullptr;
    int64_t best_shared = 0;
    for (const auto& [key, g] : groups) {
      auto f = g.by_campaign.find(id);
      if (f == g.by_campaign.end()) continue;
      ++cm.predicted_groups;
      const int64_t shared = f->second;
      // shared/size > best_shared/best->size, in integers.
      const bool better = best == nullptr || shared > best_shared ||
                          (shared == best_shared && shared * best->size > best_shared * g.size);
      if (better) {
        best_key = &key;
        best = &g;
        best_shared = shared;
      }
    }
    if (best != nullptr) {
      cm.best_singleton = best_key->first;
      cm.best_group = best_key->second;
      cm.best_shared = best_shared;
      cm.best_size = best->size;
      cm.purity = Divide(best_shared, best->size);
    }
    if (cm.active > 0) cm.completeness = Divide(cm.best_shared, cm.active);
    if (cm.active > 0) {
      const bool ok = cm.completeness && *cm.completeness >= t.completeness && cm.purity &&
                      *cm.purity >= t.purity;
      cm.completeness_bar = ok ? BarStatus::kPass : BarStatus::kFail;
    }

    // Detection: the earliest flag among its detected accounts or the
    // predicted campaigns that hold them.
    std::set<std::string_view> holding;  // predicted campaign ids, sorted
    int64_t req = 0;
    bool have_req = false;
    for (const PredRow* p : detected_rows[id]) {
      if (p->first_flagged && (!cm.first_detection || *p->first_flagged < *cm.first_detection))
        cm.first_detection = p->first_flagged;
      if (p->requests_before_flag) {
        req += *p->requests_before_flag;
        have_req = true;
      }
      if (!p->campaign.empty()) holding.insert(p->campaign);
    }
    // Predicted campaigns whose accounts carry no per-account count add their
    // own count once each.
    std::set<std::string_view> counted_by_account;
    for (const PredRow* p : detected_rows[id]) {
      if (!p->campaign.empty() && p->requests_before_flag) counted_by_account.insert(p->campaign);
    }
    for (std::string_view cid : holding) {
      auto c = ctx.campaign_by_id.find(cid);
      if (c == ctx.campaign_by_id.end()) continue;
      const PredCampaign& pc = *c->second;
      if (pc.first_detection && (!cm.first_detection || *pc.first_detection < *cm.first_detection))
        cm.first_detection = pc.first_detection;
      if (pc.requests_before_detection && !counted_by_account.count(cid)) {
        req += *pc.requests_before_detection;
        have_req = true;
      }
    }
    if (cm.first_detection && cm.first_seen)
      cm.time_to_detection = *cm.first_detection - *cm.first_seen;
    if (cm.first_detection) {
      // A copy: clang 14 cannot capture a structured binding (cm).
      const TimeUs detected_at = *cm.first_detection;
      const std::vector<TimeUs>& st = starts[id];
      cm.accounts_before_detection =
          std::count_if(st.begin(), st.end(), [&](TimeUs t) { return t < detected_at; });
    }
    if (have_req) cm.requests_before_detection = req;
    v.campaigns.push_back(std::move(cm));
  }
  for (auto& [name, pm] : personas) {
    pm.fpr = Divide(pm.flagged, pm.active);
    pm.bar = AtMost(pm.fpr, t.persona_fpr);
    if (pm.enforced) pm.enforced_share = Divide(*pm.enforced, pm.active);
    pm.enforced_bar = AtMost(pm.enforced_share, t.persona_fpr);
    v.personas.push_back(std::move(pm));
  }

  // Bars.
  Bar precision{"precision", FormatTarget(">=", t.precision),    am.precision,
                "",          AtLeast(am.precision, t.precision), {}};
  Bar recall{"recall", FormatTarget(">=", t.recall), am.recall,
             "",       AtLeast(am.recall, t.recall), {}};
  Bar crecall{"campaign_recall",
              "every campaign " + FormatTarget(">=", t.campaign_recall),
              {},
              "",
              BarStatus::kNotApplicable,
              {}};
  Bar complete{"campaign_completeness",
               "every campaign " + FormatTarget(">=", t.completeness) + " at purity " +
                   FormatTarget(">=", t.purity),
               {},
               "",
               BarStatus::kNotApplicable,
               {}};
  Bar fpr{"persona_fpr",
          "every benign persona " + FormatTarget("<=", t.persona_fpr),
          {},
          "",
          BarStatus::kNotApplicable,
          {}};
  // The FPR target applied to accounts enforced at any time of an online run:
  // a benign account throttled for hours and lifted again was still hurt.
  Bar enforced{"persona_enforced",
               "ever enforced, every persona " + FormatTarget("<=", t.persona_fpr),
               {},
               "",
               BarStatus::kNotApplicable,
               {}};
  for (const CampaignMetrics& cm : v.campaigns) {
    Fold(&crecall, cm.recall, cm.recall_bar, cm.id, false);
    Fold(&complete, cm.completeness, cm.completeness_bar, cm.id, false);
  }
  for (const PersonaMetrics& pm : v.personas) {
    Fold(&fpr, pm.fpr, pm.bar, pm.name, true);
    Fold(&enforced, pm.enforced_share, pm.enforced_bar, pm.name, true);
  }
  v.bars = {std::move(precision), std::move(recall), std::move(crecall),
            std::move(complete),  std::move(fpr),    std::move(enforced)};
  v.pass = std::none_of(v.bars.begin(), v.bars.end(),
                        [](const Bar& b) { return b.status == BarStatus::kFail; });
  return v;
}

}  // namespace

EvalReport Compute(const std::vector<LabelRow>& labels, const std::vector<PredRow>& accounts,
                   const std::vector<PredCampaign>& campaigns, const Targets& targets) {
  Context ctx{labels, accounts, {}, {}, {}, targets};
  for (const PredRow& p : accounts) {
    ctx.pred_by_id[p.user_id] = &p;
    if (p.first_flagged) ctx.online = true;
  }
  for (const PredCampaign& c : campaigns) ctx.campaign_by_id[c.id] = &c;
  for (const LabelRow& l : labels) ctx.labelled_ids.insert(l.user_id);

  EvalReport r;
  r.targets = targets;
  r.predicted_accounts = static_cast<int64_t>(accounts.size());
  r.predicted_campaigns = static_cast<int64_t>(campaigns.size());
  for (const LabelRow& l : labels) {
    ++r.labelled;
    ++(l.attack ? r.labelled_attack : r.labelled_benign);
    if (l.requests > 0) {
      ++r.active;
      if (!ctx.pred_by_id.count(l.user_id)) {
        ++r.missing_active;
        if (l.attack) ++r.missing_active_attack;
      }
    } else {
      ++r.inactive;
    }
  }
  r.detection_times = ctx.online;
  for (const PredRow& p : accounts) {
    if (!ctx.labelled_ids.count(p.user_id)) ++r.unlabelled;
  }
  for (const PredCampaign& c : campaigns) {
    if (c.first_detection) r.detection_times = true;
  }
  r.attack = ComputeView(ctx, false);
  r.attack_or_suspicious = ComputeView(ctx, true);
  return r;
}

}  // namespace hw::eval
