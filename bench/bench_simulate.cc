// Throughput of the traffic generator: events/s and bytes/s of
// Generator::Run on the built-in `seed` scenario at a small scale, into a
// sink that discards the blocks. The bar is >= 1M events/s on 2 cores
// (threads = 2) at 1-2 KB a line. Setup (accounts, pre-rendered prompts and
// turns) is not timed.
//
//   bench_simulate --benchmark_filter=Seed/2 --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string_view>

#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"

namespace {

using hw::Status;
using namespace hw::sim;

void RunScenario(benchmark::State& state, const char* name, double scale) {
  auto sc = LoadScenario(name);
  if (!sc.ok()) {
    state.SkipWithError(sc.status().message().c_str());
    return;
  }
  const Scenario scenario = sc->Scaled(scale);
  const int threads = static_cast<int>(state.range(0));
  uint64_t events = 0, bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto gen = Generator::Create(scenario, scenario.seed, threads);
    if (!gen.ok()) {
      state.SkipWithError(gen.status().message().c_str());
      return;
    }
    state.ResumeTiming();
    uint64_t checksum = 0;
    const Status s = (*gen)->Run([&](std::string_view block) {
      checksum += static_cast<unsigned char>(block.back());  // touch the block
      return Status::Ok();
    });
    benchmark::DoNotOptimize(checksum);
    if (!s.ok()) {
      state.SkipWithError(s.message().c_str());
      return;
    }
    events += (*gen)->stats().events;
    bytes += (*gen)->stats().bytes;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["bytes_per_event"] =
      benchmark::Counter(events ? static_cast<double>(bytes) / static_cast<double>(events) : 0);
}

// ~0.6M events per run.
void BM_Seed(benchmark::State& state) { RunScenario(state, "seed", 0.001); }
void BM_Feb2026(benchmark::State& state) { RunScenario(state, "feb2026", 0.002); }

BENCHMARK(BM_Seed)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Feb2026)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
