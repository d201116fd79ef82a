// The batch engine behind `hydrawatch analyze`: decode -> features ->
// fingerprint (per worker shard) -> merge -> link -> score -> report.
//
// Threads: one reader fills chunks of lines and hands each chunk to all
// `threads` workers. Each worker owns a shard of accounts (decode::RouteKey
// of the line's user.id) and decodes only their lines, so every account's
// requests reach one AccountState in input order whatever the thread count.
// Duplicate ids are caught per shard (a redelivery carries its account's id);
// rejected lines are written in line order, chunk by chunk, by the last shard
// done with each chunk. The result is byte-identical whatever the thread
// count, chunk size or timing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/features/content_sampler.h"
#include "engine/report/writer.h"
#include "engine/share/export.h"

namespace hw::pipeline {

struct AnalyzeOptions {
  std::vector<std::string> inputs;  // files in log format v1, "-" for stdin
  std::string accounts_path;        // registry; empty: none
  std::string out_dir;
  std::string rules_path;   // empty: the built-in rule pack
  std::string policy_path;  // empty: the built-in policy
  // Partner STIX bundles (evidence for linking, docs/SHARING.md) and the salt
  // that hashes our account ids the way the partner's shared accounts are.
  std::vector<std::string> intel_paths;
  std::string intel_salt = share::kDefaultSalt;
  int threads = 2;
  // Which requests get the rule-pack scan; ContentSampler::ScanAll() for all.
  features::ContentSampler sampler;
  size_t chunk_bytes = size_t{4} << 20;
  // Response ids remembered per generation, shared out among the shards.
  size_t dedup_capacity = size_t{8} << 20;
};

struct AnalyzeOutcome {
  report::RunSummary summary;
  size_t accounts = 0;
  size_t campaigns = 0;  // linked groups
  size_t attack_campaigns = 0;
  size_t attack_accounts = 0;
  size_t suspicious_accounts = 0;
  std::vector<std::string> warnings;  // e.g. registry lines skipped
  // Partner intelligence: indicators loaded, skipped (unsupported patterns)
  // and the accounts that match at least one.
  size_t intel_indicators = 0;
  size_t intel_skipped = 0;
  size_t intel_matched_accounts = 0;
};

// Runs the whole job and writes accounts.jsonl, campaigns.json, report.md and
// rejected.jsonl into out_dir. Fails only when an input cannot be read or the
// output cannot be written (the message says which); bad lines are rejected
// and counted, not fatal.
Result<AnalyzeOutcome> Analyze(const AnalyzeOptions& options);

}  // namespace hw::pipeline
