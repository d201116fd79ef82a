// Speed of the prompt grammars: the simulator's budget is well under 1 µs for
// a ~300-character user prompt (>= 1M events/s on 2 cores).
#include <benchmark/benchmark.h>

#include <string>

#include "engine/common/rng.h"
#include "engine/sim/grammar.h"

namespace {

using hw::Rng;
using namespace hw::sim;

constexpr int kCaps = static_cast<int>(Capability::kCount);

void Report(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["bytes_per_call"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgIterations);
}

// Capabilities and frames rotate per call, as in mixed traffic.
void RunPrompts(benchmark::State& state, bool templated, double paraphrase, uint32_t target_lo,
                uint32_t target_hi, bool frames) {
  Rng rng(1);
  std::string out;
  out.reserve(16384);
  size_t bytes = 0;
  uint64_t i = 0;
  for (auto _ : state) {
    PromptSpec spec;
    spec.capability = static_cast<Capability>(i % kCaps);
    spec.frame =
        frames ? static_cast<Frame>((i / kCaps) % static_cast<int>(Frame::kCount)) : Frame::kNone;
    spec.template_seed = templated ? 1 + (i % 40) : 0;
    spec.paraphrase = paraphrase;
    spec.target_chars =
        target_lo == target_hi
            ? target_lo
            : target_lo + static_cast<uint32_t>(rng.Below(target_hi - target_lo + 1));
    out.clear();
    WriteUserPrompt(spec, rng, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
    ++i;
  }
  Report(state, bytes);
}

void BM_FreeForm300(benchmark::State& s) { RunPrompts(s, false, 0, 300, 300, false); }
void BM_FreeFormNatural(benchmark::State& s) { RunPrompts(s, false, 0, 0, 0, false); }
void BM_Templated300(benchmark::State& s) { RunPrompts(s, true, 0, 300, 300, false); }
void BM_TemplatedParaphrase300(benchmark::State& s) { RunPrompts(s, true, 0.8, 300, 300, false); }
// What a distillation campaign sends: every frame, targets 300..1200.
void BM_CampaignMix(benchmark::State& s) { RunPrompts(s, true, 0.5, 300, 1200, true); }

void BM_NonEnglish(benchmark::State& state) {
  Rng rng(2);
  std::string out;
  out.reserve(16384);
  size_t bytes = 0;
  uint64_t i = 0;
  for (auto _ : state) {
    PromptSpec spec;
    spec.capability = static_cast<Capability>(i % kCaps);
    spec.language = static_cast<Language>(1 + (i / kCaps) % 5);
    spec.target_chars = 300;
    out.clear();
    WriteUserPrompt(spec, rng, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
    ++i;
  }
  Report(state, bytes);
}

void BM_SystemCodingAgent(benchmark::State& state) {
  Rng rng(3);
  std::string out;
  out.reserve(8192);
  size_t bytes = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    out.clear();
    WriteSystemPrompt(SystemKind::kCodingAgent, seed++, Language::kEnglish, rng, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  Report(state, bytes);
}

void BM_ToolDefinitions(benchmark::State& state) {
  std::string out;
  out.reserve(8192);
  size_t bytes = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    out.clear();
    WriteToolDefinitionsJson(seed++, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  Report(state, bytes);
}

void BM_ToolCall(benchmark::State& state) {
  Rng rng(4);
  std::string name, args;
  name.reserve(64);
  args.reserve(1024);
  size_t bytes = 0;
  uint64_t i = 0;
  for (auto _ : state) {
    name.clear();
    args.clear();
    WriteToolCall(1 + (i++ % 6), rng, name, args);
    bytes += name.size() + args.size();
    benchmark::DoNotOptimize(args.data());
  }
  Report(state, bytes);
}

void BM_AssistantTurnAndToolResult(benchmark::State& state) {
  Rng rng(5);
  std::string out;
  out.reserve(8192);
  size_t bytes = 0;
  uint64_t i = 0;
  for (auto _ : state) {
    PromptSpec spec;
    spec.capability = static_cast<Capability>(i++ % kCaps);
    out.clear();
    WriteAssistantTurn(spec, rng, out);
    WriteToolResult(rng, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  Report(state, bytes);
}

BENCHMARK(BM_FreeForm300);
BENCHMARK(BM_FreeFormNatural);
BENCHMARK(BM_Templated300);
BENCHMARK(BM_TemplatedParaphrase300);
BENCHMARK(BM_CampaignMix);
BENCHMARK(BM_NonEnglish);
BENCHMARK(BM_SystemCodingAgent);
BENCHMARK(BM_ToolDefinitions);
BENCHMARK(BM_ToolCall);
BENCHMARK(BM_AssistantTurnAndToolResult);

}  // namespace

BENCHMARK_MAIN();
