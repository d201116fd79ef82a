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
#include "engine/serve/console.h"
#include "engine/serve/decision_service.h"
#include "engine/serve/follow.h"
#include "engine/serve/ingest.h"
#include "engine/serve/metrics.h"
#include "engine/serve/router.h"
#include "engine/serve/server.h"
#include "engine/state/state_store.h"

namespace hw::serve {

class ServeApp {
 public:
  // Loads the enforcement policy and the API-key table the config names and
  // registers the built-in endpoints. Binds nothing yet.
  static Result<std::unique_ptr<ServeApp>> Create(ServeConfig config);
  ~ServeApp();

  // Null without state.dir.
  state::StateStore* state() noexcept { return state_.get(); }
  // What Create recovered from the state store.
  const state::RecoveryStats& recovered() const noexcept { return recovered_; }

  // Binds both listeners and starts the event loops.
  Status Start();
  // SIGHUP: reads the configuration at `path` again and applies what can
  // change while serving - the enforcement policy (profiles, allowlists,
  // shadow mode), the API-key table and the auth secrets (bouncer keys,
  // admin tokens: replaced ones stop working on every endpoint at once) -
  // without dropping a request. On any error nothing changes. *summary says
  // what was applied and which changed settings need a restart instead.
  // Call from one thread (the signal loop), never from an event loop: it
  // waits for the loops to pass before it frees the API-key table and the
  // auth lists it replaced.
  Status Reload(const std::string& path, std::string* summary);

  // Graceful stop (server.h), then a checkpoint of the state; idempotent.
  void Stop();

  const ServeConfig& config() const noexcept { return config_; }
  const decide::EnforcementPolicy& policy() const noexcept { return *policies_.back(); }
  DecisionService& decisions() noexcept { return *decisions_; }
  Metrics& metrics() noexcept { return *metrics_; }
  Router& check_router() noexcept { return *check_router_; }
  Router& admin_router() noexcept { return *admin_router_; }
  // Null when the engine is disabled.
  IngestService* ingest() noexcept { return ingest_.get(); }
  // Null without local sources.
  Follower* follower() noexcept { return follower_.get(); }
  uint16_t check_port() const { return server_->port(0); }
  uint16_t admin_port() const { return server_->port(1); }
  int threads() const noexcept { return threads_; }

 private:
  ServeApp() = default;

  ServeConfig config_;
  // The auth lists the last reload published into config_.published_auth
  // (a reload frees the one it replaces after the server's grace period, as
  // the API-key table). Declared right after config_ so that it outlives
  // every service.
  std::unique_ptr<const AuthSecrets> auth_;
  // Every enforcement policy loaded (the engine holds a reference to the
  // latest; a reload appends). The API-key table in use: a reload frees the
  // one it replaces after the server's grace period, when no check can
  // still be reading it.
  std::vector<std::unique_ptr<decide::EnforcementPolicy>> policies_;
  std::unique_ptr<ApiKeyTable> keys_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<DecisionService> decisions_;
  std::unique_ptr<Router> check_router_, admin_router_;
  std::unique_ptr<CheckService> checks_;
  std::unique_ptr<AdminService> admin_;
  // Crash-safe state (absent when state.dir is empty); outlives ingest_.
  std::unique_ptr<state::StateStore> state_;
  // The online engine (absent when engine.enabled is false).
  std::unique_ptr<pipeline::EngineSpec> engine_spec_;
  std::unique_ptr<decode::Registry> registry_;
  std::unique_ptr<IngestService> ingest_;
  std::unique_ptr<ConsoleService> console_;  // the analyst console (docs/CONSOLE.md)
  std::unique_ptr<Follower> follower_;       // local sources (ingest.follow, ingest.stdin)
  std::unique_ptr<HttpServer> server_;
  int threads_ = 1;
  state::RecoveryStats recovered_;
};

}  // namespace hw::serve
