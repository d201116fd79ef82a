#include "engine/report/aggregates.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>

namespace hw::report {

namespace {

// A user agent or template counts for an account when it carries this share
// of the account's requests (networks use the same cut, see Indicators()).
constexpr double kMainShare = 0.1;
constexpr size_t kMaxIndicators = 20;
constexpr size_t kMaxGroups = 8;

struct ModelAgg {
  uint64_t requests = 0;
  uint32_t accounts = 0;
  TimeUs first = INT64_MAX;
  std::map<int64_t, uint32_t> adopters;  // day of an account's first use -> accounts
};

struct Agg {
  uint64_t requests = 0;
  uint32_t accounts = 0;
  int64_t first_day = 0;
  std::vector<uint64_t> day_requests;  // from first_day
  std::vector<uint32_t> day_accounts;
  std::array<uint64_t, 24> hours{};
  std::map<uint64_t, ModelAgg> models;
};

Agg Aggregate(const RunView& run, const std::vector<uint32_t>& members) {
  Agg a;
  TimeUs first = INT64_MAX, last = INT64_MIN;
  for (uint32_t m : members) {
    const auto& s = run.table.state(m);
    if (s.requests == 0) continue;
    first = std::min(first, s.first_time);
    last = std::max(last, s.last_time);
  }
  if (first > last) return a;
  a.first_day = FloorDiv(first, kUsPerDay);
  const auto days = static_cast<size_t>(FloorDiv(last, kUsPerDay) - a.first_day + 1);
  a.day_requests.assign(days, 0);
  a.day_accounts.assign(days, 0);
  for (uint32_t m : members) {
    const auto& s = run.table.state(m);
    if (s.requests == 0) continue;
    a.requests += s.requests;
    ++a.accounts;
    const int64_t from = std::max({a.first_day, FloorDiv(s.first_time, kUsPerDay),
                                   s.last_day - static_cast<int64_t>(fingerprint::kDayRing) + 1});
    for (int64_t d = from; d <= s.last_day; ++d) {
      if (const uint32_t n = s.DayCount(d)) {
        a.day_requests[static_cast<size_t>(d - a.first_day)] += n;
        a.day_accounts[static_cast<size_t>(d - a.first_day)]++;
      }
    }
    for (size_t h = 0; h < 24; ++h) a.hours[h] += s.hours[h];
    for (const fingerprint::ModelUse& mu : s.models) {
      if (mu.count == 0) continue;
      ModelAgg& ma = a.models[mu.model];
      ma.requests += mu.count;
      ma.accounts++;
      ma.first = std::min(ma.first, mu.first);
      ma.adopters[FloorDiv(mu.first, kUsPerDay)]++;
    }
  }
  return a;
}

std::string Name(const fingerprint::NameBook* book, uint64_t key, const char* prefix) {
  if (book != nullptr) {
    if (const std::string* s = book->Find(key); s != nullptr && !s->empty()) return *s;
  }
  return fmt::format("{}_{:016x}", prefix, key);
}

std::string TemplateId(uint64_t key) { return fmt::format("tpl_{:016x}", key); }

void WriteAgg(JsonWriter& w, const RunView& run, const Agg& a) {
  w.Key("daily").BeginArray();
  for (size_t i = 0; i < a.day_requests.size(); ++i) {
    w.BeginObject()
        .Key("day")
        .String(FormatDate((a.first_day + static_cast<int64_t>(i)) * kUsPerDay))
        .Key("requests")
        .Int(static_cast<int64_t>(a.day_requests[i]))
        .Key("accounts")
        .Int(a.day_accounts[i])
        .EndObject();
  }
  w.EndArray();
  w.Key("hours").BeginArray();
  for (uint64_t h : a.hours) w.Int(static_cast<int64_t>(h));
  w.EndArray();
  std::vector<std::pair<uint64_t, const ModelAgg*>> models;
  for (const auto& [k, m] : a.models) models.emplace_back(k, &m);
  std::stable_sort(models.begin(), models.end(), [](const auto& x, const auto& y) {
    return x.second->requests > y.second->requests;
  });
  w.Key("models").BeginArray();
  for (const auto& [k, m] : models) {
    w.BeginObject().Key("name").String(Name(run.model_names, k, "model"));
    w.Key("requests").Int(static_cast<int64_t>(m->requests)).Key("accounts").Int(m->accounts);
    w.Key("first_seen").String(FormatRfc3339(m->first));
    w.Key("adoption").BeginArray();
    for (const auto& [day, n] : m->adopters) {
      w.BeginObject().Key("day").String(FormatDate(day * kUsPerDay)).Key("accounts").Int(n);
      w.EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
}

struct Counted {
  uint32_t accounts = 0;
  uint64_t requests = 0;
};

// Shared by two or more accounts, most accounts (then requests, then key) first.
template <typename Key>
std::vector<std::pair<Key, Counted>> TopShared(const std::map<Key, Counted>& m, size_t limit) {
  std::vector<std::pair<Key, Counted>> v;
  for (const auto& [k, c] : m) {
    if (c.accounts >= 2) v.emplace_back(k, c);
  }
  std::stable_sort(v.begin(), v.end(), [](const auto& x, const auto& y) {
    return x.second.accounts != y.second.accounts ? x.second.accounts > y.second.accounts
                                                  : x.second.requests > y.second.requests;
  });
  if (v.size() > limit) v.resize(limit);
  return v;
}

// The main user agents and the top templates of one account (Misra-Gries
// entries: an account that rotates many templates keeps small counts, so
// template counts are not written, only the accounts that share them).
template <typename F>
void ForMainAgents(const fingerprint::AccountState& s, F&& f) {
  s.top_agents.ForEach([&](const auto& e) {
    if (e.count >= kMainShare * static_cast<double>(s.requests)) f(e.key, e.count);
  });
}
template <typename F>
void ForTemplates(const fingerprint::AccountState& s, F&& f) {
  s.top_templates.ForEach([&](const auto& e) { f(e.key, e.count); });
}
template <typename F>
void ForMainSubnets(const fingerprint::AccountState& s, F&& f) {
  s.top_subnets.ForEach([&](const auto& e) {
    if (e.count >= kMainShare * static_cast<double>(s.requests)) f(e.key, e.count);
  });
}

const decode::AccountInfo* Info(const RunView& run, uint32_t m) {
  return m < run.infos.size() ? run.infos[m] : nullptr;
}

// Link structure: members grouped by payment fingerprint (or, when fewer
// than a quarter of them share one, by main network); per group, which of
// the campaign's top indicators its accounts hold. An indicator held in
// several groups is what joined them.
void WriteLinkGroups(JsonWriter& w, const RunView& run, const link::Component& comp) {
  std::map<std::string, Counted> pay, net, agent, tpl, dom;
  for (uint32_t m : comp.members) {
    const auto& s = run.table.state(m);
    if (const auto* info = Info(run, m)) {
      if (!info->payment.empty()) pay["payment\t" + info->payment].accounts++;
      if (!info->email_domain.empty()) dom["email_domain\t" + info->email_domain].accounts++;
    }
    ForMainSubnets(s, [&](uint64_t k, uint32_t) {
      net["network\t" + fingerprint::FormatSubnet(k)].accounts++;
    });
    ForMainAgents(s, [&](uint64_t k, uint32_t) {
      agent["user_agent\t" + Name(run.agent_names, k, "ua")].accounts++;
    });
    ForTemplates(s, [&](uint64_t k, uint32_t) { tpl["template\t" + TemplateId(k)].accounts++; });
  }
  uint32_t paid = 0;
  for (const auto& [k, c] : pay) paid += c.accounts >= 2 ? c.accounts : 0;
  const bool by_payment = paid * 4 >= comp.members.size();
  // The members' group key.
  auto group_of = [&](uint32_t m) -> std::string {
    if (by_payment) {
      const auto* info = Info(run, m);
      return info && !info->payment.empty() ? "payment\t" + info->payment : std::string();
    }
    std::string key;
    ForMainSubnets(run.table.state(m), [&](uint64_t k, uint32_t) {
      if (key.empty()) key = "network\t" + fingerprint::FormatSubnet(k);
    });
    return key;
  };
  const auto groups = TopShared(by_payment ? pay : net, kMaxGroups);
  std::vector<std::pair<std::string, Counted>> indicators;
  for (const auto* m : {&pay, &net, &agent, &tpl, &dom}) {
    if (m == (by_payment ? &pay : &net)) continue;
    for (auto& e : TopShared(*m, 5)) indicators.push_back(e);
  }
  // group index (groups.size(): the rest) x indicator -> accounts
  std::vector<std::vector<uint32_t>> held(groups.size() + 1,
                                          std::vector<uint32_t>(indicators.size(), 0));
  std::vector<uint32_t> group_size(groups.size() + 1, 0);
  std::map<std::string, size_t> group_index, ind_index;
  for (size_t g = 0; g < groups.size(); ++g) group_index[groups[g].first] = g;
  for (size_t i = 0; i < indicators.size(); ++i) ind_index[indicators[i].first] = i;
  for (uint32_t m : comp.members) {
    auto git = group_index.find(group_of(m));
    const size_t g = git == group_index.end() ? groups.size() : git->second;
    group_size[g]++;
    auto hold = [&](const std::string& key) {
      if (auto it = ind_index.find(key); it != ind_index.end()) held[g][it->second]++;
    };
    const auto& s = run.table.state(m);
    if (const auto* info = Info(run, m)) {
      if (!info->payment.empty()) hold("payment\t" + info->payment);
      if (!info->email_domain.empty()) hold("email_domain\t" + info->email_domain);
    }
    ForMainSubnets(s,
                   [&](uint64_t k, uint32_t) { hold("network\t" + fingerprint::FormatSubnet(k)); });
    ForMainAgents(
        s, [&](uint64_t k, uint32_t) { hold("user_agent\t" + Name(run.agent_names, k, "ua")); });
    ForTemplates(s, [&](uint64_t k, uint32_t) { hold("template\t" + TemplateId(k)); });
  }
  auto split = [](const std::string& key) {
    const size_t tab = key.find('\t');
    return std::make_pair(key.substr(0, tab), key.substr(tab + 1));
  };
  w.Key("link_groups").BeginObject();
  w.Key("by").String(by_payment ? "payment" : "network");
  w.Key("groups").BeginArray();
  for (size_t g = 0; g <= groups.size(); ++g) {
    if (group_size[g] == 0) continue;
    w.BeginObject();
    w.Key("value");
    if (g < groups.size()) {
      w.String(split(groups[g].first).second);
    } else {
      w.Null();  // the members outside the listed groups
    }
    w.Key("accounts").Int(group_size[g]);
    w.Key("indicators").BeginArray();
    for (size_t i = 0; i < indicators.size(); ++i) {
      if (held[g][i] == 0) continue;
      const auto [kind, value] = split(indicators[i].first);
      w.BeginObject().Key("kind").String(kind).Key("value").String(value);
      w.Key("accounts").Int(held[g][i]).EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
}

}  // namespace

void WriteCampaignAggregates(JsonWriter& w, const RunView& run, const link::Component& comp,
                             const score::CampaignScore&) {
  WriteAgg(w, run, Aggregate(run, comp.members));
  std::map<int64_t, uint32_t> signups;
  for (uint32_t m : comp.members) {
    const auto* info = Info(run, m);
    if (info != nullptr && info->created != INT64_MIN)
      signups[FloorDiv(info->created, kUsPerDay)]++;
  }
  w.Key("signups").BeginArray();
  for (const auto& [day, n] : signups) {
    w.BeginObject().Key("day").String(FormatDate(day * kUsPerDay)).Key("accounts").Int(n);
    w.EndObject();
  }
  w.EndArray();
  WriteLinkGroups(w, run, comp);
}

void WriteContentIndicators(JsonWriter& w, const RunView& run, const link::Component& comp) {
  std::map<uint64_t, Counted> agents, templates;
  for (uint32_t m : comp.members) {
    const auto& s = run.table.state(m);
    ForMainAgents(s, [&](uint64_t k, uint32_t n) {
      agents[k].accounts++;
      agents[k].requests += n;
    });
    ForTemplates(s, [&](uint64_t k, uint32_t n) {
      templates[k].accounts++;
      templates[k].requests += n;  // orders ties only
    });
  }
  w.Key("user_agents").BeginArray();
  for (const auto& [k, c] : TopShared(agents, kMaxIndicators)) {
    w.BeginObject().Key("value").String(Name(run.agent_names, k, "ua"));
    w.Key("accounts").Int(c.accounts).Key("requests").Int(static_cast<int64_t>(c.requests));
    w.EndObject();
  }
  w.EndArray();
  w.Key("template_fingerprints").BeginArray();
  for (const auto& [k, c] : TopShared(templates, kMaxIndicators)) {
    w.BeginObject().Key("value").String(TemplateId(k));
    w.Key("accounts").Int(c.accounts);
    if (run.examples != nullptr) {
      if (const std::string* ex = run.examples->Find(k)) w.Key("example").String(*ex);
    }
    w.EndObject();
  }
  w.EndArray();
}

void WriteBaseline(JsonWriter& w, const RunView& run) {
  std::vector<uint32_t> members;
  for (size_t i = 0; i < run.table.size(); ++i) {
    const int32_t c = i < run.scores.accounts.size() ? run.scores.accounts[i].campaign : -1;
    if (c < 0 || !run.scores.campaigns[static_cast<size_t>(c)].attack)
      members.push_back(static_cast<uint32_t>(i));
  }
  const Agg a = Aggregate(run, members);
  w.Key("baseline").BeginObject();
  w.Key("accounts").Int(a.accounts).Key("requests").Int(static_cast<int64_t>(a.requests));
  WriteAgg(w, run, a);
  if (run.vocabulary != nullptr) {
    const auto& names = run.vocabulary->capabilities;
    std::vector<double> caps(names.size(), 0);
    double total = 0;
    for (uint32_t m : members) {
      const auto& s = run.table.state(m);
      const double scale = s.ScanScale();
      for (size_t k = 0; k < caps.size() && k < s.capabilities.size(); ++k) {
        caps[k] += s.capabilities[k] * scale;
        total += s.capabilities[k] * scale;
      }
    }
    std::vector<size_t> order;
    for (size_t k = 0; k < caps.size(); ++k) {
      if (caps[k] > 0) order.push_back(k);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return caps[x] > caps[y]; });
    w.Key("capabilities").BeginObject();
    for (size_t k : order) w.Key(names[k]).Number(std::round(caps[k] / total * 1e4) / 1e4);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace hw::report
