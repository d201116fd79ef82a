// POST /v1/events on the admin listener: log format v1 (JSON Lines, gzip
// accepted with Content-Encoding: gzip) into the online engine, which links,
// scores and decides at every detection period of event time and writes its
// decisions into the DecisionService the gateway checks read. Every accepted
// line advances the event-time watermark the checks use as "now".
//
// Writing needs an admin token. One engine takes one batch at a time: a batch
// that cannot get the engine within `busy_wait` is answered 429 with
// Retry-After (backpressure; bodies are bounded by max_body_bytes and the
// inflated size by max_inflated_bytes, so memory is bounded). Each answer
// lists the rejected lines (line numbers within the body) with their reasons:
// nothing is dropped silently.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/decide/enforcement.h"
#include "engine/decode/registry.h"
#include "engine/pipeline/engine_spec.h"
#include "engine/pipeline/online.h"
#include "engine/serve/config.h"
#include "engine/serve/decision_service.h"
#include "engine/serve/router.h"

namespace hw::serve {

struct IngestTotals {
  uint64_t batches = 0;
  uint64_t lines = 0;
  uint64_t events = 0;
  uint64_t rejected = 0;
  uint64_t duplicates = 0;
  uint64_t busy = 0;  // batches answered 429
  uint64_t detections = 0;
};

class IngestService {
 public:
  // Everything passed must outlive the service.
  IngestService(const ServeConfig& config, const pipeline::EngineSpec& spec,
                const decide::EnforcementPolicy& enforcement, const decode::Registry* registry,
                DecisionService* decisions, pipeline::OnlineOptions options);

  void Register(Router* admin);
  IngestTotals totals() const;

  static constexpr size_t kMaxErrorsListed = 100;
  static constexpr std::chrono::milliseconds kBusyWait{200};

 private:
  void Post(const Request& req, Response& resp);
  bool Authorized(const Request& req) const;

  const ServeConfig& config_;
  DecisionService* decisions_;
  mutable std::timed_mutex mu_;  // guards engine_, inflated_ and totals_
  std::unique_ptr<pipeline::OnlineEngine> engine_;
  std::string inflated_;
  IngestTotals totals_;
  std::atomic<uint64_t> busy_{0};
};

}  // namespace hw::serve
