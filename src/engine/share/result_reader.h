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
  std::vector<std::string> account_ids;  // sorted, unique
  uint64_t line = 0;                     // where the campaign's object starts
};

struct CampaignsFile {
  std::string policy;
  std::vector<CampaignRecord> campaigns;  // file order (descending score)
};

enum class AccountVerdict : uint8_t { kBenign, kSuspicious, kAttack };

struct AccountRecord {
  std::string user_id;
  AccountVerdict verdict = AccountVerdict::kBenign;
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
