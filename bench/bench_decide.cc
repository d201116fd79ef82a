// The check path's in-process decision lookup (serve issue bar: <= 1 us):
// DecisionStore::Find on a store holding 200,000 accounts' decisions, for
// accounts with a decision (hit) and without (miss), with the floor of one
// absl::flat_hash_map<std::string, int> probe by string_view measured in the
// same run.
#include <benchmark/benchmark.h>

#include <absl/container/flat_hash_map.h>

#include <string>
#include <vector>

#include "engine/common/rng.h"
#include "engine/decide/decision_store.h"

namespace {

constexpr hw::TimeUs kNow = int64_t{1776816000} * hw::kUsPerSecond;
constexpr size_t kAccounts = 200000;

std::vector<std::string> Ids(const char* prefix, size_t n) {
  std::vector<std::string> ids;
  ids.reserve(n);
  for (size_t i = 0; i < n; ++i) ids.push_back(prefix + std::to_string(hw::SplitMix64(i)));
  return ids;
}

struct Fixture {
  std::vector<std::string> with = Ids("acct_", kAccounts), without = Ids("none_", kAccounts);
  hw::decide::DecisionStore store;
  absl::flat_hash_map<std::string, int> floor;
  Fixture() {
    for (size_t i = 0; i < with.size(); ++i) {
      hw::decide::Decision d;
      d.account = with[i];
      d.action = i % 3 ? hw::decide::Action::kThrottle : hw::decide::Action::kSuspend;
      d.start = kNow - hw::kUsPerHour;
      d.until = kNow + hw::kUsPerDay;
      store.Add(d);
      floor.emplace(with[i], static_cast<int>(i));
    }
  }
};

Fixture& Get() {
  static Fixture f;
  return f;
}

// Looks up accounts of `ids` in a fixed stride over the table, so that
// probes land in random cache lines as on a busy gateway.
template <typename Fn>
void Probe(benchmark::State& state, const std::vector<std::string>& ids, Fn fn) {
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn(ids[i]));
    i = (i + 7919) % kAccounts;
  }
}

void BM_FindHit(benchmark::State& state) {
  Fixture& f = Get();
  Probe(state, f.with, [&](const std::string& id) { return f.store.Find(id, kNow); });
}

void BM_FindMiss(benchmark::State& state) {
  Fixture& f = Get();
  Probe(state, f.without, [&](const std::string& id) { return f.store.Find(id, kNow); });
}

void BM_FloorHashProbe(benchmark::State& state) {
  Fixture& f = Get();
  Probe(state, f.with, [&](const std::string& id) {
    return f.floor.find(absl::string_view(id.data(), id.size()));
  });
}

BENCHMARK(BM_FindHit);
BENCHMARK(BM_FindMiss);
BENCHMARK(BM_FloorHashProbe);

}  // namespace

BENCHMARK_MAIN();
