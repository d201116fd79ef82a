#include "engine/serve/console.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include "engine/common/json_writer.h"
#include "engine/report/writer.h"
#include "engine/serve/mono_clock.h"

namespace hw::serve {

namespace {

constexpr std::string_view kApiPrefix = "/v1/console/";

void Json(Response& resp) {
  resp.SetStatus(200);
  resp.SetContentType("application/json");
}

void Time(JsonWriter& w, std::optional<TimeUs> t) {
  if (t && *t > 0) {
    w.String(FormatRfc3339(*t));
  } else {
    w.Null();
  }
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Bounded integer query parameter; `fallback` when absent, false when bad.
bool IntParam(const Request& req, std::string_view name, size_t fallback, size_t max, size_t* out) {
  std::string text;
  if (!req.QueryParam(name, &text)) {
    *out = fallback;
    return true;
  }
  size_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || v > max)
    return false;
  *out = v;
  return true;
}

}  // namespace

ConsoleService::ConsoleService(const pipeline::EngineSpec* spec, DecisionService* decisions,
                               IngestService* ingest, const AdminService* admin)
    : spec_(spec), decisions_(decisions), ingest_(ingest), admin_(admin) {
  const Sha256 sort = Sha256Of(casefile::SortScript());
  // Case pages are shown in a sandboxed frame loaded from a blob: URL the
  // page makes (hence frame-src blob:); a blob: document inherits this
  // policy: their one inline script is allowed by its hash, their inline
  // styles by 'unsafe-inline' (styles cannot run code).
  csp_ = "default-src 'none'; script-src 'self' 'sha256-" +
         Base64(std::string_view(reinterpret_cast<const char*>(sort.data()), sort.size())) +
         "'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
         "frame-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

void ConsoleService::Register(Router* admin) {
  admin->Add("console", MethodBit(Method::kGet) | MethodBit(Method::kHead), "/console", true,
             [this](const Request& q, Response& r) { Asset(q, r); });
  admin->Add("console_api", MethodBit(Method::kGet), std::string(kApiPrefix), true,
             [this](const Request& q, Response& r) { Api(q, r); });
}

void ConsoleService::Asset(const Request& req, Response& resp) const {
  const std::string_view path = req.path();
  const char* body = nullptr;
  const char* type = nullptr;
  if (path == "/console") {
    resp.SetStatus(301);
    resp.AddHeader("Location", "/console/");
    return;
  }
  if (path == "/console/" || path == "/console/index.html") {
    body = kConsoleIndexHtml;
    type = "text/html; charset=utf-8";
  } else if (path == "/console/app.js") {
    body = kConsoleAppJs;
    type = "text/javascript; charset=utf-8";
  } else if (path == "/console/app.css") {
    body = kConsoleAppCss;
    type = "text/css; charset=utf-8";
  } else {
    return resp.Error(404, "not found");
  }
  resp.SetStatus(200);
  resp.SetContentType(type);
  resp.AddHeader("Content-Security-Policy", csp_);
  resp.AddHeader("X-Content-Type-Options", "nosniff");
  resp.AddHeader("Referrer-Policy", "no-referrer");
  resp.AddHeader("Cache-Control", "no-cache");
  resp.body() = body;
}

std::shared_ptr<const ConsoleService::View> ConsoleService::Current() {
  std::lock_guard lock(build_mu_);
  if (ingest_ == nullptr) return nullptr;
  const uint64_t runs = ingest_->engine_runs();
  const int64_t now_ns = MonotonicNs();
  const bool stale = view_ == nullptr || (runs != view_->runs && now_ns - built_ns_ >= kRefreshNs);
  if (stale) {
    std::shared_ptr<const View> fresh = Build();
    if (fresh != nullptr) {
      view_ = std::move(fresh);
      built_ns_ = now_ns;
    }
  }
  return view_;
}

std::shared_ptr<const ConsoleService::View> ConsoleService::Build() {
  auto view = std::make_shared<View>();
  std::string campaigns, accounts, links;
  bool ran = false;
  view->runs = ingest_->ReadLatestRun([&](const pipeline::OnlineEngine& engine) {
    if (engine.links() == nullptr || engine.scores() == nullptr) return;
    ran = true;
    const fingerprint::AccountTable& table = engine.detected_table();
    report::RunSummary summary;
    summary.policy_name = spec_->policy.name;
    summary.rules_name = spec_->rules->name();
    const report::RunView run{table,         engine.infos(), *engine.links(),   *engine.scores(),
                              spec_->policy, summary,        nullptr,           nullptr,
                              nullptr,       nullptr,        &spec_->vocabulary};
    campaigns = report::CampaignsJson(run);
    accounts = report::AccountsJsonl(run);
    links = report::LinksJsonl(run);
    view->run_at = engine.last_run_at();
    view->table_ids.reserve(table.size());
    for (size_t i = 0; i < table.size(); ++i) view->table_ids.emplace_back(table.id(i));
    // links.jsonl writes one line per joined edge inside a group, in this order.
    for (const link::Edge& e : engine.links()->edges_joined) {
      if (engine.links()->component_of[e.a] < 0) continue;
      view->edges.push_back(LinkEdge{e.a, e.b, e.total, {}});
    }
    for (const score::AccountScore& a : engine.scores()->accounts)
      view->attack_accounts += a.verdict == score::Verdict::kAttack;
  });
  if (!ran) return nullptr;
  view->policy = spec_->policy.name;
  // The report's own text, read back by the readers `hydrawatch report`
  // uses: the console shows exactly what the files would hold. A failure is
  // a bug in writer or reader; the previous view stays.
  Result<share::CampaignsFile> c = share::ParseCampaigns(campaigns, "campaigns.json");
  Result<std::vector<share::AccountRecord>> a = share::ParseAccounts(accounts, "accounts.jsonl");
  if (!c.ok() || !a.ok()) return nullptr;
  view->result.campaigns = std::move(*c);
  view->result.accounts = std::move(*a);
  for (size_t start = 0; start < accounts.size();) {
    size_t end = accounts.find('\n', start);
    if (end == std::string::npos) end = accounts.size();
    if (end > start) view->account_lines.emplace_back(accounts, start, end - start);
    start = end + 1;
  }
  if (view->account_lines.size() != view->result.accounts.size()) return nullptr;
  size_t k = 0;
  for (size_t start = 0; start < links.size() && k < view->edges.size(); ++k) {
    size_t end = links.find('\n', start);
    if (end == std::string::npos) end = links.size();
    view->edges[k].json.assign(links, start, end - start);
    start = end + 1;
  }
  for (uint32_t i = 0; i < view->edges.size(); ++i) {
    view->edges_of[view->table_ids[view->edges[i].a]].push_back(i);
    view->edges_of[view->table_ids[view->edges[i].b]].push_back(i);
  }
  view->cases = casefile::Build(view->result);
  for (size_t i = 0; i < view->cases.pages.size(); ++i) view->page_of[view->cases.pages[i].id] = i;
  return view;
}

void ConsoleService::Api(const Request& req, Response& resp) {
  if (!admin_->RequireAdmin(req, resp)) return;
  const std::string_view rest = req.path().substr(kApiPrefix.size());
  std::shared_ptr<const View> view = Current();
  if (rest == "summary") return Summary(view.get(), resp);
  if (rest == "campaigns") return Campaigns(view.get(), resp);
  constexpr std::string_view kCampaigns = "campaigns/";
  constexpr std::string_view kAccounts = "accounts/";
  if (rest.substr(0, kCampaigns.size()) == kCampaigns) {
    const std::string_view tail = rest.substr(kCampaigns.size());
    const size_t slash = tail.find('/');
    if (slash != std::string_view::npos) {
      const std::string_view id = tail.substr(0, slash), what = tail.substr(slash + 1);
      if (what == "case.html") return CasePage(view.get(), id, resp);
      if (what == "accounts") return Members(view.get(), id, req, resp);
    }
  } else if (rest.substr(0, kAccounts.size()) == kAccounts) {
    std::string user_id;
    if (!DecodeUrlComponent(rest.substr(kAccounts.size()), &user_id) || user_id.empty())
      return resp.Error(400, "account: expected a percent-encoded user.id");
    return Account(view.get(), user_id, resp);
  }
  resp.Error(404, "not found");
}

void ConsoleService::Summary(const View* view, Response& resp) const {
  Json(resp);
  JsonWriter w(resp.body());
  w.BeginObject();
  w.Key("watermark");
  Time(w, decisions_->now());
  w.Key("detection_runs").Int(ingest_ ? static_cast<int64_t>(ingest_->engine_runs()) : 0);
  w.Key("run_at");
  Time(w, view ? std::optional<TimeUs>(view->run_at) : std::nullopt);
  w.Key("accounts").Int(view ? static_cast<int64_t>(view->result.accounts.size()) : 0);
  int64_t attack = 0;
  if (view) {
    for (const auto& c : view->result.campaigns.campaigns) attack += c.attack;
  }
  w.Key("campaigns").Int(view ? static_cast<int64_t>(view->result.campaigns.campaigns.size()) : 0);
  w.Key("attack_campaigns").Int(attack);
  w.Key("attack_accounts").Int(view ? static_cast<int64_t>(view->attack_accounts) : 0);
  w.Key("decisions_active")
      .Int(static_cast<int64_t>(
          decisions_->Read([](const decide::DecisionStore& s) { return s.active_count(); })));
  w.Key("policy").String(view ? view->policy : std::string());
  w.EndObject();
}

void ConsoleService::Campaigns(const View* view, Response& resp) const {
  Json(resp);
  JsonWriter w(resp.body());
  w.BeginObject();
  w.Key("run_at");
  Time(w, view ? std::optional<TimeUs>(view->run_at) : std::nullopt);
  w.Key("policy").String(view ? view->policy : std::string());
  w.Key("campaigns").BeginArray();
  if (view != nullptr) {
    const TimeUs now = decisions_->now();
    for (const share::CampaignRecord& c : view->result.campaigns.campaigns) {
      // The members' decisions in force, by action (simulated ones apart).
      int64_t by_action[4] = {}, simulated = 0;
      decisions_->Read([&](const decide::DecisionStore& s) {
        for (const std::string& id : c.account_ids) {
          for (const decide::Decision* d : s.Active(id)) {
            if (d->simulated) {
              ++simulated;
            } else if (d->start <= now && now < d->until) {
              ++by_action[static_cast<int>(d->action)];
            }
          }
        }
        return 0;
      });
      w.BeginObject();
      w.Key("id").String(c.id);
      w.Key("verdict").String(c.attack ? "attack" : "benign");
      w.Key("score").Number(c.score);
      w.Key("accounts").Int(static_cast<int64_t>(c.account_ids.size()));
      w.Key("interactions").Int(c.interactions);
      w.Key("first_seen");
      Time(w, c.first_seen);
      w.Key("last_seen");
      Time(w, c.last_seen);
      w.Key("capabilities").BeginArray();
      for (size_t i = 0; i < c.capabilities.size() && i < 3; ++i) {
        w.BeginObject().Key("name").String(c.capabilities[i].name);
        w.Key("share").Number(c.capabilities[i].share).EndObject();
      }
      w.EndArray();
      w.Key("reasons").BeginArray();
      for (size_t i = 0; i < c.reasons.size() && i < 2; ++i) w.String(c.reasons[i]);
      w.EndArray();
      w.Key("decisions").BeginObject();
      for (decide::Action a : {decide::Action::kSuspend, decide::Action::kVerify,
                               decide::Action::kThrottle, decide::Action::kMonitor})
        w.Key(decide::ActionName(a)).Int(by_action[static_cast<int>(a)]);
      w.Key("simulated").Int(simulated);
      w.EndObject();
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
}

void ConsoleService::CasePage(const View* view, std::string_view id, Response& resp) const {
  if (view == nullptr) return resp.Error(404, "no detection run yet");
  auto it = view->page_of.find(std::string(id));
  if (it == view->page_of.end()) return resp.Error(404, "no campaign with that id");
  resp.SetStatus(200);
  resp.SetContentType("text/html; charset=utf-8");
  resp.AddHeader("Content-Security-Policy", csp_);
  resp.AddHeader("X-Content-Type-Options", "nosniff");
  resp.body() = view->cases.pages[it->second].html;
}

void ConsoleService::Members(const View* view, std::string_view id, const Request& req,
                             Response& resp) const {
  if (view == nullptr) return resp.Error(404, "no detection run yet");
  const share::CampaignRecord* campaign = nullptr;
  for (const share::CampaignRecord& c : view->result.campaigns.campaigns) {
    if (c.id == id) campaign = &c;
  }
  if (campaign == nullptr) return resp.Error(404, "no campaign with that id");
  size_t offset = 0, limit = 0;
  if (!IntParam(req, "offset", 0, SIZE_MAX / 2, &offset))
    return resp.Error(400, "offset: expected a non-negative integer");
  if (!IntParam(req, "limit", 100, 1000, &limit))
    return resp.Error(400, "limit: expected an integer from 0 to 1000");
  std::vector<const share::AccountRecord*> members;
  members.reserve(campaign->account_ids.size());
  for (const std::string& m : campaign->account_ids) {
    if (const share::AccountRecord* r = view->result.FindAccount(m)) members.push_back(r);
  }
  std::sort(members.begin(), members.end(), [](const auto* x, const auto* y) {
    return x->score != y->score ? x->score > y->score : x->user_id < y->user_id;
  });
  const TimeUs now = decisions_->now();
  Json(resp);
  JsonWriter w(resp.body());
  w.BeginObject();
  w.Key("total").Int(static_cast<int64_t>(members.size()));
  w.Key("offset").Int(static_cast<int64_t>(offset));
  w.Key("accounts").BeginArray();
  decisions_->Read([&](const decide::DecisionStore& s) {
    for (size_t i = offset; i < members.size() && i < offset + limit; ++i) {
      const share::AccountRecord& m = *members[i];
      w.BeginObject();
      w.Key("user.id").String(m.user_id);
      w.Key("verdict").String(share::AccountVerdictName(m.verdict));
      w.Key("score").Number(m.score);
      w.Key("requests").Int(m.requests);
      w.Key("first_seen");
      Time(w, m.first_seen);
      w.Key("last_seen");
      Time(w, m.last_seen);
      w.Key("decision");
      const decide::Enforced* e = s.Find(m.user_id, now);
      if (e == nullptr) {
        w.Null();
      } else {
        w.BeginObject();
        w.Key("id").Int(static_cast<int64_t>(e->id));
        w.Key("origin").String(e->manual ? "manual" : "engine");
        w.Key("action").String(decide::ActionName(e->action));
        w.Key("simulated").Bool(e->simulated);
        w.Key("until");
        if (e->until == decide::kForever) {
          w.Null();
        } else {
          w.String(FormatRfc3339(e->until));
        }
        w.EndObject();
      }
      w.EndObject();
    }
    return 0;
  });
  w.EndArray();
  w.EndObject();
}

void ConsoleService::Account(const View* view, const std::string& user_id, Response& resp) const {
  const share::AccountRecord* record = view ? view->result.FindAccount(user_id) : nullptr;
  std::string decisions;
  size_t decision_count = 0;
  {
    JsonWriter w(decisions);
    const TimeUs now = decisions_->now();
    w.BeginArray();
    decisions_->Read([&](const decide::DecisionStore& s) {
      std::vector<const decide::Decision*> mine;
      for (const decide::Decision* d : s.Active(user_id)) mine.push_back(d);
      std::sort(mine.begin(), mine.end(),
                [](const auto* x, const auto* y) { return x->id > y->id; });
      const size_t active = mine.size();
      for (const decide::Decision* d : s.All()) {
        if (!d->active && d->account == user_id) mine.push_back(d);
      }
      std::sort(mine.begin() + static_cast<std::ptrdiff_t>(active), mine.end(),
                [](const auto* x, const auto* y) { return x->id > y->id; });
      for (const decide::Decision* d : mine) {
        // The decisions API's object, with `active` and `ended` added.
        std::string one;
        JsonWriter dw(one);
        WriteDecisionJson(dw, *d, now);
        one.pop_back();  // the closing brace
        one += d->active ? ",\"active\":true,\"ended\":null}"
                         : ",\"active\":false,\"ended\":\"" + FormatRfc3339(d->ended) + "\"}";
        w.Raw(one);
      }
      decision_count = mine.size();
      return 0;
    });
    w.EndArray();
  }
  if (record == nullptr && decision_count == 0)
    return resp.Error(404, "no such account in the latest run or the decisions");
  Json(resp);
  JsonWriter w(resp.body());
  w.BeginObject();
  w.Key("user.id").String(user_id);
  w.Key("account");
  if (record != nullptr) {
    w.Raw(view->account_lines[static_cast<size_t>(record - view->result.accounts.data())]);
  } else {
    w.Null();
  }
  w.Key("links").BeginArray();
  if (view != nullptr) {
    if (auto it = view->edges_of.find(user_id); it != view->edges_of.end()) {
      std::vector<uint32_t> order = it->second;
      std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
        const double wx = view->edges[x].weight, wy = view->edges[y].weight;
        return wx != wy ? wx > wy : x < y;
      });
      for (size_t i = 0; i < order.size() && i < 50; ++i) {
        const LinkEdge& e = view->edges[order[i]];
        const std::string& other = view->table_ids[view->table_ids[e.a] == user_id ? e.b : e.a];
        // links.jsonl's object, with the account at the other end named.
        std::string quoted;
        JsonWriter(quoted).String(other);
        std::string one = e.json;
        one.pop_back();
        one += ",\"other\":" + quoted + '}';
        w.Raw(one);
      }
    }
  }
  w.EndArray();
  w.Key("decisions").Raw(decisions);
  w.EndObject();
}

}  // namespace hw::serve
