// Prometheus counters of the serve process. Every counter is sharded by
// event-loop thread (one cache line per shard), so the check path only
// increments its own shard's relaxed atomics; /metrics sums the shards.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace hw::serve {

enum class CheckOutcome : uint8_t {
  kAllow,
  kAllowUnknown,  // account not found or header missing; allowed by config
  kDenyUnknown,   // ... refused (401)
  kThrottle,
  kVerify,
  kSuspend,
  kFailOpen,    // overload or internal error, allowed (fail_mode open)
  kFailClosed,  // ... refused (fail_mode closed)
  kExempt,      // path exempt from checks
};
inline constexpr int kCheckOutcomes = 9;
const char* CheckOutcomeName(CheckOutcome o) noexcept;

class Metrics {
 public:
  static constexpr int kMaxWorkers = 64;  // workers beyond share the last shard
  static constexpr int kMaxEndpoints = 32;
  static constexpr int kStatuses = 15;  // the codes this server answers, and "other"
  static constexpr int kBuckets = 12;   // check latency buckets, +Inf last

  Metrics();
  // Registers an endpoint label at load time; the same name gives the same
  // id. Past kMaxEndpoints every new name shares the "other" id.
  int Endpoint(std::string_view name);
  void CountRequest(int worker, int endpoint, int status) noexcept;
  void CountCheck(int worker, CheckOutcome outcome, int64_t latency_ns) noexcept;
  void CountConnection(int worker, bool shed) noexcept;

  // Prometheus text format (version 0.0.4) of every counter.
  void Render(std::string* out) const;

  // Totals, for tests.
  uint64_t Requests(std::string_view endpoint, int status) const;
  uint64_t Checks(CheckOutcome outcome) const;

 private:
  struct alignas(64) Shard {
    std::array<std::array<std::atomic<uint64_t>, kStatuses>, kMaxEndpoints> requests{};
    std::array<std::atomic<uint64_t>, kCheckOutcomes> checks{};
    std::array<std::atomic<uint64_t>, kBuckets> latency{};
    std::atomic<uint64_t> latency_sum_ns{0};
    std::atomic<uint64_t> connections{0};
    std::atomic<uint64_t> shed{0};
  };
  Shard& ShardOf(int worker) noexcept;
  static int StatusIndex(int status) noexcept;

  mutable std::mutex names_mu_;
  std::vector<std::string> names_;
  std::vector<Shard> shards_;
};

}  // namespace hw::serve
