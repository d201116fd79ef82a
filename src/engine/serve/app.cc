#include "engine/serve/app.h"

#include <thread>

namespace hw::serve {

Result<std::unique_ptr<ServeApp>> ServeApp::Create(ServeConfig config) {
  std::unique_ptr<ServeApp> a(new ServeApp());
  a->config_ = std::move(config);
  auto policy = a->config_.enforcement_path.empty()
                    ? decide::DefaultEnforcement()
                    : decide::LoadEnforcement(a->config_.enforcement_path);
  if (!policy.ok()) return policy.status();
  a->policy_ = std::move(policy.value());
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
    if (!a->config_.engine_accounts_path.empty()) {
      auto reg = decode::Registry::Load(a->config_.engine_accounts_path);
      if (!reg.ok()) return reg.status();
      a->registry_ = std::make_unique<decode::Registry>(std::move(reg).value());
    }
    pipeline::OnlineOptions online;
    online.detect_period = a->config_.detect_period_us;
    a->ingest_ = std::make_unique<IngestService>(a->config_, *a->engine_spec_, a->policy_,
                                                 a->registry_.get(), a->decisions_.get(), online);
    a->ingest_->Register(a->admin_router_.get());
    a->admin_->SetIngest(a->ingest_.get());
  }
  a->threads_ = a->config_.threads > 0
                    ? a->config_.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return a;
}

ServeApp::~ServeApp() { Stop(); }

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
  auto s =
      HttpServer::Start(o, {ListenerSpec{"check", config_.check_address, check_router_.get(),
                                         checks_->OverloadResponse()},
                            ListenerSpec{"admin", config_.admin_address, admin_router_.get(), {}}});
  if (!s.ok()) return s.status();
  server_ = std::move(s.value());
  return Status::Ok();
}

void ServeApp::Stop() {
  if (server_) server_->Stop();
}

}  // namespace hw::serve
