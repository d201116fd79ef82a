// Scores a detection result (`hydrawatch analyze --out DIR`) against the
// simulator's ground truth (`hydrawatch simulate`, labels.jsonl). Not a hot
// path: inputs are read whole and parsed with simdjson; load errors are
// Status values whose message names `file:line: reason`. The output keys and
// the exact definitions of every figure are documented in docs/EVAL.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/time.h"

namespace hw::eval {

// One line of labels.jsonl.
struct LabelRow {
  std::string user_id;
  bool attack = false;
  // Benign persona name, or the campaign's kind for attackers.
  std::string persona;
  // True campaign id; empty for benign accounts (and only for them).
  std::string campaign;
  int64_t requests = 0;  // 0: registered, never active
  std::optional<TimeUs> first_seen;
  std::optional<TimeUs> last_seen;
};

enum class Verdict : uint8_t { kBenign, kSuspicious, kAttack };
const char* VerdictName(Verdict v) noexcept;

// One line of DIR/accounts.jsonl.
struct PredRow {
  std::string user_id;
  double score = 0;
  Verdict verdict = Verdict::kBenign;
  std::string campaign;  // predicted campaign id; empty for null
  std::optional<TimeUs> first_flagged;
  std::optional<int64_t> requests_before_flag;
};

// One entry of DIR/campaigns.json. Membership for the metrics comes from the
// accounts' "campaign" fields, not from this list; the list contributes
// detection times.
struct PredCampaign {
  std::string id;
  int64_t accounts = 0;
  std::vector<std::string> account_ids;  // when the file lists them
  std::optional<TimeUs> first_detection;
  std::optional<int64_t> requests_before_detection;
};

// The analyze issue's targets.
struct Targets {
  double precision = 0.99;        // account precision >=
  double recall = 0.95;           // account recall >=
  double campaign_recall = 0.90;  // every true campaign's recall >=
  double completeness = 0.90;     // every true campaign's completeness >= ...
  double purity = 0.95;           // ... with its best predicted campaign's purity >=
  double persona_fpr = 0.001;     // every benign persona's FPR <=
};

enum class BarStatus : uint8_t { kPass, kFail, kNotApplicable };
const char* BarStatusName(BarStatus s) noexcept;  // "pass", "fail", "n/a"

// A ratio whose denominator may be zero (then nullopt, shown as n/a / null).
using Ratio = std::optional<double>;

struct AccountMetrics {
  // Over labelled accounts with >= 1 request.
  int64_t tp = 0, fp = 0, fn = 0, tn = 0;
  Ratio precision, recall, f1;
  int64_t inactive_flagged = 0;    // labelled, 0 requests, predicted positive
  int64_t unlabelled_flagged = 0;  // in accounts.jsonl, not in labels, positive
};

struct CampaignMetrics {
  std::string id;
  std::string kind;      // the persona its accounts carry in the labels
  int64_t accounts = 0;  // labelled accounts
  int64_t active = 0;    // ... with >= 1 request
  int64_t requests = 0;  // sum over its accounts
  int64_t detected = 0;  // active accounts predicted positive
  Ratio recall;          // detected / active
  // Predicted groups (predicted campaign ids, or singletons for positives
  // without one) holding at least one of its detected accounts.
  int64_t predicted_groups = 0;
  // The group holding most of its active accounts (ties: higher purity, then
  // a named campaign before a singleton, then the smaller id).
  std::string best_group;  // campaign id, or the account id of a singleton
  bool best_singleton = false;
  int64_t best_shared = 0;                  // its active accounts in the best group
  int64_t best_size = 0;                    // labelled active accounts in the best group
  Ratio completeness;                       // best_shared / active
  Ratio purity;                             // best_shared / best_size
  std::optional<TimeUs> first_seen;         // min first_seen of its accounts
  std::optional<TimeUs> first_detection;    // see docs/EVAL.md
  std::optional<TimeUs> time_to_detection;  // first_detection - first_seen
  std::optional<int64_t> requests_before_detection;
  // Active accounts whose first request came before first_detection: the
  // accounts that got requests through before the campaign was stopped.
  std::optional<int64_t> accounts_before_detection;
  BarStatus recall_bar = BarStatus::kNotApplicable;
  BarStatus completeness_bar = BarStatus::kNotApplicable;
};

struct PersonaMetrics {
  std::string name;
  int64_t accounts = 0;
  int64_t active = 0;
  int64_t flagged = 0;  // active accounts predicted positive
  Ratio fpr;            // flagged / active
  BarStatus bar = BarStatus::kNotApplicable;
  // Online results only (the rows carry `first_flagged`): active accounts that
  // got an enforced decision at any time, even one lifted before the end, and
  // their share of the active accounts. Null for batch results.
  std::optional<int64_t> enforced;
  Ratio enforced_share;
  BarStatus enforced_bar = BarStatus::kNotApplicable;
};

struct Bar {
  // precision, recall, campaign_recall, campaign_completeness, persona_fpr,
  // persona_enforced
  std::string name;
  std::string target;  // e.g. ">= 0.99"
  Ratio value;         // the figure, or the worst one over campaigns / personas
  std::string worst;   // campaign or persona holding the worst value, if any
  BarStatus status = BarStatus::kNotApplicable;
  std::vector<std::string> failing;  // campaigns / personas that miss the bar
};

// All figures for one definition of a positive prediction.
struct ViewReport {
  bool suspicious_positive = false;  // false: only "attack" is positive
  AccountMetrics accounts;
  std::vector<CampaignMetrics> campaigns;  // sorted by id
  std::vector<PersonaMetrics> personas;    // benign personas, sorted by name
  std::vector<Bar> bars;
  bool pass = false;  // no bar failed
};

struct EvalReport {
  // Labels.
  int64_t labelled = 0;
  int64_t labelled_attack = 0;
  int64_t labelled_benign = 0;
  int64_t active = 0;
  int64_t inactive = 0;
  // Result.
  int64_t predicted_accounts = 0;     // rows in accounts.jsonl
  int64_t predicted_campaigns = 0;    // entries in campaigns.json
  int64_t unlabelled = 0;             // rows whose account is not in the labels
  int64_t missing_active = 0;         // active labelled accounts not in the result
  int64_t missing_active_attack = 0;  // ... of which attackers
  bool detection_times = false;       // the result carries first_flagged / first_detection
  Targets targets;
  ViewReport attack;                // positive = verdict attack (the bars' view)
  ViewReport attack_or_suspicious;  // positive = verdict attack or suspicious
};

// Metrics from parsed rows. Account ids are unique within each input (the
// loaders enforce it); result rows for unknown accounts are counted and
// otherwise ignored; labelled accounts without a result row are predicted
// benign.
EvalReport Compute(const std::vector<LabelRow>& labels, const std::vector<PredRow>& accounts,
                   const std::vector<PredCampaign>& campaigns, const Targets& targets = {});

// Loaders. Files may be plain, gzip or zstd (by magic bytes). Errors:
// kIoError (cannot read) or kParseError with "file:line: reason".
Result<std::vector<LabelRow>> LoadLabels(const std::string& path);
Result<std::vector<PredRow>> LoadAccounts(const std::string& path);
Result<std::vector<PredCampaign>> LoadCampaigns(const std::string& path);

// Loads `labels_path`, `result_dir`/accounts.jsonl and, when it exists,
// `result_dir`/campaigns.json, then Compute.
Result<EvalReport> Evaluate(const std::string& labels_path, const std::string& result_dir,
                            const Targets& targets = {});

// Fixed-width text for a terminal: summary, then per view: overall, per
// campaign, per benign persona and the bars.
std::string FormatTable(const EvalReport& report);
// The eval.json document (keys in docs/EVAL.md), ending with a newline.
std::string ToJson(const EvalReport& report);

}  // namespace hw::eval
