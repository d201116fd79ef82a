// Shared by the STIX and MISP writers: which campaigns leave, their members'
// hashes, the indicators merged across campaigns and text formatting. Private
// to the share stage.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/share/export.h"

namespace hw::share::detail {

enum class IndicatorKind : uint8_t { kNetwork, kAddress, kTemplate };

// One campaign's entry for an indicator.
struct IndicatorUse {
  size_t campaign = 0;  // index into Exported::campaigns
  const SharedIndicator* entry = nullptr;
};

struct MergedIndicator {
  IndicatorKind kind = IndicatorKind::kNetwork;
  std::string value;
  bool ipv6 = false;
  std::vector<IndicatorUse> uses;  // in campaign order
  TimeUs valid_from = 0;           // earliest first_seen of its campaigns
};

struct ExportedCampaign {
  const CampaignRecord* record = nullptr;
  // Members' hashes, sorted; `members[i]` belongs to `accounts[i]`.
  std::vector<std::string> members;
  std::vector<const AccountRecord*> accounts;
  // SHA-256 of the sorted hashes: names the campaign across exports of the
  // same membership without revealing it.
  std::string key;
};

struct Exported {
  std::vector<ExportedCampaign> campaigns;  // attack campaigns, file order
  // Keyed by kind then value, so the output order is fixed.
  std::map<std::pair<IndicatorKind, std::string>, MergedIndicator> indicators;
  // The latest event time in the exported data (created/modified of every
  // object); falls back to the latest account activity, then 0.
  TimeUs as_of = 0;
  int64_t accounts = 0;
  int64_t interactions = 0;
};

Exported SelectForExport(const ResultSet& result, const ExportOptions& options);

// "YYYY-MM-DDTHH:MM:SS.mmmZ": STIX created/modified need milliseconds.
std::string MillisTime(TimeUs t);
// "20,068".
std::string Thousands(int64_t v);
// "agentic tool use (49%), software engineering (31%)": shares of at least 1%,
// names with '_' read as spaces.
std::string ShareList(const std::vector<Share>& shares);
// One sentence about a campaign for descriptions and comments: volume,
// accounts, dates, targets, links. Carries no account id.
std::string CampaignSummary(const ExportedCampaign& c, const std::string& policy);
// "network", "client address", "prompt template" and what each use means.
std::string IndicatorDescription(const MergedIndicator& ind, const Exported& ex);

}  // namespace hw::share::detail
