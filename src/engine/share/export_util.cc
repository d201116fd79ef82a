#include "engine/share/export_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "engine/share/digest.h"

namespace hw::share {

std::string HashAccount(std::string_view salt, std::string_view user_id) {
  std::string buf;
  buf.reserve(salt.size() + user_id.size());
  buf.append(salt);
  buf.append(user_id);
  return Sha256Hex(buf);
}

Result<std::string> ReadSaltFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status(ErrorCode::kIoError, path + ": cannot open");
  std::string salt((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // A trailing newline from `echo secret > file` is not part of the salt.
  while (!salt.empty() && (salt.back() == '\n' || salt.back() == '\r')) salt.pop_back();
  if (salt.empty()) return Status(ErrorCode::kInvalidArgument, "the salt must not be empty");
  return salt;
}

namespace detail {

namespace {

void AddIndicators(Exported& ex, size_t ci, IndicatorKind kind,
                   const std::vector<SharedIndicator>& list) {
  const CampaignRecord& c = *ex.campaigns[ci].record;
  for (const auto& e : list) {
    MergedIndicator& m = ex.indicators[{kind, e.value}];
    if (m.uses.empty()) {
      m.kind = kind;
      m.value = e.value;
      m.ipv6 = e.value.find(':') != std::string::npos;
      m.valid_from = c.first_seen;
    }
    m.valid_from = std::min(m.valid_from, c.first_seen);
    m.uses.push_back({ci, &e});
  }
}

}  // namespace

Exported SelectForExport(const ResultSet& result, const ExportOptions& options) {
  Exported ex;
  for (const auto& c : result.campaigns.campaigns) {
    if (!c.attack) continue;
    ExportedCampaign e;
    e.record = &c;
    std::vector<std::pair<std::string, const AccountRecord*>> members;
    members.reserve(c.account_ids.size());
    for (const auto& id : c.account_ids) {
      members.emplace_back(HashAccount(options.salt, id), result.FindAccount(id));
    }
    std::sort(members.begin(), members.end());
    std::string joined;
    for (auto& [hash, account] : members) {
      joined += hash;
      joined += '\n';
      e.members.push_back(std::move(hash));
      e.accounts.push_back(account);
    }
    e.key = Sha256Hex(joined);
    ex.accounts += static_cast<int64_t>(c.account_ids.size());
    ex.interactions += c.interactions;
    ex.as_of = ex.campaigns.empty() ? c.last_seen : std::max(ex.as_of, c.last_seen);
    ex.campaigns.push_back(std::move(e));
  }
  for (size_t i = 0; i < ex.campaigns.size(); ++i) {
    const CampaignRecord& c = *ex.campaigns[i].record;
    AddIndicators(ex, i, IndicatorKind::kNetwork, c.networks);
    AddIndicators(ex, i, IndicatorKind::kAddress, c.addresses);
    AddIndicators(ex, i, IndicatorKind::kTemplate, c.template_fingerprints);
  }
  if (ex.campaigns.empty()) {
    bool any = false;
    for (const auto& a : result.accounts) {
      if (!a.last_seen) continue;
      ex.as_of = any ? std::max(ex.as_of, *a.last_seen) : *a.last_seen;
      any = true;
    }
  }
  return ex;
}

std::string MillisTime(TimeUs t) {
  const TimeUs secs = FloorDiv(t, kUsPerSecond);
  const TimeUs millis = (t - secs * kUsPerSecond) / 1000;
  std::string s = FormatRfc3339(secs * kUsPerSecond);  // "...:SSZ"
  s.insert(s.size() - 1, fmt::format(".{:03d}", millis));
  return s;
}

std::string Thousands(int64_t v) {
  const std::string digits = std::to_string(v);
  const size_t sign = v < 0 ? 1 : 0;
  std::string out = digits.substr(0, sign);
  for (size_t i = sign; i < digits.size(); ++i) {
    if (i > sign && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string ShareList(const std::vector<Share>& shares) {
  std::vector<const Share*> sorted;
  for (const auto& s : shares) {
    if (s.share >= 0.01) sorted.push_back(&s);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Share* a, const Share* b) { return a->share > b->share; });
  std::string out;
  for (const Share* s : sorted) {
    if (!out.empty()) out += ", ";
    std::string name = s->name;
    std::replace(name.begin(), name.end(), '_', ' ');
    out += fmt::format("{} ({}%)", name, static_cast<int>(std::lround(s->share * 100)));
  }
  return out;
}

std::string CampaignSummary(const ExportedCampaign& e, const std::string& policy) {
  const CampaignRecord& c = *e.record;
  std::string s =
      fmt::format("{} exchanges through {} accounts between {} and {}", Thousands(c.interactions),
                  Thousands(static_cast<int64_t>(c.account_ids.size())), FormatDate(c.first_seen),
                  FormatDate(c.last_seen));
  if (const std::string targets = ShareList(c.capabilities); !targets.empty()) {
    s += ", targeting " + targets;
  }
  s += fmt::format(". Distillation score {:.2f}", c.score);
  if (!policy.empty()) s += " (policy " + policy + ")";
  s += ".";
  if (!c.linked_by.empty()) {
    s += " Accounts linked by ";
    for (size_t i = 0; i < c.linked_by.size(); ++i) {
      if (i > 0) s += i + 1 == c.linked_by.size() ? " and " : ", ";
      s += c.linked_by[i];
    }
    s += ".";
  }
  if (const std::string frames = ShareList(c.elicitation_frames); !frames.empty()) {
    s += " Training-data elicitation frames: " + frames + " of requests.";
  }
  return s;
}

std::string IndicatorDescription(const MergedIndicator& ind, const Exported& ex) {
  std::string what;
  switch (ind.kind) {
    case IndicatorKind::kNetwork:
      what = "Network";
      break;
    case IndicatorKind::kAddress:
      what = "Client address";
      break;
    case IndicatorKind::kTemplate:
      what = "Prompt-template fingerprint";
      break;
  }
  std::string s = what + " shared by accounts of distillation campaign";
  if (ind.uses.size() > 1) s += "s";
  for (size_t i = 0; i < ind.uses.size(); ++i) {
    const IndicatorUse& u = ind.uses[i];
    const CampaignRecord& c = *ex.campaigns[u.campaign].record;
    s += i == 0 ? " " : ", ";
    s += fmt::format("{} ({} of {} accounts", c.id, Thousands(u.entry->accounts),
                     Thousands(static_cast<int64_t>(c.account_ids.size())));
    if (u.entry->requests) s += ", " + Thousands(*u.entry->requests) + " requests";
    s += ")";
  }
  s += ". Evidence for linking accounts, not a verdict on its own";
  if (ind.kind == IndicatorKind::kNetwork) s += ": other customers may share the network";
  s += ".";
  return s;
}

}  // namespace detail
}  // namespace hw::share
