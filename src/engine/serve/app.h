// One `hydrawatch serve` process assembled from a ServeConfig: the decision
// service, the enforcement policy, the API-key table, the check and admin
// routers, and the HTTP server. Later stages plug in between Create() and
// Start(): add endpoints to check_router() / admin_router() (e.g. POST
// /v1/events), and write decisions through decisions().Write(...).
#pragma once

#include <memory>

#include "engine/common/result.h"
#include "engine/decide/enforcement.h"
#include "engine/serve/admin.h"
#include "engine/serve/api_keys.h"
#include "engine/serve/checks.h"
#include "engine/serve/config.h"
#include "engine/serve/decision_service.h"
#include "engine/serve/ingest.h"
#include "engine/serve/metrics.h"
#include "engine/serve/router.h"
#include "engine/serve/server.h"

namespace hw::serve {

class ServeApp {
 public:
  // Loads the enforcement policy and the API-key table the config names and
  // registers the built-in endpoints. Binds nothing yet.
  static Result<std::unique_ptr<ServeApp>> Create(ServeConfig config);
  ~ServeApp();

  // Binds both listeners and starts the event loops.
  Status Start();
  // Graceful stop (server.h); idempotent.
  void Stop();

  const ServeConfig& config() const noexcept { return config_; }
  const decide::EnforcementPolicy& policy() const noexcept { return policy_; }
  DecisionService& decisions() noexcept { return *decisions_; }
  Metrics& metrics() noexcept { return *metrics_; }
  Router& check_router() noexcept { return *check_router_; }
  Router& admin_router() noexcept { return *admin_router_; }
  // Null when the engine is disabled.
  IngestService* ingest() noexcept { return ingest_.get(); }
  uint16_t check_port() const { return server_->port(0); }
  uint16_t admin_port() const { return server_->port(1); }
  int threads() const noexcept { return threads_; }

 private:
  ServeApp() = default;

  ServeConfig config_;
  decide::EnforcementPolicy policy_;
  std::unique_ptr<ApiKeyTable> keys_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<DecisionService> decisions_;
  std::unique_ptr<Router> check_router_, admin_router_;
  std::unique_ptr<CheckService> checks_;
  std::unique_ptr<AdminService> admin_;
  // The online engine (absent when engine.enabled is false).
  std::unique_ptr<pipeline::EngineSpec> engine_spec_;
  std::unique_ptr<decode::Registry> registry_;
  std::unique_ptr<IngestService> ingest_;
  std::unique_ptr<HttpServer> server_;
  int threads_ = 1;
};

}  // namespace hw::serve
