// The batch engine behind `hydrawatch analyze`: decode -> features ->
// fingerprint (per worker shard) -> merge -> link -> score -> report.
//
// Threads: one reader fills chunks of lines; `threads` workers each own a
// shard of account states and take chunks round-robin (chunk k goes to worker
// k % threads). Order-dependent work (duplicate ids, unsorted-time counting,
// rejected-line output) runs per chunk in chunk order, through a turn gate,
// so that the result is byte-identical whatever the thread timing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/report/writer.h"

namespace hw::pipeline {

struct AnalyzeOptions {
  std::vector<std::string> inputs;  // files in log format v1, "-" for stdin
  std::string accounts_path;        // registry; empty: none
  std::string out_dir;
  std::string rules_path;   // empty: the built-in rule pack
  std::string policy_path;  // empty: the built-in policy
  int threads = 2;
  size_t chunk_bytes = size_t{16} << 20;
  size_t dedup_capacity = size_t{8} << 20;  // response ids remembered per generation
};

struct AnalyzeOutcome {
  report::RunSummary summary;
  size_t accounts = 0;
  size_t campaigns = 0;  // linked groups
  size_t attack_campaigns = 0;
  size_t attack_accounts = 0;
  size_t suspicious_accounts = 0;
  std::vector<std::string> warnings;  // e.g. registry lines skipped
};

// Runs the whole job and writes accounts.jsonl, campaigns.json, report.md and
// rejected.jsonl into out_dir. Fails only when an input cannot be read or the
// output cannot be written (the message says which); bad lines are rejected
// and counted, not fatal.
Result<AnalyzeOutcome> Analyze(const AnalyzeOptions& options);

}  // namespace hw::pipeline
