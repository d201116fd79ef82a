#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/common/output_file.h"
#include "engine/sim/generator.h"
#include "engine/sim/scenario.h"

namespace hw::cli {

namespace {

struct SimulateArgs {
  std::string scenario = "small";
  double scale = 1.0;
  int64_t seed = -1;
  std::string out;
  std::string accounts_path, labels_path;
  std::string compress = "none";
  int threads = 2;
};

int RunSimulate(const SimulateArgs& args) {
  auto sc = sim::LoadScenario(args.scenario);
  if (!sc.ok()) {
    PrintError(sc.status().message());
    return 2;
  }
  sim::Scenario scenario = args.scale == 1.0 ? *sc : sc->Scaled(args.scale);
  const uint64_t seed = args.seed >= 0 ? static_cast<uint64_t>(args.seed) : scenario.seed;
  const bool to_stdout = args.out == "-";
  std::string events_path, accounts_path = args.accounts_path, labels_path = args.labels_path;
  if (to_stdout) {
    if (accounts_path.empty() || labels_path.empty()) {
      PrintError("with --out - give --accounts FILE and --labels FILE for the registry and labels");
      return 2;
    }
    events_path = "-";
  } else {
    if (Status s = MakeDirs(args.out); !s.ok()) {
      PrintError(s.message());
      return 1;
    }
    const std::string ext = args.compress == "gz" ? ".gz" : args.compress == "zst" ? ".zst" : "";
    events_path = args.out + "/events.jsonl" + ext;
    if (accounts_path.empty()) accounts_path = args.out + "/accounts.jsonl";
    if (labels_path.empty()) labels_path = args.out + "/labels.jsonl";
  }
  auto gen = sim::Generator::Create(scenario, seed, args.threads);
  if (!gen.ok()) {
    PrintError(gen.status().message());
    return 2;
  }
  std::string registry;
  (*gen)->WriteAccounts(registry);
  if (Status s = WriteFile(accounts_path, registry); !s.ok()) {
    PrintError(s.message());
    return 1;
  }
  auto events = OutputFile::Open(events_path);
  if (!events.ok()) {
    PrintError(events.status().message());
    return 1;
  }
  Status s = (*gen)->Run([&](std::string_view block) { return (*events)->Write(block); });
  if (s.ok()) s = (*events)->Close();
  if (!s.ok()) {
    PrintError(s.message());
    return 1;
  }
  std::string labels;
  (*gen)->WriteLabels(labels);
  if (Status ls = WriteFile(labels_path, labels); !ls.ok()) {
    PrintError(ls.message());
    return 1;
  }
  const auto& st = (*gen)->stats();
  std::fprintf(stderr,
               "simulate %s (scale %g, seed %llu): %llu events (%llu duplicates, %llu attack), "
               "%llu accounts (%llu attack), %.1f MB\n  events: %s\n  accounts: %s\n  labels: %s\n",
               scenario.name.c_str(), args.scale, static_cast<unsigned long long>(seed),
               static_cast<unsigned long long>(st.events),
               static_cast<unsigned long long>(st.duplicates),
               static_cast<unsigned long long>(st.attack_events),
               static_cast<unsigned long long>(st.accounts),
               static_cast<unsigned long long>(st.attack_accounts), st.bytes / 1e6,
               events_path.c_str(), accounts_path.c_str(), labels_path.c_str());
  return 0;
}

}  // namespace

void AddSimulate(CLI::App& app, Runner* run) {
  auto args = std::make_shared<SimulateArgs>();
  std::string names;
  for (const auto& n : sim::BuiltinScenarioNames()) names += (names.empty() ? "" : ", ") + n;
  CLI::App* cmd = app.add_subcommand("simulate", "Generate labelled API traffic for a scenario");
  cmd->add_option("--scenario", args->scenario, "Built-in scenario (" + names + ") or a YAML file")
      ->capture_default_str();
  cmd->add_option("--scale", args->scale, "Multiply account counts and request volumes")
      ->check(CLI::Range(1e-6, 100.0))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed (default: the scenario's)");
  cmd->add_option("--out", args->out, "Output directory, or - to stream events to stdout")
      ->required();
  cmd->add_option("--accounts", args->accounts_path,
                  "Accounts registry file (required with --out -)");
  cmd->add_option("--labels", args->labels_path, "Labels file (required with --out -)");
  cmd->add_option("--compress", args->compress, "Compress events.jsonl in DIR")
      ->check(CLI::IsMember({"none", "gz", "zst"}))
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Rendering threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->callback([run, args] { *run = [args] { return RunSimulate(*args); }; });
}

}  // namespace hw::cli
