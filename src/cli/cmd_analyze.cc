#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "engine/pipeline/analyze.h"

namespace hw::cli {

namespace {

int RunAnalyze(const pipeline::AnalyzeOptions& options) {
  auto result = pipeline::Analyze(options);
  if (!result.ok()) {
    PrintError(result.status().message());
    return 1;
  }
  for (const auto& w : result->warnings)
    std::fprintf(stderr, "hydrawatch: warning: %s\n", w.c_str());
  const auto& s = result->summary;
  std::fprintf(
      stderr,
      "analyze: %llu lines, %llu events, %llu rejected, %llu duplicates, %llu out of order; "
      "%zu accounts, %zu linked groups, %zu distillation campaigns, %zu attack accounts, "
      "%zu suspicious\n  report: %s/report.md\n",
      static_cast<unsigned long long>(s.lines), static_cast<unsigned long long>(s.events),
      static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.duplicates),
      static_cast<unsigned long long>(s.out_of_order), result->accounts, result->campaigns,
      result->attack_campaigns, result->attack_accounts, result->suspicious_accounts,
      options.out_dir.c_str());
  if (s.rejected)
    std::fprintf(stderr, "  rejected lines: %s/rejected.jsonl\n", options.out_dir.c_str());
  return 0;
}

}  // namespace

void AddAnalyze(CLI::App& app, Runner* run) {
  auto opts = std::make_shared<pipeline::AnalyzeOptions>();
  CLI::App* cmd =
      app.add_subcommand("analyze", "Find, link and explain distillation campaigns in API logs");
  cmd->add_option("events", opts->inputs,
                  "Log files (log format v1; plain, .gz or .zst; - for stdin)")
      ->required();
  cmd->add_option("--accounts", opts->accounts_path, "Accounts registry (JSON Lines)");
  cmd->add_option("--out", opts->out_dir, "Output directory")->required();
  cmd->add_option("--rules", opts->rules_path,
                  "Rule pack YAML (default: built-in rules/default.yaml)");
  cmd->add_option("--policy", opts->policy_path,
                  "Policy YAML (default: built-in policy/default.yaml)");
  cmd->add_option("--threads", opts->threads, "Worker threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--scan-full", opts->sampler.full_requests,
                  "Rule-scan every one of an account's first N requests")
      ->capture_default_str();
  cmd->add_option("--scan-rate-shift", opts->sampler.rate_shift,
                  "After that, rule-scan one request in 2^K (0: all)")
      ->check(CLI::Range(0, 16))
      ->capture_default_str();
  cmd->add_flag_callback(
      "--scan-all", [opts] { opts->sampler = features::ContentSampler::ScanAll(); },
      "Rule-scan every request (slower; content shares exact)");
  cmd->callback([run, opts] { *run = [opts] { return RunAnalyze(*opts); }; });
}

}  // namespace hw::cli
