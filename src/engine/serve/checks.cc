#include "engine/serve/checks.h"

#include <strings.h>

#include <chrono>
#include <exception>

#include "engine/common/json_writer.h"
#include "engine/serve/mono_clock.h"

namespace hw::serve {

namespace {

CheckOutcome OutcomeOf(decide::Action a) noexcept {
  switch (a) {
    case decide::Action::kThrottle:
      return CheckOutcome::kThrottle;
    case decide::Action::kVerify:
      return CheckOutcome::kVerify;
    case decide::Action::kSuspend:
      return CheckOutcome::kSuspend;
    case decide::Action::kMonitor:
      return CheckOutcome::kAllow;
  }
  return CheckOutcome::kAllow;
}

}  // namespace

CheckService::CheckService(const ServeConfig& config, const ApiKeyTable* keys,
                           DecisionService* decisions, Metrics* metrics)
    : config_(config), keys_(keys), decisions_(decisions), metrics_(metrics) {}

void CheckService::Register(Router* router) {
  const uint32_t any = static_cast<uint32_t>(MethodMask::kAny);
  router->Add("envoy", any, config_.envoy_prefix, true,
              [this](const Request& q, Response& r) { Check(Gateway::kEnvoy, q, r); });
  router->Add("nginx", any, config_.nginx_path, false,
              [this](const Request& q, Response& r) { Check(Gateway::kNginx, q, r); });
  router->Add("traefik", any, config_.traefik_path, false,
              [this](const Request& q, Response& r) { Check(Gateway::kTraefik, q, r); });
}

std::string CheckService::OverloadResponse() const {
  if (config_.fail_mode == FailMode::kOpen) {
    return "HTTP/1.1 200 OK\r\nx-hydrawatch-degraded: overload\r\nContent-Length: 0\r\n"
           "Connection: close\r\n\r\n";
  }
  return {};  // the server's 503
}

std::string_view CheckService::Account(const Request& req, bool* present) const {
  *present = req.HasHeader(config_.account_header);
  std::string_view v = req.Header(config_.account_header);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  // A key in Authorization comes as "Bearer <key>".
  if (v.size() > 7 && strncasecmp(v.data(), "bearer ", 7) == 0) v.remove_prefix(7);
  if (v.empty()) return {};
  if (config_.lookup == AccountLookup::kAccountId) return v;
  const ApiKeyTable* keys = keys_.load(std::memory_order_seq_cst);
  return keys ? keys->Find(v) : std::string_view();
}

std::string_view CheckService::OriginalPath(Gateway gateway, const Request& req) const {
  std::string_view p;
  switch (gateway) {
    case Gateway::kEnvoy:
      // ext_authz appends the original path to path_prefix.
      p = req.target().substr(config_.envoy_prefix.size());
      break;
    case Gateway::kNginx:
      // Set by the documented snippet: proxy_set_header X-Original-URI $request_uri.
      p = req.Header("x-original-uri");
      break;
    case Gateway::kTraefik:
      p = req.Header("x-forwarded-uri");
      break;
  }
  return p.substr(0, p.find('?'));
}

void CheckService::Fail(Gateway gateway, const Request& req, Response& resp,
                        std::string_view why) const {
  resp.Reset();
  if (config_.fail_mode == FailMode::kOpen) {
    resp.SetStatus(200);
    resp.AddHeader("x-hydrawatch-degraded", why);
    metrics_->CountCheck(req.worker(), CheckOutcome::kFailOpen, MonotonicNs() - req.received_ns());
  } else {
    resp.Error(503, why);
    resp.AddHeader("Retry-After", int64_t{1});
    metrics_->CountCheck(req.worker(), CheckOutcome::kFailClosed,
                         MonotonicNs() - req.received_ns());
  }
}

void CheckService::Deny(Gateway gateway, const CheckResult& r, Response& resp) const {
  const bool throttle = r.action == decide::Action::kThrottle;
  resp.SetStatus(gateway == Gateway::kNginx ? 403 : throttle ? 429 : 403);
  resp.AddHeader("X-Hydrawatch-Action", decide::ActionName(r.action));
  if (r.retry_after_s > 0) resp.AddHeader("Retry-After", r.retry_after_s);
  resp.SetContentType("application/json");
  std::string& b = resp.body();
  b.append("{\"action\":\"");
  b.append(decide::ActionName(r.action));
  b.append("\",\"reason\":");
  AppendJsonString(b, throttle ? std::string_view("request limit reached") : r.Reason());
  b.append(",\"decision_id\":");
  AppendJsonInt(b, static_cast<int64_t>(r.id));
  if (r.retry_after_s > 0) {
    b.append(",\"retry_after\":");
    AppendJsonInt(b, r.retry_after_s);
  }
  b.push_back('}');
}

void CheckService::Check(Gateway gateway, const Request& req, Response& resp) const {
  try {
    const std::string_view original = OriginalPath(gateway, req);
    for (const std::string& p : config_.exempt_paths) {
      if (original.substr(0, p.size()) == p) {
        resp.SetStatus(200);
        resp.AddHeader("x-hydrawatch-action", "exempt");
        metrics_->CountCheck(req.worker(), CheckOutcome::kExempt,
                             MonotonicNs() - req.received_ns());
        return;
      }
    }
    if (!decisions_->ready()) return Fail(gateway, req, resp, "not ready");
    bool present = false;
    const std::string_view account = Account(req, &present);
    if (account.empty()) {
      const char* status = present ? "unknown" : "missing";
      if (config_.unknown_allow) {
        resp.SetStatus(200);
        resp.AddHeader("x-hydrawatch-account-status", status);
        metrics_->CountCheck(req.worker(), CheckOutcome::kAllowUnknown,
                             MonotonicNs() - req.received_ns());
      } else {
        resp.Error(401, present ? "unknown account" : "no account header");
        resp.AddHeader("x-hydrawatch-account-status", status);
        if (gateway != Gateway::kNginx) resp.AddHeader("WWW-Authenticate", "ApiKey");
        metrics_->CountCheck(req.worker(), CheckOutcome::kDenyUnknown,
                             MonotonicNs() - req.received_ns());
      }
      return;
    }
    const CheckResult r = decisions_->Check(account);
    if (r.deny) {
      Deny(gateway, r, resp);
      metrics_->CountCheck(req.worker(), OutcomeOf(r.action), MonotonicNs() - req.received_ns());
      return;
    }
    resp.SetStatus(200);
    resp.AddHeader("x-hydrawatch-account", account);
    resp.AddHeader("x-hydrawatch-action", r.enforced ? decide::ActionName(r.action) : "allow");
    if (r.enforced) resp.AddHeader("x-hydrawatch-decision", static_cast<int64_t>(r.id));
    metrics_->CountCheck(req.worker(), CheckOutcome::kAllow, MonotonicNs() - req.received_ns());
  } catch (const std::exception&) {
    // Memory exhaustion while answering: the fail mode decides.
    Fail(gateway, req, resp, "internal error");
  }
}

}  // namespace hw::serve
