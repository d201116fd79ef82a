// Readers for the files `hydrawatch analyze --out DIR` writes (docs/FORMAT.md,
// "Detection output"): campaigns.json and accounts.jsonl, parsed with
// simdjson into what the STIX and MISP exports need. Not a hot path: files are
// read whole. Every malformed input is a kParseError whose message reads
// "FILE:LINE: reason" (the line of the offending value).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/time.h"

namespace hw::share {

// "name -> share of requests" entries, in file order.
struct Share {
  std::string name;
  double share = 0;
};

// One entry of an indicator list in a campaign's "indicators".
struct SharedIndicator {
  std::string value;     // CIDR, address or fingerprint (validated by kind)
  int64_t accounts = 0;  // campaign members that carry it
  // Present only when the result carries them for this indicator.
  std::optional<int64_t> requests;
  std::optional<TimeUs> first_seen;
  std::optional<TimeUs> last_seen;
  // A template's masked example prompt (case files only; never exported).
  std::string example;
};

// One day of a series ("day" is the UTC day's start).
struct DayCount {
  TimeUs day = 0;
  int64_t requests = 0;
  int64_t accounts = 0;
};

struct ModelRecord {
  std::string name;
  int64_t requests = 0;
  int64_t accounts = 0;
  TimeUs first_seen = 0;
  std::vector<DayCount> adoption;  // accounts whose first use fell on the day
};

// What case files chart (docs/FORMAT.md, campaigns.json): requests and
// active accounts per day, the hour-of-day profile (24 values or empty),
// models.
struct Activity {
  std::vector<DayCount> daily;
  std::vector<int64_t> hours;
  std::vector<ModelRecord> models;
};

struct GroupIndicator {
  std::string kind;  // payment, network, user_agent, template, email_domain
  std::string value;
  int64_t accounts = 0;
};

// Members sharing one payment fingerprint or network (value; empty for the
// members outside the listed groups) and the campaign indicators they hold.
struct LinkGroup {
  std::string value;
  int64_t accounts = 0;
  std::vector<GroupIndicator> indicators;
};

// The accounts outside attack campaigns, for comparison.
struct Baseline {
  bool present = false;
  int64_t accounts = 0;
  int64_t requests = 0;
  Activity activity;
  std::vector<Share> capabilities;
};

struct CampaignRecord {
  std::string id;
  bool attack = false;
  double score = 0;
  int64_t interactions = 0;
  TimeUs first_seen = 0;
  TimeUs last_seen = 0;
  std::vector<Share> capabilities;
  std::vector<Share> elicitation_frames;
  // indicators.networks (/24 and /48 CIDRs), indicators.addresses (single
  // client addresses) and indicators.template_fingerprints; the last two are
  // read when present (docs/SHARING.md, "Inputs").
  std::vector<SharedIndicator> networks;
  std::vector<SharedIndicator> addresses;
  std::vector<SharedIndicator> template_fingerprints;
  std::vector<std::string> linked_by;
  // Read for case files; the exports do not use them.
  std::vector<SharedIndicator> payment_fingerprints, organizations, email_domains, user_agents;
  std::vector<std::string> reasons;
  std::vector<std::pair<std::string, double>> features;  // raw values, file order
  Activity activity;
  std::vector<DayCount> signups;  // accounts created per day
  std::string link_groups_by;     // "payment" or "network"; empty when absent
  std::vector<LinkGroup> link_groups;
  std::vector<std::string> account_ids;  // sorted, unique
  uint64_t line = 0;                     // where the campaign's object starts
};

struct CampaignsFile {
  std::string policy;
  std::vector<CampaignRecord> campaigns;  // file order (descending score)
  Baseline baseline;
};

enum class AccountVerdict : uint8_t { kBenign, kSuspicious, kAttack };
// "benign", "suspicious", "attack": as accounts.jsonl writes them.
const char* AccountVerdictName(AccountVerdict v) noexcept;

struct AccountRecord {
  std::string user_id;
  AccountVerdict verdict = AccountVerdict::kBenign;
  double score = 0;
  std::string campaign;  // empty for null
  int64_t requests = 0;
  std::optional<TimeUs> first_seen;
  std::optional<TimeUs> last_seen;
};

// Both files of one result directory. Accounts are sorted by user_id.
struct ResultSet {
  CampaignsFile campaigns;
  std::vector<AccountRecord> accounts;
  // The account's record, or nullptr.
  const AccountRecord* FindAccount(std::string_view user_id) const;
};

// `path` names the text in error messages.
Result<CampaignsFile> ParseCampaigns(std::string_view text, const std::string& path);
Result<std::vector<AccountRecord>> ParseAccounts(std::string_view text, const std::string& path);

// Reads DIR/campaigns.json and DIR/accounts.jsonl and checks that they
// belong together: every member a campaign lists has an accounts.jsonl line.
Result<ResultSet> LoadResult(const std::string& dir);

}  // namespace hw::share
