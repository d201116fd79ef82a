// The traffic generator: streams labelled log-format-v1 events for a
// Scenario in event-time order.
//
// Contract: deterministic for (scenario, seed); memory is O(accounts + one
// day's events), independent of the length of the run; events are rendered
// on `threads` worker threads but delivered to the sink in order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/common/result.h"
#include "engine/sim/scenario.h"

namespace hw::sim {

struct SimStats {
  uint64_t events = 0;      // lines written, duplicates included
  uint64_t duplicates = 0;  // lines that repeat an earlier gen_ai.response.id
  uint64_t bytes = 0;
  uint64_t accounts = 0;
  uint64_t attack_accounts = 0;
  uint64_t attack_events = 0;
};

class Generator {
 public:
  // Receives consecutive blocks of complete JSON lines. A non-ok status stops the run.
  using Sink = std::function<Status(std::string_view)>;

  static Result<std::unique_ptr<Generator>> Create(const Scenario& scenario, uint64_t seed,
                                                   int threads = 2);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // The accounts registry (JSON Lines), known before any event is generated.
  void WriteAccounts(std::string& out) const;
  // Streams all events. Call once.
  Status Run(const Sink& sink);
  // Labels (JSON Lines); complete only after Run (request counts, first/last seen).
  void WriteLabels(std::string& out) const;
  const SimStats& stats() const;

 private:
  struct Impl;
  explicit Generator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hw::sim
