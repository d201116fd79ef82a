#include "engine/serve/app.h"

#include <thread>

#include "engine/serve/log.h"
#include "engine/share/export.h"

namespace hw::serve {

// The admin listener (ingest, decisions API, console) runs on event loops of
// its own: an ingest batch folds on the loop that received it, and the
// gateway checks, on the shared loops, must never wait behind one. One more
// than the batches in flight (ingest.h): while one loop's batch folds,
// another receives and journals the next, and a third is still free to
// read a further batch (it waits for a place, or gets its 429) or any other
// admin request.
constexpr int kAdminThreads = IngestService::kMaxInFlight + 1;

Result<std::unique_ptr<ServeApp>> ServeApp::Create(ServeConfig config) {
  std::unique_ptr<ServeApp> a(new ServeApp());
  a->config_ = std::move(config);
  auto policy = a->config_.enforcement_path.empty()
                    ? decide::DefaultEnforcement()
                    : decide::LoadEnforcement(a->config_.enforcement_path);
  if (!policy.ok()) return policy.status();
  a->policies_.push_back(std::make_unique<decide::EnforcementPolicy>(std::move(policy.value())));
  if (!a->config_.api_keys_path.empty()) {
    auto keys = ApiKeyTable::Load(a->config_.api_keys_path);
    if (!keys.ok()) return keys.status();
    a->keys_ = std::make_unique<ApiKeyTable>(std::move(keys.value()));
  }
  a->metrics_ = std::make_unique<Metrics>();
  a->decisions_ = std::make_unique<DecisionService>(a->config_.throttle_slots);
  a->check_router_ = std::make_unique<Router>(a->metrics_.get());
  a->admin_router_ = std::make_unique<Router>(a->metrics_.get());
  a->checks_ = std::make_unique<CheckService>(a->config_, a->keys_.get(), a->decisions_.get(),
                                              a->metrics_.get());
  a->admin_ = std::make_unique<AdminService>(a->config_, a->decisions_.get(), a->metrics_.get());
  a->checks_->Register(a->check_router_.get());
  a->admin_->RegisterHealth(a->check_router_.get());
  a->admin_->RegisterHealth(a->admin_router_.get());
  a->admin_->Register(a->admin_router_.get());
  if (a->config_.engine_enabled) {
    auto spec =
        pipeline::LoadEngineSpec(a->config_.engine_rules_path, a->config_.engine_policy_path);
    if (!spec.ok()) return spec.status();
    a->engine_spec_ = std::make_unique<pipeline::EngineSpec>(std::move(spec).value());
    if (!a->config_.engine_intel_paths.empty()) {
      std::string salt = share::kDefaultSalt;
      if (!a->config_.engine_intel_salt_path.empty()) {
        auto s = share::ReadSaltFile(a->config_.engine_intel_salt_path);
        if (!s.ok()) return s.status();
        salt = std::move(s).value();
      }
      auto warnings =
          pipeline::LoadIntel(a->config_.engine_intel_paths, salt, a->engine_spec_.get());
      if (!warnings.ok()) return warnings.status();
      for (const auto& w : *warnings) LogEvent("intel-skipped", w);
    }
    if (!a->config_.engine_accounts_path.empty()) {
      auto reg = decode::Registry::Load(a->config_.engine_accounts_path);
      if (!reg.ok()) return reg.status();
      a->registry_ = std::make_unique<decode::Registry>(std::move(reg).value());
    }
    pipeline::OnlineOptions online;
    online.detect_period = a->config_.detect_period_us;
    online.fold_threads = a->config_.engine_fold_threads;
    if (!a->config_.state_dir.empty()) {
      state::StateOptions so;
      so.dir = a->config_.state_dir;
      so.sync = a->config_.state_sync;
      so.checkpoint_bytes = a->config_.state_checkpoint_bytes;
      so.seen_ids = online.dedup_capacity;
      auto st = state::StateStore::Open(so);
      if (!st.ok()) return st.status();
      a->state_ = std::move(st).value();
      state::StateStore* store = a->state_.get();
      a->decisions_->SetPersist([store](const decide::DecisionStore& d) {
        if (Status s = store->PersistDecisions(d); !s.ok()) LogEvent("state-error", s.message());
      });
    }
    a->ingest_ = std::make_unique<IngestService>(a->config_, *a->engine_spec_, *a->policies_.back(),
                                                 a->registry_.get(), a->decisions_.get(), online,
                                                 a->state_.get());
    auto rec = a->ingest_->Recover();
    if (!rec.ok()) return rec.status();
    a->recovered_ = rec.value();
    a->ingest_->Register(a->admin_router_.get());
    a->admin_->SetIngest(a->ingest_.get());
  }
  a->console_ = std::make_unique<ConsoleService>(a->engine_spec_.get(), a->decisions_.get(),
                                                 a->ingest_.get(), a->admin_.get());
  a->console_->Register(a->admin_router_.get());
  a->threads_ = a->config_.threads > 0
                    ? a->config_.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return a;
}

ServeApp::~ServeApp() { Stop(); }

Status ServeApp::Reload(const std::string& path, std::string* summary) {
  auto c = LoadServeConfig(path);
  if (!c.ok()) return c.status();
  const ServeConfig& n = c.value();
  auto policy = n.enforcement_path.empty() ? decide::DefaultEnforcement()
                                           : decide::LoadEnforcement(n.enforcement_path);
  if (!policy.ok()) return policy.status();
  std::unique_ptr<ApiKeyTable> keys;
  if (!n.api_keys_path.empty()) {
    auto k = ApiKeyTable::Load(n.api_keys_path);
    if (!k.ok()) return k.status();
    keys = std::make_unique<ApiKeyTable>(std::move(k.value()));
  }
  if (n.lookup == AccountLookup::kApiKey && !keys) {
    return {ErrorCode::kInvalidArgument, path + ": account lookup by API key needs api_keys"};
  }
  std::vector<std::string> fixed;
  auto differs = [&](bool changed, const char* what) {
    if (changed) fixed.emplace_back(what);
  };
  const ServeConfig& o = config_;
  differs(n.check_address != o.check_address || n.admin_address != o.admin_address, "listen");
  differs(n.threads != o.threads, "threads");
  differs(n.max_connections != o.max_connections || n.max_header_bytes != o.max_header_bytes ||
              n.max_body_bytes != o.max_body_bytes || n.header_timeout_ms != o.header_timeout_ms ||
              n.idle_timeout_ms != o.idle_timeout_ms || n.drain_timeout_ms != o.drain_timeout_ms,
          "limits");
  differs(n.envoy_prefix != o.envoy_prefix || n.nginx_path != o.nginx_path ||
              n.traefik_path != o.traefik_path || n.exempt_paths != o.exempt_paths,
          "checks");
  differs(n.account_header != o.account_header || n.lookup != o.lookup ||
              n.unknown_allow != o.unknown_allow,
          "account (header, lookup, unknown)");
  differs(n.fail_mode != o.fail_mode, "fail_mode");
  differs(n.engine_enabled != o.engine_enabled ||
              n.engine_accounts_path != o.engine_accounts_path ||
              n.engine_rules_path != o.engine_rules_path ||
              n.engine_policy_path != o.engine_policy_path ||
              n.detect_period_us != o.detect_period_us ||
              n.engine_fold_threads != o.engine_fold_threads,
          "engine");
  differs(n.state_dir != o.state_dir || n.state_sync != o.state_sync ||
              n.state_checkpoint_bytes != o.state_checkpoint_bytes,
          "state");
  differs(n.follow_paths != o.follow_paths || n.follow_stdin != o.follow_stdin, "ingest");

  policies_.push_back(std::make_unique<decide::EnforcementPolicy>(std::move(policy.value())));
  if (ingest_) ingest_->SetEnforcement(*policies_.back());
  std::unique_ptr<ApiKeyTable> replaced_keys = std::move(keys_);
  keys_ = std::move(keys);
  checks_->SetKeys(keys_.get());
  // Published whole (never edited in place): a request checks against the
  // old list or the new one, never a mix.
  std::unique_ptr<const AuthSecrets> replaced_auth = std::move(auth_);
  auth_ = std::make_unique<const AuthSecrets>(AuthSecrets{n.bouncer_keys, n.admin_tokens});
  config_.published_auth.Publish(auth_.get());
  // A check or an admin request still reading what was replaced is done
  // with it once every event loop has passed.
  if (server_ && (replaced_keys || replaced_auth)) server_->AwaitGracePeriod();
  replaced_keys.reset();
  replaced_auth.reset();
  *summary = "enforcement policy '" + policies_.back()->name + "', " +
             std::to_string(keys_ ? keys_->size() : 0) + " API keys, " +
             std::to_string(n.bouncer_keys.size()) + " bouncer keys, " +
             std::to_string(n.admin_tokens.size()) + " admin tokens";
  if (!fixed.empty()) {
    *summary += "; changed but applied only at restart:";
    for (const std::string& f : fixed) *summary += " " + f;
  }
  return Status::Ok();
}

Status ServeApp::Start() {
  ServerOptions o;
  o.threads = threads_;
  o.max_connections = config_.max_connections;
  o.http.max_header_bytes = config_.max_header_bytes;
  o.http.max_body_bytes = config_.max_body_bytes;
  o.header_timeout_ms = config_.header_timeout_ms;
  o.idle_timeout_ms = config_.idle_timeout_ms;
  o.drain_timeout_ms = config_.drain_timeout_ms;
  o.metrics = metrics_.get();
  auto s = HttpServer::Start(
      o, {ListenerSpec{"check", config_.check_address, check_router_.get(),
                       checks_->OverloadResponse()},
          ListenerSpec{"admin", config_.admin_address, admin_router_.get(), {}, kAdminThreads}});
  if (!s.ok()) return s.status();
  server_ = std::move(s.value());
  if (ingest_ && (!config_.follow_paths.empty() || config_.follow_stdin)) {
    follower_ = std::make_unique<Follower>(
        ingest_.get(),
        FollowOptions{config_.follow_paths, config_.follow_stdin, config_.follow_poll_ms});
    follower_->Start();
  }
  return Status::Ok();
}

void ServeApp::Stop() {
  if (follower_) follower_->Stop();
  if (server_) server_->Stop();
  if (ingest_) {
    if (Status s = ingest_->Checkpoint(); !s.ok()) LogEvent("state-error", s.message());
  }
}

}  // namespace hw::serve
