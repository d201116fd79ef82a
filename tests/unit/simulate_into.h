// Test helper shared by the end-to-end tests (pipeline, share, intel): a
// built-in scenario simulated into files, as `hydrawatch simulate` writes them.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "engine/common/output_file.h"
#include "engine/common/result.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"

namespace hw::testing {

// Simulates `scenario` (its own seed, 2 threads) into DIR/sim/accounts.jsonl,
// DIR/sim/events.jsonl.zst and DIR/sim/labels.jsonl; `on_block` (may be
// empty) sees each block of events as it is written. Returns the number of
// events simulated.
inline Result<uint64_t> SimulateInto(const std::filesystem::path& dir,
                                     const std::string& scenario = "small",
                                     const std::function<void(std::string_view)>& on_block = {}) {
  std::filesystem::create_directories(dir / "sim");
  auto sc = sim::LoadScenario(scenario);
  if (!sc.ok()) return sc.status();
  auto gen = sim::Generator::Create(*sc, sc->seed, 2);
  if (!gen.ok()) return gen.status();
  std::string text;
  (*gen)->WriteAccounts(text);
  if (Status s = WriteFile((dir / "sim/accounts.jsonl").string(), text); !s.ok()) return s;
  auto events = OutputFile::Open((dir / "sim/events.jsonl.zst").string());
  if (!events.ok()) return events.status();
  Status run = (*gen)->Run([&](std::string_view b) {
    if (on_block) on_block(b);
    return (*events)->Write(b);
  });
  if (!run.ok()) return run;
  if (Status s = (*events)->Close(); !s.ok()) return s;
  text.clear();
  (*gen)->WriteLabels(text);
  if (Status s = WriteFile((dir / "sim/labels.jsonl").string(), text); !s.ok()) return s;
  return (*gen)->stats().events;
}

}  // namespace hw::testing
