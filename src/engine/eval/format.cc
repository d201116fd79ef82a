#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "engine/common/json_writer.h"
#include "engine/eval/eval.h"

namespace hw::eval {

namespace {

const char* ViewName(const ViewReport& v) {
  return v.suspicious_positive ? "attack_or_suspicious" : "attack";
}

std::string Fixed(const Ratio& r) { return r ? fmt::format("{:.4f}", *r) : "n/a"; }

// "1d02h", "3h05m", "4m07s", "12s", "0.25s"; negative with a leading '-'.
std::string Duration(const std::optional<TimeUs>& t) {
  if (!t) return "n/a";
  const bool neg = *t < 0;
  const uint64_t us = neg ? static_cast<uint64_t>(-(*t)) : static_cast<uint64_t>(*t);
  const uint64_t s = us / kUsPerSecond;
  std::string out = neg ? "-" : "";
  if (s >= 86400) {
    out += fmt::format("{}d{:02}h", s / 86400, (s % 86400) / 3600);
  } else if (s >= 3600) {
    out += fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  } else if (s >= 60) {
    out += fmt::format("{}m{:02}s", s / 60, s % 60);
  } else if (us % kUsPerSecond == 0) {
    out += fmt::format("{}s", s);
  } else {
    out += fmt::format("{:.2f}s", static_cast<double>(us) / kUsPerSecond);
  }
  return out;
}

std::string Opt(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "n/a"; }

std::string Upper(BarStatus s) {
  switch (s) {
    case BarStatus::kPass:
      return "PASS";
    case BarStatus::kFail:
      return "FAIL";
    case BarStatus::kNotApplicable:
      break;
  }
  return "n/a";
}

void AppendView(std::string& out, const ViewReport& v) {
  out += fmt::format("\n== positive = {} ==\n",
                     v.suspicious_positive ? "verdict attack or suspicious" : "verdict attack");
  const AccountMetrics& a = v.accounts;
  out += fmt::format(
      "accounts (active)   TP {}  FP {}  FN {}  TN {}\n"
      "                    precision {}  recall {}  F1 {}\n"
      "                    flagged: {} inactive, {} not in labels\n",
      a.tp, a.fp, a.fn, a.tn, Fixed(a.precision), Fixed(a.recall), Fixed(a.f1), a.inactive_flagged,
      a.unlabelled_flagged);

  if (!v.campaigns.empty()) {
    size_t idw = 8, kindw = 4, bestw = 4;
    for (const CampaignMetrics& c : v.campaigns) {
      idw = std::max(idw, c.id.size());
      kindw = std::max(kindw, c.kind.size());
      bestw = std::max(bestw, c.best_group.size() + (c.best_singleton ? 2 : 0));
    }
    out += fmt::format(
        "\n{:<{}}  {:<{}}  {:>7}  {:>8}  {:>6}  {:>6}  {:<{}}  {:>9}  {:>6}  {:>6}  "
        "{:>8}  {:>10}  {:>11}\n",
        "campaign", idw, "kind", kindw, "active", "detected", "recall", "groups", "best", bestw,
        "in best", "compl.", "purity", "ttd", "req to det", "accts to det");
    for (const CampaignMetrics& c : v.campaigns) {
      std::string best = c.best_group.empty() ? "-"
                         : c.best_singleton   ? "(" + c.best_group + ")"
                                              : c.best_group;
      out += fmt::format(
          "{:<{}}  {:<{}}  {:>7}  {:>8}  {:>6}  {:>6}  {:<{}}  {:>9}  {:>6}  {:>6}  {:>8}  "
          "{:>10}  {:>11}\n",
          c.id, idw, c.kind, kindw, c.active, c.detected, Fixed(c.recall).substr(0, 6),
          c.predicted_groups, best, bestw, fmt::format("{}/{}", c.best_shared, c.best_size),
          Fixed(c.completeness).substr(0, 6), Fixed(c.purity).substr(0, 6),
          Duration(c.time_to_detection), Opt(c.requests_before_detection),
          Opt(c.accounts_before_detection));
    }
  }
  if (!v.personas.empty()) {
    size_t nw = 13;
    for (const PersonaMetrics& p : v.personas) nw = std::max(nw, p.name.size());
    out += fmt::format("\n{:<{}}  {:>8}  {:>7}  {:>7}  {:>8}  {:<4}  {:>8}  {}\n", "benign persona",
                       nw, "accounts", "active", "flagged", "FPR", "bar", "enforced", "bar");
    for (const PersonaMetrics& p : v.personas) {
      out += fmt::format("{:<{}}  {:>8}  {:>7}  {:>7}  {:>8}  {:<4}  {:>8}  {}\n", p.name, nw,
                         p.accounts, p.active, p.flagged,
                         p.fpr ? fmt::format("{:.6f}", *p.fpr) : "n/a", Upper(p.bar),
                         Opt(p.enforced), Upper(p.enforced_bar));
    }
  }
  out += fmt::format("\n{:<22}  {:<42}  {:>8}  {}\n", "bar", "target", "value", "status");
  for (const Bar& b : v.bars) {
    std::string value = (b.name == "persona_fpr" || b.name == "persona_enforced") && b.value
                            ? fmt::format("{:.6f}", *b.value)
                            : Fixed(b.value);
    std::string note;
    if (!b.failing.empty()) {
      note = "  failing:";
      for (const auto& f : b.failing) note += " " + f;
    } else if (!b.worst.empty()) {
      note = "  worst: " + b.worst;
    }
    out += fmt::format("{:<22}  {:<42}  {:>8}  {}{}\n", b.name, b.target, value, Upper(b.status),
                       note);
  }
  out += fmt::format("{:<22}  {:<42}  {:>8}  {}\n", "all bars", "", "", v.pass ? "PASS" : "FAIL");
}

void WriteRatio(JsonWriter& w, std::string_view key, const Ratio& r) {
  w.Key(key);
  if (r) {
    w.Number(*r);
  } else {
    w.Null();
  }
}

void WriteCount(JsonWriter& w, std::string_view key, const std::optional<int64_t>& n) {
  w.Key(key);
  if (n) {
    w.Int(*n);
  } else {
    w.Null();
  }
}

void WriteView(JsonWriter& w, const ViewReport& v) {
  w.BeginObject();
  w.Key("positive").BeginArray().String("attack");
  if (v.suspicious_positive) w.String("suspicious");
  w.EndArray();
  const AccountMetrics& a = v.accounts;
  w.Key("accounts").BeginObject();
  w.Key("tp").Int(a.tp).Key("fp").Int(a.fp).Key("fn").Int(a.fn).Key("tn").Int(a.tn);
  WriteRatio(w, "precision", a.precision);
  WriteRatio(w, "recall", a.recall);
  WriteRatio(w, "f1", a.f1);
  w.Key("inactive_flagged").Int(a.inactive_flagged);
  w.Key("unlabelled_flagged").Int(a.unlabelled_flagged);
  w.EndObject();

  w.Key("campaigns").BeginArray();
  for (const CampaignMetrics& c : v.campaigns) {
    w.BeginObject();
    w.Key("id").String(c.id).Key("kind").String(c.kind);
    w.Key("accounts").Int(c.accounts).Key("active").Int(c.active);
    w.Key("requests").Int(c.requests).Key("detected").Int(c.detected);
    WriteRatio(w, "recall", c.recall);
    w.Key("predicted_groups").Int(c.predicted_groups);
    w.Key("best_group");
    if (c.best_group.empty()) {
      w.Null();
    } else {
      w.String(c.best_group);
    }
    w.Key("best_singleton").Bool(c.best_singleton);
    w.Key("best_shared").Int(c.best_shared).Key("best_size").Int(c.best_size);
    WriteRatio(w, "completeness", c.completeness);
    WriteRatio(w, "purity", c.purity);
    w.Key("first_seen");
    if (c.first_seen) {
      w.String(FormatRfc3339(*c.first_seen));
    } else {
      w.Null();
    }
    w.Key("first_detection");
    if (c.first_detection) {
      w.String(FormatRfc3339(*c.first_detection));
    } else {
      w.Null();
    }
    w.Key("time_to_detection_s");
    if (c.time_to_detection) {
      w.Number(static_cast<double>(*c.time_to_detection) / kUsPerSecond);
    } else {
      w.Null();
    }
    WriteCount(w, "requests_before_detection", c.requests_before_detection);
    WriteCount(w, "accounts_before_detection", c.accounts_before_detection);
    w.Key("recall_bar").String(BarStatusName(c.recall_bar));
    w.Key("completeness_bar").String(BarStatusName(c.completeness_bar));
    w.EndObject();
  }
  w.EndArray();

  w.Key("personas").BeginArray();
  for (const PersonaMetrics& p : v.personas) {
    w.BeginObject();
    w.Key("name").String(p.name).Key("accounts").Int(p.accounts).Key("active").Int(p.active);
    w.Key("flagged").Int(p.flagged);
    WriteRatio(w, "fpr", p.fpr);
    w.Key("bar").String(BarStatusName(p.bar));
    WriteCount(w, "enforced", p.enforced);
    WriteRatio(w, "enforced_share", p.enforced_share);
    w.Key("enforced_bar").String(BarStatusName(p.enforced_bar));
    w.EndObject();
  }
  w.EndArray();

  w.Key("bars").BeginArray();
  for (const Bar& b : v.bars) {
    w.BeginObject();
    w.Key("name").String(b.name).Key("target").String(b.target);
    WriteRatio(w, "value", b.value);
    w.Key("worst");
    if (b.worst.empty()) {
      w.Null();
    } else {
      w.String(b.worst);
    }
    w.Key("status").String(BarStatusName(b.status));
    w.Key("failing").BeginArray();
    for (const auto& f : b.failing) w.String(f);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("pass").Bool(v.pass);
  w.EndObject();
}

}  // namespace

std::string FormatTable(const EvalReport& r) {
  std::string out;
  out += fmt::format(
      "labels   {} accounts ({} attack, {} benign): {} active, {} inactive (never sent a "
      "request)\n",
      r.labelled, r.labelled_attack, r.labelled_benign, r.active, r.inactive);
  out += fmt::format(
      "result   {} accounts, {} campaigns; {} not in labels (ignored); {} active labelled "
      "accounts absent (predicted benign, {} of them attackers)\n",
      r.predicted_accounts, r.predicted_campaigns, r.unlabelled, r.missing_active,
      r.missing_active_attack);
  out += fmt::format("detection times {}\n", r.detection_times ? "present" : "absent (n/a)");
  AppendView(out, r.attack);
  AppendView(out, r.attack_or_suspicious);
  out += fmt::format("\nverdict on the bars (positive = attack): {}\n",
                     r.attack.pass ? "PASS" : "FAIL");
  return out;
}

std::string ToJson(const EvalReport& r) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("pass").Bool(r.attack.pass);
  w.Key("labels").BeginObject();
  w.Key("accounts").Int(r.labelled).Key("attack").Int(r.labelled_attack);
  w.Key("benign").Int(r.labelled_benign).Key("active").Int(r.active);
  w.Key("inactive").Int(r.inactive);
  w.EndObject();
  w.Key("result").BeginObject();
  w.Key("accounts").Int(r.predicted_accounts).Key("campaigns").Int(r.predicted_campaigns);
  w.Key("unlabelled").Int(r.unlabelled).Key("missing_active").Int(r.missing_active);
  w.Key("missing_active_attack").Int(r.missing_active_attack);
  w.Key("detection_times").Bool(r.detection_times);
  w.EndObject();
  w.Key("targets").BeginObject();
  w.Key("precision").Number(r.targets.precision).Key("recall").Number(r.targets.recall);
  w.Key("campaign_recall").Number(r.targets.campaign_recall);
  w.Key("completeness").Number(r.targets.completeness).Key("purity").Number(r.targets.purity);
  w.Key("persona_fpr").Number(r.targets.persona_fpr);
  w.EndObject();
  w.Key("views").BeginObject();
  w.Key(ViewName(r.attack));
  WriteView(w, r.attack);
  w.Key(ViewName(r.attack_or_suspicious));
  WriteView(w, r.attack_or_suspicious);
  w.EndObject();
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace hw::eval
