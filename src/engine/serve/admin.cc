#include "engine/serve/admin.h"

#include "engine/serve/ingest.h"

#include <simdjson.h>
#include <strings.h>

#include <charconv>
#include <cstdio>

#include "engine/common/json_writer.h"
#include "engine/decide/analyst_actions.h"
#include "engine/decide/enforcement.h"

namespace hw::serve {

namespace {

void Json(Response& resp, int status) {
  resp.SetStatus(status);
  resp.SetContentType("application/json");
}

}  // namespace

void WriteDecisionJson(JsonWriter& w, const decide::Decision& d, TimeUs now) {
  w.BeginObject();
  w.Key("id").Int(static_cast<int64_t>(d.id));
  w.Key("origin").String(decide::OriginName(d.origin));
  w.Key("scope").String("account");
  w.Key("value").String(d.account);
  w.Key("type").String(decide::ActionName(d.action));
  if (d.action == decide::Action::kThrottle) {
    w.Key("throttle").BeginObject();
    w.Key("requests").Int(d.throttle.requests);
    w.Key("tokens").Int(static_cast<int64_t>(d.throttle.tokens));
    w.Key("window").String(decide::FormatDuration(d.throttle.window));
    w.EndObject();
  }
  w.Key("start").String(FormatRfc3339(d.start));
  if (d.until == decide::kForever) {
    w.Key("until").Null();
    w.Key("duration").Null();
    w.Key("remaining_s").Null();
  } else {
    w.Key("until").String(FormatRfc3339(d.until));
    w.Key("duration").String(decide::FormatDuration(d.until - d.start));
    w.Key("remaining_s").Int(d.until > now ? (d.until - now) / kUsPerSecond : 0);
  }
  w.Key("scenario").String(d.profile);
  w.Key("reason").String(d.reason);
  w.Key("simulated").Bool(d.simulated);
  w.Key("repeat").Int(d.repeat);
  w.EndObject();
}

namespace {

// The token of an `Authorization: Bearer` header, or empty.
std::string_view BearerToken(const Request& req) noexcept {
  std::string_view auth = req.Header("authorization");
  if (auth.size() <= 7 || strncasecmp(auth.data(), "bearer ", 7) != 0) return {};
  return auth.substr(7);
}

}  // namespace

bool HasAdminToken(const ServeConfig& config, const Request& req) noexcept {
  const std::string_view token = BearerToken(req);
  return !token.empty() && config.IsAdminToken(Sha256Of(token));
}

void RefuseNonAdmin(const Request& req, Response& resp) {
  // A bouncer key where an admin token is needed is a credential without the
  // right (403), not a missing one: a 401 would invite a retry with the same key.
  if (req.HasHeader("authorization") || req.HasHeader("x-api-key")) {
    resp.Error(403, "not an admin token");
    return;
  }
  resp.Error(401, "an admin token is required (Authorization: Bearer)");
  resp.AddHeader("WWW-Authenticate", "Bearer");
}

AdminService::AdminService(const ServeConfig& config, DecisionService* decisions, Metrics* metrics)
    : config_(config), decisions_(decisions), metrics_(metrics) {}

void AdminService::Register(Router* admin) {
  admin->Add("decisions_stream", Method::kGet, "/v1/decisions/stream",
             [this](const Request& q, Response& r) { Stream(q, r); });
  admin->Add("decisions_get", Method::kGet, "/v1/decisions",
             [this](const Request& q, Response& r) { List(q, r); });
  admin->Add("decisions_post", Method::kPost, "/v1/decisions",
             [this](const Request& q, Response& r) { Create(q, r); });
  admin->Add("decisions_delete", MethodBit(Method::kDelete), "/v1/decisions/", true,
             [this](const Request& q, Response& r) { Delete(q, r); });
  admin->Add("decisions_action", MethodBit(Method::kPost), "/v1/decisions/", true,
             [this](const Request& q, Response& r) { Act(q, r); });
  admin->Add("metrics", Method::kGet, "/metrics",
             [this](const Request&, Response& r) { RenderMetrics(r); });
}

void AdminService::RegisterHealth(Router* router) {
  router->Add("healthz", MethodBit(Method::kGet) | MethodBit(Method::kHead), "/healthz", false,
              [](const Request&, Response& r) {
                Json(r, 200);
                r.body() = "{\"status\":\"ok\"}";
              });
  router->Add("readyz", MethodBit(Method::kGet) | MethodBit(Method::kHead), "/readyz", false,
              [this](const Request&, Response& r) {
                const bool ready = decisions_->ready();
                Json(r, ready ? 200 : 503);
                r.body() = ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}";
              });
}

AdminService::Access AdminService::Authorize(const Request& req, Sha256* caller) const {
  if (const std::string_view token = BearerToken(req); !token.empty()) {
    *caller = Sha256Of(token);
    if (config_.IsAdminToken(*caller)) return Access::kWrite;
  }
  const std::string_view key = req.Header("x-api-key");
  if (!key.empty()) {
    *caller = Sha256Of(key);
    if (config_.IsBouncerKey(*caller)) return Access::kRead;
  }
  return Access::kNone;
}

bool AdminService::RequireAdmin(const Request& req, Response& resp) const {
  Sha256 caller;
  return Require(req, resp, Access::kWrite, &caller);
}

bool AdminService::Require(const Request& req, Response& resp, Access need, Sha256* caller) const {
  const Access a = Authorize(req, caller);
  if (a == Access::kWrite || (need == Access::kRead && a == Access::kRead)) return true;
  if (need == Access::kWrite) {
    RefuseNonAdmin(req, resp);
  } else if (req.HasHeader("authorization") || req.HasHeader("x-api-key")) {
    resp.Error(403, "not a known key");
  } else {
    resp.Error(401, "a bouncer key (X-Api-Key) or admin token is required");
    resp.AddHeader("WWW-Authenticate", "Bearer");
  }
  return false;
}

void AdminService::List(const Request& req, Response& resp) const {
  Sha256 caller;
  if (!Require(req, resp, Access::kRead, &caller)) return;
  std::string scope, value;
  const bool has_scope = req.QueryParam("scope", &scope);
  const bool has_value = req.QueryParam("value", &value);
  if (has_scope && scope != "account") return resp.Error(400, "scope: only 'account' is known");
  const TimeUs now = decisions_->now();
  Json(resp, 200);
  JsonWriter w(resp.body());
  w.BeginArray();
  decisions_->Read([&](const decide::DecisionStore& s) {
    if (has_value) {
      for (const decide::Decision* d : s.Active(value)) WriteDecisionJson(w, *d, now);
    } else {
      for (const decide::Decision* d : s.Since(0, true).added) WriteDecisionJson(w, *d, now);
    }
    return 0;
  });
  w.EndArray();
}

void AdminService::Stream(const Request& req, Response& resp) {
  Sha256 caller;
  if (!Require(req, resp, Access::kRead, &caller)) return;
  std::string startup_text;
  const bool startup = req.QueryParam("startup", &startup_text) && startup_text == "true";
  uint64_t cursor = 0;
  {
    std::lock_guard lock(cursors_mu_);
    auto it = cursors_.find(caller);
    if (it != cursors_.end()) cursor = it->second;
  }
  // Decisions whose span is over are reported as deleted.
  decisions_->Expire();
  const TimeUs now = decisions_->now();
  Json(resp, 200);
  JsonWriter w(resp.body());
  const uint64_t next = decisions_->Read([&](const decide::DecisionStore& s) {
    // A bouncer never polled before gets everything in force.
    const decide::DecisionStore::Changes c = s.Since(cursor, startup || cursor == 0);
    w.BeginObject();
    w.Key("new").BeginArray();
    for (const decide::Decision* d : c.added) {
      if (!d->simulated) WriteDecisionJson(w, *d, now);
    }
    w.EndArray();
    w.Key("deleted").BeginArray();
    for (uint64_t id : c.deleted) {
      w.BeginObject();
      w.Key("id").Int(static_cast<int64_t>(id));
      if (const decide::Decision* d = s.Get(id)) {
        w.Key("scope").String("account");
        w.Key("value").String(d->account);
        w.Key("type").String(decide::ActionName(d->action));
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return c.cursor;
  });
  std::lock_guard lock(cursors_mu_);
  cursors_[caller] = next;
}

void AdminService::Create(const Request& req, Response& resp) {
  Sha256 caller;
  if (!Require(req, resp, Access::kWrite, &caller)) return;
  simdjson::ondemand::parser parser;
  const simdjson::padded_string body(req.body());
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(body).get(doc) || doc.get_object().get(obj))
    return resp.Error(400, "body: expected a JSON object");
  decide::Decision d;
  d.origin = decide::Origin::kManual;
  d.profile = "manual";
  std::string_view action, duration;
  bool has_action = false, has_duration = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return resp.Error(400, "body: bad JSON");
    if (key == "account") {
      std::string_view v;
      if (field.value().get_string().get(v) || v.empty())
        return resp.Error(400, "account: expected a non-empty string");
      d.account = std::string(v);
    } else if (key == "action") {
      if (field.value().get_string().get(action))
        return resp.Error(400, "action: expected a string");
      has_action = true;
    } else if (key == "duration") {
      if (field.value().get_string().get(duration))
        return resp.Error(400, "duration: expected a string like 24h or 7d");
      has_duration = true;
    } else if (key == "reason") {
      std::string_view v;
      if (field.value().get_string().get(v)) return resp.Error(400, "reason: expected a string");
      d.reason = std::string(v);
    } else if (key == "throttle") {
      simdjson::ondemand::object t;
      if (field.value().get_object().get(t))
        return resp.Error(400, "throttle: expected {requests, tokens, window}");
      for (auto tf : t) {
        std::string_view tk;
        if (tf.unescaped_key().get(tk)) return resp.Error(400, "throttle: bad JSON");
        if (tk == "requests" || tk == "tokens") {
          uint64_t n = 0;
          if (tf.value().get_uint64().get(n) || n == 0 || (tk == "requests" && n > 1'000'000'000))
            return resp.Error(400, "throttle: requests and tokens must be positive integers");
          if (tk == "requests") {
            d.throttle.requests = static_cast<uint32_t>(n);
          } else {
            d.throttle.tokens = n;
          }
        } else if (tk == "window") {
          std::string_view wv;
          if (tf.value().get_string().get(wv) ||
              (d.throttle.window = decide::ParseDuration(wv)) <= 0)
            return resp.Error(400, "throttle.window: expected a duration like 1h");
        } else {
          return resp.Error(400, "throttle: unknown key (expected requests, tokens, window)");
        }
      }
    } else {
      return resp.Error(400,
                        "body: unknown key (expected account, action, duration, reason, throttle)");
    }
  }
  // current_location() succeeds only when something follows the object.
  if (const char* rest = nullptr; !doc.current_location().get(rest))
    return resp.Error(400, "body: trailing characters after the object");
  if (d.account.empty()) return resp.Error(400, "account: missing");
  if (!has_action) return resp.Error(400, "action: missing (monitor, throttle, verify or suspend)");
  bool known = false;
  for (decide::Action a : {decide::Action::kMonitor, decide::Action::kThrottle,
                           decide::Action::kVerify, decide::Action::kSuspend}) {
    if (action == decide::ActionName(a)) {
      d.action = a;
      known = true;
    }
  }
  if (!known) return resp.Error(400, "action: expected monitor, throttle, verify or suspend");
  if (d.action == decide::Action::kThrottle) {
    if (d.throttle.window <= 0 || (d.throttle.requests == 0 && d.throttle.tokens == 0))
      return resp.Error(400, "throttle: needs window and requests and/or tokens");
  } else if (d.throttle.window != 0 || d.throttle.requests != 0 || d.throttle.tokens != 0) {
    return resp.Error(400, "throttle: only for action throttle");
  }
  d.start = decisions_->now();
  if (has_duration) {
    const TimeUs len = decide::ParseDuration(duration);
    if (len <= 0) return resp.Error(400, "duration: expected a duration like 24h or 7d");
    d.until = d.start + len;
  }
  const uint64_t id = decisions_->Add(std::move(d));
  Json(resp, 201);
  JsonWriter w(resp.body());
  w.BeginObject().Key("id").Int(static_cast<int64_t>(id)).EndObject();
}

void AdminService::Delete(const Request& req, Response& resp) {
  Sha256 caller;
  if (!Require(req, resp, Access::kWrite, &caller)) return;
  const std::string_view tail = req.path().substr(std::string_view("/v1/decisions/").size());
  uint64_t id = 0;
  const auto r = std::from_chars(tail.data(), tail.data() + tail.size(), id);
  if (tail.empty() || r.ec != std::errc() || r.ptr != tail.data() + tail.size())
    return resp.Error(400, "decision id: expected a number");
  if (!decisions_->End(id)) return resp.Error(404, "no active decision with that id");
  Json(resp, 200);
  JsonWriter w(resp.body());
  w.BeginObject().Key("deleted").Int(1).Key("id").Int(static_cast<int64_t>(id)).EndObject();
}

void AdminService::Act(const Request& req, Response& resp) {
  Sha256 caller;
  if (!Require(req, resp, Access::kWrite, &caller)) return;
  // /v1/decisions/{id}/{action}
  const std::string_view tail = req.path().substr(std::string_view("/v1/decisions/").size());
  const size_t slash = tail.find('/');
  if (slash == std::string_view::npos) return resp.Error(404, "not found");
  const std::string_view id_text = tail.substr(0, slash);
  uint64_t id = 0;
  const auto r = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (id_text.empty() || r.ec != std::errc() || r.ptr != id_text.data() + id_text.size())
    return resp.Error(400, "decision id: expected a number");
  const std::optional<decide::AnalystAction> action =
      decide::ParseAnalystAction(tail.substr(slash + 1));
  if (!action) return resp.Error(404, "unknown action (expected confirm, extend, shadow or lift)");
  decide::AnalystRequest request;
  request.action = *action;
  std::string_view body = req.body();
  while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r' ||
                           body.front() == '\t'))
    body.remove_prefix(1);
  if (!body.empty()) {
    simdjson::ondemand::parser parser;
    const simdjson::padded_string padded(body);
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    if (parser.iterate(padded).get(doc) || doc.get_object().get(obj))
      return resp.Error(400, "body: expected a JSON object");
    for (auto field : obj) {
      std::string_view key, v;
      if (field.unescaped_key().get(key)) return resp.Error(400, "body: bad JSON");
      if (key == "reason") {
        if (field.value().get_string().get(v)) return resp.Error(400, "reason: expected a string");
        request.reason = std::string(v);
      } else if (key == "duration") {
        if (field.value().get_string().get(v) || (request.duration = decide::ParseDuration(v)) <= 0)
          return resp.Error(400, "duration: expected a duration like 24h or 7d");
      } else {
        return resp.Error(400, "body: unknown key (expected reason, duration)");
      }
    }
    if (const char* rest = nullptr; !doc.current_location().get(rest))
      return resp.Error(400, "body: trailing characters after the object");
  }
  const TimeUs now = decisions_->now();
  const Result<decide::AnalystOutcome> out = decisions_->Write(
      [&](decide::DecisionStore& s) { return decide::ApplyAnalystAction(&s, id, request, now); });
  if (!out.ok()) {
    return resp.Error(out.status().code() == ErrorCode::kNotFound ? 404 : 400,
                      out.status().message());
  }
  Json(resp, 200);
  JsonWriter w(resp.body());
  w.BeginObject().Key("ended").Int(static_cast<int64_t>(out->ended)).Key("id");
  if (out->replaced_by) {
    w.Int(static_cast<int64_t>(*out->replaced_by));
  } else {
    w.Null();
  }
  w.EndObject();
}

void AdminService::RenderMetrics(Response& resp) const {
  resp.SetStatus(200);
  resp.SetContentType("text/plain; version=0.0.4");
  std::string& out = resp.body();
  metrics_->Render(&out);
  uint64_t by_action[4][2] = {};
  decisions_->Read([&](const decide::DecisionStore& s) {
    for (const decide::Decision* d : s.Since(0, true).added)
      by_action[static_cast<int>(d->action)][d->simulated ? 1 : 0]++;
    return 0;
  });
  out.append(
      "# HELP hydrawatch_decisions_active Decisions in force, by action (simulated: shadow "
      "mode).\n# TYPE hydrawatch_decisions_active gauge\n");
  char line[160];
  for (int a = 0; a < 4; ++a) {
    for (int sim = 0; sim < 2; ++sim) {
      const int n = std::snprintf(
          line, sizeof line, "hydrawatch_decisions_active{action=\"%s\",simulated=\"%s\"} %llu\n",
          decide::ActionName(static_cast<decide::Action>(a)), sim ? "true" : "false",
          static_cast<unsigned long long>(by_action[a][sim]));
      out.append(line, static_cast<size_t>(n));
    }
  }
  const int n = std::snprintf(line, sizeof line,
                              "# HELP hydrawatch_watermark_seconds Event-time watermark.\n"
                              "# TYPE hydrawatch_watermark_seconds gauge\n"
                              "hydrawatch_watermark_seconds %.6f\n",
                              static_cast<double>(decisions_->now()) / 1e6);
  out.append(line, static_cast<size_t>(n));
  if (ingest_ == nullptr) return;
  const IngestTotals t = ingest_->totals();
  const struct {
    const char* name;
    const char* help;
    uint64_t value;
    const char* type = "counter";
  } samples[] = {
      {"hydrawatch_ingest_batches_total", "POST /v1/events batches processed.", t.batches},
      {"hydrawatch_ingest_lines_total", "Lines received.", t.lines},
      {"hydrawatch_ingest_events_total", "Events accepted.", t.events},
      {"hydrawatch_ingest_rejected_total", "Lines rejected (answered with line and reason).",
       t.rejected},
      {"hydrawatch_ingest_duplicates_total", "Repeated gen_ai.response.id, counted once.",
       t.duplicates},
      {"hydrawatch_ingest_busy_total", "Batches answered 429 (engine busy).", t.busy},
      {"hydrawatch_detection_runs_total", "Link, score and decide runs.", t.detections},
      {"hydrawatch_state_errors_total", "Journal appends and checkpoints that failed.",
       t.state_errors},
      {"hydrawatch_state_checkpoints_total", "Checkpoints written to the state store.",
       t.checkpoints.checkpoints},
      {"hydrawatch_state_checkpoint_accounts_total",
       "Account states written by checkpoints (an account once per checkpoint).",
       t.checkpoints.accounts},
      {"hydrawatch_state_checkpoint_bytes_total", "Keys and values written by checkpoints.",
       t.checkpoints.bytes},
      {"hydrawatch_ingest_queue_batches",
       "Batches accepted (journaled) and not yet folded into the engine.", t.queue_batches,
       "gauge"},
      {"hydrawatch_ingest_queue_bytes", "Bytes of the batches accepted and not yet folded.",
       t.queue_bytes, "gauge"},
      {"hydrawatch_ingest_queue_capacity",
       "Batches the queue holds; beyond them a POST waits for a place, then gets 429.",
       IngestService::kMaxInFlight, "gauge"},
      {"hydrawatch_ingest_queue_waiting", "Batches waiting for a place in the queue.",
       t.queue_waiting, "gauge"},
  };
  char entry[512];  // the HELP, TYPE and sample lines of one metric
  for (const auto& c : samples) {
    const int k =
        std::snprintf(entry, sizeof entry, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", c.name, c.help,
                      c.name, c.type, c.name, static_cast<unsigned long long>(c.value));
    out.append(entry, static_cast<size_t>(std::min<int>(k, sizeof entry - 1)));
  }
  const struct {
    const char* name;
    const char* help;
    uint64_t ns;
  } seconds[] = {
      {"hydrawatch_state_checkpoint_seconds_total", "Time checkpoints held ingest up.",
       t.checkpoint_ns},
      {"hydrawatch_state_checkpoint_write_seconds_total",
       "Time checkpoints took to write beside the ingest.", t.checkpoint_write_ns},
  };
  for (const auto& c : seconds) {
    const int k = std::snprintf(entry, sizeof entry, "# HELP %s %s\n# TYPE %s counter\n%s %.6f\n",
                                c.name, c.help, c.name, c.name, static_cast<double>(c.ns) / 1e9);
    out.append(entry, static_cast<size_t>(std::min<int>(k, sizeof entry - 1)));
  }
}

}  // namespace hw::serve
