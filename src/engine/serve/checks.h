// Gateway checks: the answers hydrawatch gives when a gateway asks "may this
// request pass?", one endpoint per protocol on the check listener.
//
// - Envoy ext_authz (HTTP service): any method on envoy_prefix + the
//   original path. 200 allows, and the x-hydrawatch-* headers go upstream
//   (allowed_upstream_headers); a denial is sent to the client as given:
//   403 (suspend, verify) or 429 (throttle) with Retry-After and a JSON body
//   {"action", "reason", "decision_id"}.
// - nginx auth_request: nginx passes only 2xx, 401 and 403 on (anything else
//   becomes a 500), so every denial is 403 with X-Hydrawatch-Action
//   (throttle, verify, suspend) and Retry-After, which the documented
//   `auth_request_set` + `error_page 403` snippet turns into 429 for a
//   throttle (docs/SERVE.md).
// - Traefik ForwardAuth: the original request is described by
//   X-Forwarded-Method, -Uri and -Host; 2xx allows (authResponseHeaders are
//   copied upstream), anything else goes back to the client as is: 403 or
//   429, as for Envoy.
//
// An unknown account (no header, or a key not in the registry) is allowed
// with x-hydrawatch-account-status: unknown, or refused with 401, per the
// config. Until the decision service is ready, and on an internal error, the
// check answers per the fail mode: open allows (x-hydrawatch-degraded), closed
// refuses with 503.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "engine/serve/api_keys.h"
#include "engine/serve/config.h"
#include "engine/serve/decision_service.h"
#include "engine/serve/metrics.h"
#include "engine/serve/router.h"

namespace hw::serve {

enum class Gateway : uint8_t { kEnvoy, kNginx, kTraefik };

class CheckService {
 public:
  // Everything passed must outlive the service; `keys` may be null when the
  // lookup is by account id.
  CheckService(const ServeConfig& config, const ApiKeyTable* keys, DecisionService* decisions,
               Metrics* metrics);

  // Replaces the API-key table (may be null); see keys_. The replaced table
  // may be freed after the server's next grace period
  // (HttpServer::AwaitGracePeriod).
  void SetKeys(const ApiKeyTable* keys) noexcept { keys_.store(keys, std::memory_order_seq_cst); }

  // Adds the three check endpoints to `router`.
  void Register(Router* router);

  // One check, as the endpoint of `gateway` answers it.
  void Check(Gateway gateway, const Request& req, Response& resp) const;

  // The whole response a connection over the limit gets on the check
  // listener, per the fail mode.
  std::string OverloadResponse() const;

 private:
  // The account named by the request, or "" (with *present false when the
  // header is missing).
  std::string_view Account(const Request& req, bool* present) const;
  // The original request's path as the gateway describes it.
  std::string_view OriginalPath(Gateway gateway, const Request& req) const;
  void Fail(Gateway gateway, const Request& req, Response& resp, std::string_view why) const;
  void Deny(Gateway gateway, const CheckResult& r, Response& resp) const;

  const ServeConfig& config_;
  // Swapped by SetKeys (SIGHUP reload) while checks run: a check loads it
  // once, on an event loop, and is done with it by the end of that loop's
  // pass; the owner frees a replaced table after a grace period.
  std::atomic<const ApiKeyTable*> keys_;
  DecisionService* decisions_;
  Metrics* metrics_;
};

}  // namespace hw::serve
