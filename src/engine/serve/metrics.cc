#include "engine/serve/metrics.h"

#include <cstdio>

namespace hw::serve {

namespace {

constexpr int kStatusCodes[Metrics::kStatuses - 1] = {200, 201, 204, 400, 401, 403, 404,
                                                      405, 408, 413, 429, 431, 500, 503};
// Upper bounds of the check latency buckets, in ns (+Inf follows).
constexpr int64_t kBucketNs[Metrics::kBuckets - 1] = {10'000,    25'000,     50'000,     100'000,
                                                      250'000,   500'000,    1'000'000,  2'000'000,
                                                      5'000'000, 10'000'000, 100'000'000};

void Line(std::string* out, const char* fmt, auto... args) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf, fmt, args...);
  if (n > 0) out->append(buf, static_cast<size_t>(n) < sizeof buf ? n : sizeof buf - 1);
}

}  // namespace

const char* CheckOutcomeName(CheckOutcome o) noexcept {
  switch (o) {
    case CheckOutcome::kAllow:
      return "allow";
    case CheckOutcome::kAllowUnknown:
      return "allow_unknown";
    case CheckOutcome::kDenyUnknown:
      return "deny_unknown";
    case CheckOutcome::kThrottle:
      return "throttle";
    case CheckOutcome::kVerify:
      return "verify";
    case CheckOutcome::kSuspend:
      return "suspend";
    case CheckOutcome::kFailOpen:
      return "fail_open";
    case CheckOutcome::kFailClosed:
      return "fail_closed";
    case CheckOutcome::kExempt:
      return "exempt";
  }
  return "allow";
}

Metrics::Metrics() : shards_(kMaxWorkers) { names_.push_back("other"); }

int Metrics::Endpoint(std::string_view name) {
  std::lock_guard lock(names_mu_);
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  if (names_.size() >= kMaxEndpoints) return 0;
  names_.emplace_back(name);
  return static_cast<int>(names_.size() - 1);
}

Metrics::Shard& Metrics::ShardOf(int worker) noexcept {
  return shards_[worker < 0 ? 0 : worker >= kMaxWorkers ? kMaxWorkers - 1 : worker];
}

int Metrics::StatusIndex(int status) noexcept {
  for (int i = 0; i < kStatuses - 1; ++i) {
    if (kStatusCodes[i] == status) return i;
  }
  return kStatuses - 1;
}

void Metrics::CountRequest(int worker, int endpoint, int status) noexcept {
  if (endpoint < 0 || endpoint >= kMaxEndpoints) endpoint = 0;
  ShardOf(worker).requests[endpoint][StatusIndex(status)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::CountCheck(int worker, CheckOutcome outcome, int64_t latency_ns) noexcept {
  Shard& s = ShardOf(worker);
  s.checks[static_cast<int>(outcome)].fetch_add(1, std::memory_order_relaxed);
  int b = 0;
  while (b < kBuckets - 1 && latency_ns > kBucketNs[b]) ++b;
  s.latency[b].fetch_add(1, std::memory_order_relaxed);
  s.latency_sum_ns.fetch_add(static_cast<uint64_t>(latency_ns < 0 ? 0 : latency_ns),
                             std::memory_order_relaxed);
}

void Metrics::CountConnection(int worker, bool shed) noexcept {
  Shard& s = ShardOf(worker);
  (shed ? s.shed : s.connections).fetch_add(1, std::memory_order_relaxed);
}

uint64_t Metrics::Requests(std::string_view endpoint, int status) const {
  int id = -1;
  {
    std::lock_guard lock(names_mu_);
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == endpoint) id = static_cast<int>(i);
    }
  }
  if (id < 0) return 0;
  uint64_t n = 0;
  for (const Shard& s : shards_) n += s.requests[id][StatusIndex(status)].load();
  return n;
}

uint64_t Metrics::Checks(CheckOutcome outcome) const {
  uint64_t n = 0;
  for (const Shard& s : shards_) n += s.checks[static_cast<int>(outcome)].load();
  return n;
}

void Metrics::Render(std::string* out) const {
  std::vector<std::string> names;
  {
    std::lock_guard lock(names_mu_);
    names = names_;
  }
  out->append(
      "# HELP hydrawatch_http_requests_total HTTP requests answered, by endpoint and status.\n"
      "# TYPE hydrawatch_http_requests_total counter\n");
  for (size_t e = 0; e < names.size(); ++e) {
    for (int k = 0; k < kStatuses; ++k) {
      uint64_t n = 0;
      for (const Shard& s : shards_) n += s.requests[e][k].load(std::memory_order_relaxed);
      if (n == 0) continue;
      if (k < kStatuses - 1) {
        Line(out, "hydrawatch_http_requests_total{endpoint=\"%s\",status=\"%d\"} %llu\n",
             names[e].c_str(), kStatusCodes[k], static_cast<unsigned long long>(n));
      } else {
        Line(out, "hydrawatch_http_requests_total{endpoint=\"%s\",status=\"other\"} %llu\n",
             names[e].c_str(), static_cast<unsigned long long>(n));
      }
    }
  }
  out->append(
      "# HELP hydrawatch_checks_total Gateway checks, by outcome.\n"
      "# TYPE hydrawatch_checks_total counter\n");
  for (int o = 0; o < kCheckOutcomes; ++o) {
    uint64_t n = 0;
    for (const Shard& s : shards_) n += s.checks[o].load(std::memory_order_relaxed);
    Line(out, "hydrawatch_checks_total{outcome=\"%s\"} %llu\n",
         CheckOutcomeName(static_cast<CheckOutcome>(o)), static_cast<unsigned long long>(n));
  }
  out->append(
      "# HELP hydrawatch_check_latency_seconds Time to answer a gateway check, from its last "
      "byte parsed.\n"
      "# TYPE hydrawatch_check_latency_seconds histogram\n");
  uint64_t cumulative = 0, sum_ns = 0;
  for (const Shard& s : shards_) sum_ns += s.latency_sum_ns.load(std::memory_order_relaxed);
  for (int b = 0; b < kBuckets; ++b) {
    for (const Shard& s : shards_) cumulative += s.latency[b].load(std::memory_order_relaxed);
    if (b < kBuckets - 1) {
      Line(out, "hydrawatch_check_latency_seconds_bucket{le=\"%g\"} %llu\n",
           static_cast<double>(kBucketNs[b]) / 1e9, static_cast<unsigned long long>(cumulative));
    } else {
      Line(out, "hydrawatch_check_latency_seconds_bucket{le=\"+Inf\"} %llu\n",
           static_cast<unsigned long long>(cumulative));
    }
  }
  Line(out, "hydrawatch_check_latency_seconds_sum %.9f\n", static_cast<double>(sum_ns) / 1e9);
  Line(out, "hydrawatch_check_latency_seconds_count %llu\n",
       static_cast<unsigned long long>(cumulative));
  uint64_t conns = 0, shed = 0;
  for (const Shard& s : shards_) {
    conns += s.connections.load(std::memory_order_relaxed);
    shed += s.shed.load(std::memory_order_relaxed);
  }
  out->append(
      "# HELP hydrawatch_connections_total Connections accepted.\n"
      "# TYPE hydrawatch_connections_total counter\n");
  Line(out, "hydrawatch_connections_total %llu\n", static_cast<unsigned long long>(conns));
  out->append(
      "# HELP hydrawatch_connections_shed_total Connections refused over the connection limit.\n"
      "# TYPE hydrawatch_connections_shed_total counter\n");
  Line(out, "hydrawatch_connections_shed_total %llu\n", static_cast<unsigned long long>(shed));
}

}  // namespace hw::serve
