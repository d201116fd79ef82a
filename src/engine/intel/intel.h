// Partner intelligence in (docs/SHARING.md, "Partner intelligence in"): a
// STIX 2.1 bundle from another provider, compiled into an immutable
// PartnerIntel, and the matching of our accounts' summaries against it.
//
// Indicators are evidence for linking, never a verdict: the linker's
// `partner` channel joins accounts that match the same partner indicator or
// indicators of the same partner campaign, and the scorer names the partner
// in the reasons. Matching reads only per-account summaries after folding
// (main /24 or /48 networks, main prompt templates, the salted account id),
// so it costs nothing per event.
//
// Not a hot path: bundles are read whole at load, with simdjson On Demand;
// malformed JSON or a wrong type is a kParseError "FILE:LINE: path: reason".
// Patterns outside the supported subset are skipped and counted, not errors.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/sha256.h"
#include "engine/common/time.h"
#include "engine/fingerprint/account_table.h"

namespace hw::intel {

// What an indicator's value is compared with.
enum class IndicatorKind : uint8_t {
  kNetwork,   // IPv4 / IPv6 address or CIDR: against the account's main /24 or /48 networks
  kTemplate,  // hydrawatch-template-v1 fingerprint: against the account's main prompt templates
  kAccount,   // SHA-256(salt || user.id): against the account's own id
};
const char* KindName(IndicatorKind kind) noexcept;  // "network", "template", "account"

// An address or CIDR, masked to its prefix. A single address is a full-length prefix.
struct Network {
  bool ipv6 = false;
  uint8_t prefix = 0;              // 0..32 or 0..128
  std::array<uint8_t, 16> addr{};  // network byte order, host bits zero
};

// One comparison of an indicator's pattern (comparisons are OR-ed).
struct Observable {
  IndicatorKind kind = IndicatorKind::kNetwork;
  std::string value;          // as written in the pattern (accounts: lower-case hex)
  Network network;            // kNetwork
  uint64_t template_key = 0;  // kTemplate: the template hash the fingerprint names
  Sha256 account{};           // kAccount
};

struct Campaign {
  std::string id;    // "campaign--..."
  std::string name;  // the campaign's name, or its id when it has none
};

struct Indicator {
  std::string id;  // "indicator--..." or, for a shared account, "user-account--..."
  std::vector<Observable> observables;  // OR-ed; at least one
  std::vector<uint32_t> campaigns;      // indices into PartnerIntel::campaigns, ascending
  // An account matches only if its activity overlaps [valid_from, valid_until).
  std::optional<TimeUs> valid_from, valid_until;
};

struct PartnerIntel {
  std::string source;   // the file it came from
  std::string partner;  // the producing identity's name
  std::vector<Campaign> campaigns;
  std::vector<Indicator> indicators;  // file order
  // Indicators whose pattern is outside the supported subset (or not STIX),
  // and shared user-accounts whose user_id is not a SHA-256 hex digest:
  // skipped, not errors.
  uint64_t skipped = 0;
  std::vector<std::string> skipped_examples;  // the first few patterns skipped
  uint64_t revoked = 0;                       // indicators marked revoked: dropped
};

// `path` names the text in error messages and in PartnerIntel::source.
Result<PartnerIntel> ParseBundle(std::string_view text, const std::string& path);
Result<PartnerIntel> LoadBundle(const std::string& path);

// A pattern in the supported subset, as observables; nullopt when the
// pattern is outside it. The subset: observation expressions joined by OR,
// each one or more comparisons joined by OR, each
//   ipv4-addr:value / ipv6-addr:value  = or ISSUBSET  'address or CIDR'
//   llm-prompt-template:fingerprint     =             'tpl_<16 hex digits>'
//   user-account:user_id                =             '<64 hex digits>'
std::optional<std::vector<Observable>> ParsePattern(std::string_view pattern);

// "tpl_" and the 16 lower-case hex digits of a template hash: how hydrawatch
// writes hydrawatch-template-v1 fingerprints (docs/SHARING.md). Parse also
// takes the 16 digits without the prefix, in either case.
std::string FormatTemplateFingerprint(uint64_t key);
std::optional<uint64_t> ParseTemplateFingerprint(std::string_view text) noexcept;

// One indicator an account matches.
struct Match {
  uint32_t partner = 0;                          // index into IntelSet::partners()
  uint32_t indicator = 0;                        // index into PartnerIntel::indicators
  IndicatorKind kind = IndicatorKind::kNetwork;  // of the observable that matched
  bool operator==(const Match&) const = default;
};

class IntelSet;

struct Matches {
  const IntelSet* intel = nullptr;
  // Parallel to the account table; each list sorted by (partner, indicator).
  std::vector<std::vector<Match>> by_account;
  size_t matched_accounts = 0;
  const std::vector<Match>& of(size_t account) const;
};

// The bundles of one run with their lookup tables, and the salt that turns
// account ids into the hashes partners share.
class IntelSet {
 public:
  IntelSet() = default;
  IntelSet(std::vector<PartnerIntel> partners, std::string salt);
  // Loads every bundle in order; the first error stops.
  static Result<IntelSet> Load(const std::vector<std::string>& paths, std::string salt);

  bool empty() const noexcept { return partners_.empty(); }
  const std::vector<PartnerIntel>& partners() const noexcept { return partners_; }
  size_t indicator_count() const noexcept;

  // The indicators each account of `table` matches: a network when one of
  // its main networks (>= 10% of its requests) lies inside the indicator's
  // network or contains its address; a template when it is one of its main
  // templates (>= 2.5% of its templated requests); an account when the
  // salted hash of its id is the shared one. Time-bounded indicators match
  // only accounts active inside their validity.
  Matches Match(const fingerprint::AccountTable& table) const;

 private:
  struct Ref {
    uint32_t partner, indicator;
  };
  // Networks keyed by (family, prefix, masked top 64 bits); prefixes longer
  // than the account networks' (/24, /48) are stored at that length.
  struct NetKey {
    uint8_t family, prefix;
    uint64_t value;
    bool operator==(const NetKey&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const NetKey& k) {
      return H::combine(std::move(h), k.family, k.prefix, k.value);
    }
  };
  void Compile();
  void MatchOne(const Ref& r, IndicatorKind kind, const fingerprint::AccountState& s,
                std::vector<hw::intel::Match>* out) const;

  std::vector<PartnerIntel> partners_;
  std::string salt_;
  absl::flat_hash_map<NetKey, std::vector<Ref>> networks_;
  std::vector<uint8_t> v4_prefixes_, v6_prefixes_;  // distinct stored prefix lengths
  absl::flat_hash_map<uint64_t, std::vector<Ref>> templates_;
  absl::flat_hash_map<Sha256, std::vector<Ref>, Sha256Hash> accounts_;
};

}  // namespace hw::intel
