// Test helpers shared by the engine tests (pipeline, state, share, casefile,
// intel): the built-in engine spec and enforcement policy, loaded once per
// test binary, and a suite's folder with a scenario simulated and analyzed
// into it, as `hydrawatch simulate` and `hydrawatch analyze` write them.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/common/result.h"
#include "engine/decide/enforcement.h"
#include "engine/pipeline/analyze.h"
#include "engine/pipeline/engine_spec.h"
#include "simulate_into.h"

namespace hw::testing {

// The built-in rule pack and policy (LoadEngineSpec("", "")), loaded on first
// use and kept for the binary's life (engines hold a reference to it). A load
// error fails the test that first asks.
inline const pipeline::EngineSpec& Spec() {
  static const pipeline::EngineSpec* spec = [] {
    auto s = pipeline::LoadEngineSpec("", "");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return new pipeline::EngineSpec(std::move(s).value());
  }();
  return *spec;
}

// The built-in enforcement policy, like Spec().
inline const decide::EnforcementPolicy& Enforcement() {
  static const decide::EnforcementPolicy* e = [] {
    auto p = decide::DefaultEnforcement();
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return new decide::EnforcementPolicy(std::move(p).value());
  }();
  return *e;
}

// TMP/PREFIX<process id>_<gtest's random seed>, removed if it was there: one
// folder per suite and process. ctest runs each test of a suite in a process
// of its own, two at a time, all with seed 0: without the process id one
// test's TearDownTestSuite removed the folder another was still using.
inline std::filesystem::path FreshTempDir(const std::string& prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (prefix + std::to_string(::getpid()) + "_" +
       std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  return dir;
}

// Analyzes what SimulateInto wrote in DIR/sim (events and registry) into
// DIR/OUT; `opt` brings any other option (its inputs, registry and output
// folder are set here).
inline Result<pipeline::AnalyzeOutcome> AnalyzeSimulated(const std::filesystem::path& dir,
                                                         const std::string& out,
                                                         pipeline::AnalyzeOptions opt = {}) {
  opt.inputs = {(dir / "sim/events.jsonl.zst").string()};
  opt.accounts_path = (dir / "sim/accounts.jsonl").string();
  opt.out_dir = (dir / out).string();
  return pipeline::Analyze(opt);
}

// SimulateInto(dir, scenario, on_block), then AnalyzeSimulated(dir, "result"):
// the result directory DIR/result of a simulated scenario.
inline Result<pipeline::AnalyzeOutcome> SimulateAndAnalyze(
    const std::filesystem::path& dir, const std::string& scenario = "small",
    const std::function<void(std::string_view)>& on_block = {}) {
  auto simulated = SimulateInto(dir, scenario, on_block);
  if (!simulated.ok()) return simulated.status();
  return AnalyzeSimulated(dir, "result");
}

}  // namespace hw::testing
