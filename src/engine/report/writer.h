// Output of a detection run (docs/FORMAT.md, "Detection output"):
// accounts.jsonl, campaigns.json and report.md. Deterministic: accounts are
// written in user.id order, campaigns in id order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/time.h"
#include "engine/decode/registry.h"
#include "engine/fingerprint/account_table.h"
#include "engine/fingerprint/name_book.h"
#include "engine/link/linker.h"
#include "engine/policy/policy.h"
#include "engine/score/scorer.h"

namespace hw::report {

struct RunSummary {
  std::vector<std::string> inputs;
  uint64_t lines = 0;
  uint64_t events = 0;  // accepted, duplicates excluded
  uint64_t rejected = 0;
  uint64_t duplicates = 0;
  uint64_t out_of_order = 0;
  std::string policy_name;
  std::string rules_name;
};

// An account's first enforced decision in an online run (serve, replay):
// its event time and the account's requests accepted before it.
struct FirstFlag {
  TimeUs time = 0;
  uint64_t requests_before = 0;
};

struct RunView {
  const fingerprint::AccountTable& table;
  const std::vector<const decode::AccountInfo*>& infos;
  const link::LinkResult& links;
  const score::ScoreResult& scores;
  const policy::Policy& policy;
  const RunSummary& summary;
  // Parallel to `table` (may be shorter); null in batch runs. Written as
  // `first_flagged` and `requests_before_flag` (docs/FORMAT.md).
  const std::vector<std::optional<FirstFlag>>* first_flags = nullptr;
  // Text behind hashes (analyze fills them; null elsewhere): model names,
  // user agents, one masked example prompt per template. Without them the
  // hash is written (`model_<hex>`, `ua_<hex>`) and examples are left out.
  const fingerprint::NameBook* model_names = nullptr;
  const fingerprint::NameBook* agent_names = nullptr;
  const fingerprint::NameBook* examples = nullptr;
  // Capability names by rule-pack bit, for the baseline's capability mix;
  // null: the baseline has no `capabilities`.
  const score::Vocabulary* vocabulary = nullptr;
};

std::string AccountsJsonl(const RunView& run);
std::string CampaignsJson(const RunView& run);
std::string ReportMarkdown(const RunView& run);
// One line per edge that joined accounts of a campaign: both accounts, the
// summed weight and each channel's share, so an analyst can see why two
// accounts were linked.
std::string LinksJsonl(const RunView& run);

// Writes accounts.jsonl, campaigns.json, links.jsonl and report.md into `dir` (created if needed).
Status WriteAll(const RunView& run, const std::string& dir);

}  // namespace hw::report
