#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "engine/pipeline/analyze.h"
#include "engine/share/export.h"

namespace hw::cli {

namespace {

int RunAnalyze(pipeline::AnalyzeOptions options, const std::string& intel_salt_file) {
  if (!intel_salt_file.empty()) {
    auto salt = share::ReadSaltFile(intel_salt_file);
    if (!salt.ok()) {
      PrintError(salt.status().message());
      return 2;
    }
    options.intel_salt = std::move(salt).value();
  }
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
  if (!options.intel_paths.empty()) {
    std::fprintf(stderr,
                 "  partner intelligence: %zu indicators (%zu skipped), matched by %zu accounts\n",
                 result->intel_indicators, result->intel_skipped, result->intel_matched_accounts);
  }
  return 0;
}

}  // namespace

void AddAnalyze(CLI::App& app, Runner* run) {
  auto opts = std::make_shared<pipeline::AnalyzeOptions>();
  auto intel_salt_file = std::make_shared<std::string>();
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
  cmd->add_option("--intel", opts->intel_paths,
                  "Partner STIX 2.1 bundle: its indicators become linking evidence, never a "
                  "verdict (repeatable)");
  auto* salt = cmd->add_option("--intel-salt", opts->intel_salt,
                               "Salt the partner hashed shared account ids with (as `export "
                               "--salt`; default: the public default salt)");
  cmd->add_option("--intel-salt-file", *intel_salt_file,
                  "Read that salt from a file (trailing newline dropped)")
      ->excludes(salt);
  auto no_cases = std::make_shared<bool>(false);
  cmd->add_flag("--no-cases", *no_cases, "Do not write case files (OUT/cases, as `report`)");
  cmd->callback([run, opts, intel_salt_file, no_cases] {
    *run = [opts, intel_salt_file, no_cases] {
      const int rc = RunAnalyze(*opts, *intel_salt_file);
      return rc != 0 || *no_cases ? rc : WriteCases(opts->out_dir);
    };
  });
}

}  // namespace hw::cli
