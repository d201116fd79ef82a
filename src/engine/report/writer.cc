#include "engine/report/writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "engine/common/json_writer.h"
#include "engine/common/output_file.h"
#include "engine/report/aggregates.h"

namespace hw::report {

namespace {

std::vector<size_t> AccountOrder(const fingerprint::AccountTable& t) {
  std::vector<size_t> order(t.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return t.id(a) < t.id(b); });
  return order;
}

double Round(double x, double unit = 1e-4) { return std::round(x / unit) * unit; }

struct Indicator {
  std::string value;
  uint32_t accounts = 0;
};

// Values held by two or more members, most shared first.
std::vector<Indicator> Shared(std::map<std::string, uint32_t>& counts, size_t limit) {
  std::vector<Indicator> out;
  for (auto& [v, c] : counts) {
    if (c >= 2) out.push_back({v, c});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Indicator& a, const Indicator& b) { return a.accounts > b.accounts; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

struct CampaignIndicators {
  std::vector<Indicator> payments, domains, subnets, organizations;
};

CampaignIndicators Indicators(const RunView& run, const link::Component& comp) {
  std::map<std::string, uint32_t> pay, dom, net, org;
  for (uint32_t m : comp.members) {
    const decode::AccountInfo* info = m < run.infos.size() ? run.infos[m] : nullptr;
    if (info) {
      if (!info->payment.empty()) pay[info->payment]++;
      if (!info->email_domain.empty()) dom[info->email_domain]++;
      if (!info->organization.empty()) org[info->organization]++;
    }
    const auto& s = run.table.state(m);
    s.top_subnets.ForEach([&](const auto& e) {
      if (e.count >= 0.1 * static_cast<double>(s.requests)) net[fingerprint::FormatSubnet(e.key)]++;
    });
  }
  return {Shared(pay, 20), Shared(dom, 20), Shared(net, 20), Shared(org, 20)};
}

void WriteIndicators(JsonWriter& w, const char* key, const char* field,
                     const std::vector<Indicator>& v) {
  w.Key(key).BeginArray();
  for (const auto& i : v)
    w.BeginObject().Key(field).String(i.value).Key("accounts").Int(i.accounts).EndObject();
  w.EndArray();
}

std::string Thousands(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string Area(const std::string& name) {
  std::string s = name;
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

}  // namespace

std::string AccountsJsonl(const RunView& run) {
  std::string out;
  const auto& af = run.policy.score.account_features;
  for (size_t i : AccountOrder(run.table)) {
    const auto& a = run.scores.accounts[i];
    const auto& s = run.table.state(i);
    JsonWriter w(out);
    w.BeginObject().Key("user.id").String(run.table.id(i));
    w.Key("score").Number(Round(a.score));
    w.Key("verdict").String(score::VerdictName(a.verdict));
    w.Key("campaign");
    if (a.campaign >= 0) {
      w.String(run.scores.campaigns[static_cast<size_t>(a.campaign)].id);
    } else {
      w.Null();
    }
    w.Key("reasons").BeginArray();
    for (const auto& r : a.reasons) w.String(r);
    w.EndArray();
    w.Key("requests").Int(static_cast<int64_t>(s.requests));
    w.Key("scanned").Int(static_cast<int64_t>(s.scanned));
    w.Key("first_seen").String(FormatRfc3339(s.first_time));
    w.Key("last_seen").String(FormatRfc3339(s.last_time));
    if (run.first_flags != nullptr && i < run.first_flags->size() && (*run.first_flags)[i]) {
      const FirstFlag& f = *(*run.first_flags)[i];
      w.Key("first_flagged").String(FormatRfc3339(f.time));
      w.Key("requests_before_flag").Int(static_cast<int64_t>(f.requests_before));
    }
    w.Key("features").BeginObject();
    for (size_t k = 0; k < af.size() && k < a.features.size(); ++k)
      w.Key(af[k].name).Number(Round(a.features[k].value));
    w.EndObject();
    w.EndObject();
    out.push_back('\n');
  }
  return out;
}

std::string CampaignsJson(const RunView& run) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("policy").String(run.policy.name).Key("campaigns").BeginArray();
  const auto& cf = run.policy.score.campaign_features;
  for (const auto& c : run.scores.campaigns) {
    const link::Component& comp = run.links.components[c.component];
    std::vector<std::string> ids;
    for (uint32_t m : comp.members) ids.push_back(run.table.id(m));
    std::sort(ids.begin(), ids.end());
    w.BeginObject();
    w.Key("id").String(c.id);
    w.Key("verdict").String(c.attack ? "attack" : "benign");
    w.Key("score").Number(Round(c.score));
    w.Key("accounts").Int(static_cast<int64_t>(ids.size()));
    w.Key("interactions").Int(static_cast<int64_t>(c.requests));
    w.Key("first_seen").String(FormatRfc3339(c.first_seen));
    w.Key("last_seen").String(FormatRfc3339(c.last_seen));
    w.Key("capabilities").BeginObject();
    for (const auto& [area, share] : c.capabilities) w.Key(area).Number(Round(share));
    w.EndObject();
    w.Key("elicitation_frames").BeginObject();
    for (const auto& [frame, share] : c.frames) w.Key(frame).Number(Round(share));
    w.EndObject();
    const CampaignIndicators ind = Indicators(run, comp);
    w.Key("indicators").BeginObject();
    WriteIndicators(w, "payment_fingerprints", "value", ind.payments);
    WriteIndicators(w, "organizations", "value", ind.organizations);
    WriteIndicators(w, "email_domains", "value", ind.domains);
    WriteIndicators(w, "networks", "cidr", ind.subnets);
    WriteContentIndicators(w, run, comp);
    w.Key("linked_by").BeginArray();
    for (const auto& l : c.linked_by) w.String(l);
    w.EndArray();
    w.Key("template_similarity").Number(Round(comp.template_similarity));
    w.Key("synchrony").Number(Round(comp.synchrony));
    w.Key("shared_evidence").Number(Round(comp.shared_evidence));
    w.EndObject();
    w.Key("features").BeginObject();
    for (size_t k = 0; k < cf.size() && k < c.features.size(); ++k)
      w.Key(cf[k].name).Number(Round(c.features[k].value));
    w.EndObject();
    w.Key("unmeasured").BeginArray();
    for (size_t k = 0; k < cf.size() && k < c.features.size(); ++k) {
      if (!c.features[k].measured) w.String(cf[k].name);
    }
    w.EndArray();
    w.Key("reasons").BeginArray();
    for (const auto& r : c.reasons) w.String(r);
    w.EndArray();
    WriteCampaignAggregates(w, run, comp, c);
    w.Key("account_ids").BeginArray();
    for (const auto& id : ids) w.String(id);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  WriteBaseline(w, run);
  w.EndObject();
  out.push_back('\n');
  return out;
}

std::string ReportMarkdown(const RunView& run) {
  const RunSummary& sum = run.summary;
  std::string md;
  size_t attack_campaigns = 0, attack_accounts = 0, suspicious = 0;
  uint64_t attack_requests = 0;
  for (const auto& c : run.scores.campaigns) {
    if (c.attack) {
      ++attack_campaigns;
      attack_requests += c.requests;
    }
  }
  for (const auto& a : run.scores.accounts) {
    attack_accounts += a.verdict == score::Verdict::kAttack;
    suspicious += a.verdict == score::Verdict::kSuspicious;
  }
  md += "# hydrawatch report\n\n";
  md += fmt::format(
      "{} distillation campaign(s) found: {} exchanges through {} accounts. {} further accounts "
      "are "
      "flagged for review. Input: {} events from {} account(s) ({} lines, {} rejected, {} "
      "duplicate "
      "deliveries). Policy `{}`, rules `{}`.\n\n",
      attack_campaigns, Thousands(attack_requests), Thousands(attack_accounts),
      Thousands(suspicious), Thousands(sum.events), Thousands(run.table.size()),
      Thousands(sum.lines), Thousands(sum.rejected), Thousands(sum.duplicates), sum.policy_name,
      sum.rules_name);
  for (const auto& c : run.scores.campaigns) {
    if (!c.attack) continue;
    const link::Component& comp = run.links.components[c.component];
    std::string targets;
    for (size_t k = 0; k < c.capabilities.size() && k < 3; ++k) {
      targets += fmt::format(
          "{}{} ({:.0f}%)",
          k ? (k + 1 == std::min<size_t>(3, c.capabilities.size()) ? " and " : ", ") : "",
          Area(c.capabilities[k].first), 100 * c.capabilities[k].second);
    }
    std::string linked;
    for (size_t k = 0; k < c.linked_by.size() && k < 3; ++k) {
      const std::string& l = c.linked_by[k];
      linked += (k ? ", " : "") + l.substr(0, l.find(" ("));
    }
    md += fmt::format(
        "**Campaign {}** (score {:.2f}): {} exchanges through {} accounts between {} and {}, "
        "targeting {}; linked by {}.",
        c.id, c.score, Thousands(c.requests), Thousands(comp.members.size()),
        FormatLongDate(c.first_seen), FormatLongDate(c.last_seen), targets, linked);
    if (!c.frames.empty()) {
      std::string frames;
      for (size_t k = 0; k < c.frames.size() && k < 3; ++k) {
        frames += fmt::format("{}{} in {:.0f}% of requests", k ? ", " : "", Area(c.frames[k].first),
                              100 * c.frames[k].second);
      }
      md += " Elicitation frames: " + frames + ".";
    }
    md += "\n\n";
  }
  md += "## Evidence\n\n";
  const auto& cf = run.policy.score.campaign_features;
  for (const auto& c : run.scores.campaigns) {
    if (!c.attack) continue;
    const link::Component& comp = run.links.components[c.component];
    md += fmt::format("### Campaign {}\n\n", c.id);
    for (const auto& r : c.reasons) md += "- " + r + "\n";
    md += "\n| feature | value | evidence (0-1) | weight |\n|---|---|---|---|\n";
    for (size_t k = 0; k < cf.size() && k < c.features.size(); ++k) {
      const double v = c.features[k].value;
      md += fmt::format("| {} | {} | {:.2f} | {:.1f} |\n", cf[k].name,
                        std::abs(v) >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v),
                        c.features[k].ramped, c.features[k].weight);
    }
    const CampaignIndicators ind = Indicators(run, comp);
    auto table = [&](const char* title, const std::vector<Indicator>& v) {
      if (v.empty()) return;
      md += fmt::format("\n{} shared by several accounts:\n\n| value | accounts |\n|---|---|\n",
                        title);
      for (size_t k = 0; k < v.size() && k < 10; ++k)
        md += fmt::format("| `{}` | {} |\n", v[k].value, v[k].accounts);
    };
    table("Payment fingerprints", ind.payments);
    table("E-mail domains", ind.domains);
    table("Networks", ind.subnets);
    md += fmt::format(
        "\nLinks: {} joining edges; mean template overlap {:.2f}, mean synchrony {:.2f}; "
        "evidence of something shared beyond alike prompts {:.2f} per link.\n\n",
        comp.edges, comp.template_similarity, comp.synchrony, comp.shared_evidence);
  }
  md +=
      "## Linked groups cleared as benign\n\nGroups that share something (a company card, an "
      "office network, a class's "
      "assignments) but do not behave like distillation. Listed so that an analyst can check the "
      "call.\n\n";
  size_t listed = 0;
  for (const auto& c : run.scores.campaigns) {
    if (c.attack) continue;
    if (listed++ >= 25) break;
    const link::Component& comp = run.links.components[c.component];
    md += fmt::format("- {} (score {:.2f}): {} accounts, {} exchanges; linked by {}.\n", c.id,
                      c.score, comp.members.size(), Thousands(c.requests),
                      c.linked_by.empty() ? "-" : c.linked_by.front());
  }
  if (listed == 0) md += "None.\n";
  md += "\n## Accounts flagged for review\n\n";
  std::vector<size_t> sus;
  for (size_t i = 0; i < run.scores.accounts.size(); ++i) {
    if (run.scores.accounts[i].verdict == score::Verdict::kSuspicious) sus.push_back(i);
  }
  std::stable_sort(sus.begin(), sus.end(), [&](size_t a, size_t b) {
    const double sa = run.scores.accounts[a].score, sb = run.scores.accounts[b].score;
    return sa != sb ? sa > sb : run.table.id(a) < run.table.id(b);
  });
  if (sus.empty()) md += "None.\n";
  for (size_t k = 0; k < sus.size() && k < 50; ++k) {
    const auto& a = run.scores.accounts[sus[k]];
    md += fmt::format("- `{}` (score {:.2f}): {}\n", run.table.id(sus[k]), a.score,
                      a.reasons.empty() ? std::string("-") : a.reasons.front());
  }
  return md;
}

std::string LinksJsonl(const RunView& run) {
  std::vector<std::string> campaign_of(run.links.components.size());
  for (const score::CampaignScore& c : run.scores.campaigns) campaign_of[c.component] = c.id;
  auto r3 = [](double v) { return std::round(v * 1000) / 1000; };
  std::string out;
  for (const link::Edge& e : run.links.edges_joined) {
    const int32_t comp = run.links.component_of[e.a];
    if (comp < 0) continue;
    const size_t ci = static_cast<size_t>(comp);
    JsonWriter w(out);
    w.BeginObject();
    w.Key("campaign").String(campaign_of[ci]);
    w.Key("a").String(run.table.id(e.a)).Key("b").String(run.table.id(e.b));
    w.Key("weight").Number(r3(e.total));
    w.Key("channels").BeginObject();
    for (size_t k = 0; k < policy::kChannels; ++k) {
      if (e.by_channel[k] > 0)
        w.Key(policy::ChannelName(static_cast<policy::Channel>(k))).Number(r3(e.by_channel[k]));
    }
    w.EndObject();
    w.Key("template_similarity").Number(r3(e.template_similarity));
    w.Key("synchrony").Number(r3(e.synchrony));
    w.EndObject();
    out.push_back('\n');
  }
  return out;
}

Status WriteAll(const RunView& run, const std::string& dir) {
  if (Status s = MakeDirs(dir); !s.ok()) return s;
  if (Status s = WriteFile(dir + "/accounts.jsonl", AccountsJsonl(run)); !s.ok()) return s;
  if (Status s = WriteFile(dir + "/campaigns.json", CampaignsJson(run)); !s.ok()) return s;
  if (Status s = WriteFile(dir + "/links.jsonl", LinksJsonl(run)); !s.ok()) return s;
  return WriteFile(dir + "/report.md", ReportMarkdown(run));
}

}  // namespace hw::report
