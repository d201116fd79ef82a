// The admin listener's endpoints: the decisions API in the style of
// CrowdSec's local API, /metrics, and the health endpoints (also on the
// check listener).
//
//   GET    /v1/decisions[?scope=account&value=ID]   decisions in force (bouncer key or admin)
//   GET    /v1/decisions/stream[?startup=true]      new and deleted since this bouncer's last poll
//   POST   /v1/decisions                            a manual decision (admin token)
//   DELETE /v1/decisions/{id}                       delete a decision (admin token)
//   POST   /v1/decisions/{id}/{action}              an analyst's confirm, extend, shadow or
//                                                   lift (admin token; docs/CONSOLE.md)
//
// Bouncers authenticate with `X-Api-Key: <key>`, admins with
// `Authorization: Bearer <token>`; the config holds only their SHA-256, and
// every configured hash is compared in constant time. No write without an
// admin token. JSON bodies are parsed with simdjson and written with
// engine/common/json_writer.h.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <mutex>
#include <string>

#include "engine/common/json_writer.h"
#include "engine/common/sha256.h"
#include "engine/serve/config.h"
#include "engine/serve/decision_service.h"
#include "engine/serve/metrics.h"
#include "engine/serve/router.h"

namespace hw::serve {

class IngestService;

// A decision as the decisions API writes it (one JSON object; `now` gives
// remaining_s).
void WriteDecisionJson(JsonWriter& w, const decide::Decision& d, TimeUs now);

// Whether `req` carries an admin token in force (`Authorization: Bearer
// <token>`; ServeConfig::IsAdminToken, so a reloaded list counts at once).
bool HasAdminToken(const ServeConfig& config, const Request& req) noexcept;
// The refusal of every admin-only endpoint (decisions API writes, POST
// /v1/events, the console), so that all agree: 401 with WWW-Authenticate:
// Bearer when the caller presented no credential at all (neither
// Authorization nor X-Api-Key), else 403 "not an admin token".
void RefuseNonAdmin(const Request& req, Response& resp);

class AdminService {
 public:
  AdminService(const ServeConfig& config, DecisionService* decisions, Metrics* metrics);

  // The decisions API and /metrics on `admin`.
  void Register(Router* admin);
  // /healthz and /readyz on `router` (both listeners get them).
  void RegisterHealth(Router* router);
  // Ingest counters for /metrics (may stay null: engine disabled).
  void SetIngest(const IngestService* ingest) { ingest_ = ingest; }
  // True for a request with an admin token; otherwise answers as
  // RefuseNonAdmin and returns false. For other services' admin-only
  // endpoints (the console's).
  bool RequireAdmin(const Request& req, Response& resp) const;

 private:
  enum class Access : uint8_t { kNone, kRead, kWrite };
  // Who the caller is: admin (write), bouncer (read) or neither; `bouncer`
  // gets the caller's key hash (cursor of the stream).
  Access Authorize(const Request& req, Sha256* caller) const;
  bool Require(const Request& req, Response& resp, Access need, Sha256* caller) const;

  void List(const Request& req, Response& resp) const;
  void Stream(const Request& req, Response& resp);
  void Create(const Request& req, Response& resp);
  void Delete(const Request& req, Response& resp);
  // POST /v1/decisions/{id}/{confirm|extend|shadow|lift} (docs/CONSOLE.md).
  void Act(const Request& req, Response& resp);
  void RenderMetrics(Response& resp) const;

  const ServeConfig& config_;
  DecisionService* decisions_;
  Metrics* metrics_;
  const IngestService* ingest_ = nullptr;
  std::mutex cursors_mu_;
  absl::flat_hash_map<Sha256, uint64_t, Sha256Hash> cursors_;
};

}  // namespace hw::serve
