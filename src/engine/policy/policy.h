// The detection policy: how accounts are linked into campaigns and how
// accounts and campaigns are scored. Loaded from versioned YAML
// (policy/default.yaml, docs/POLICY.md) into this immutable form; the hot
// path and the stages never see YAML.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/common/result.h"

namespace hw::policy {

// Evidence that can join two accounts.
enum class Channel : uint8_t {
  kPayment,       // same payment fingerprint
  kOrganization,  // same organisation id
  kEmailDomain,   // same e-mail domain, weighted by rarity
  kSubnet,        // same /24 or /48 among the accounts' main networks, weighted by rarity
  kUserAgent,     // same main user agent, weighted by rarity
  kSystemPrompt,  // same system prompt template, weighted by rarity
  kToolKit,       // same tool definitions, weighted by rarity
  kTemplates,     // overlapping prompt templates (MinHash Jaccard)
  kSynchrony,     // active in the same minutes (MinHash Jaccard of active minutes)
  kSignup,        // signed up in the same sign-up window, weighted by rarity
  // Both accounts spend a large share of requests on elicitation frames, in
  // the same mix (cosine of frame shares): the content signature of one
  // distillation pipeline, which paraphrasing does not remove. Needs
  // min_items (a share of requests) on both sides and min_similarity.
  kProfile,
  // Both accounts match the same partner indicator, or indicators of the
  // same partner campaign (intel::IntelSet, `--intel`): weighted by the rarity
  // of the weaker account's indicator (accounts matching it) and by kind
  // (a shared account counts fully, a network or template half).
  kPartner,
  kCount,
};
inline constexpr size_t kChannels = static_cast<size_t>(Channel::kCount);
const char* ChannelName(Channel c) noexcept;    // "payment", ...
const char* ChannelPhrase(Channel c) noexcept;  // "shared payment instruments", ... for reports

struct ChannelPolicy {
  double weight = 0;
  // Rarity: a key shared by `common_at` accounts or more adds nothing; below
  // it the weight falls with log(accounts sharing it). 0: no rarity weighting.
  double common_at = 0;
  // Similarity channels: below this Jaccard the channel adds nothing.
  double min_similarity = 0;
  // Similarity channels: accounts need this many distinct items (templates,
  // active minutes) for the estimate to count.
  double min_items = 0;
};

struct LinkPolicy {
  std::array<ChannelPolicy, kChannels> channels{};
  double threshold = 1.0;     // an edge needs at least this summed weight
  uint32_t min_requests = 5;  // accounts with fewer requests are not linked
  uint32_t min_campaign_accounts = 3;
  uint32_t neighbours = 4;        // sorted-neighbourhood window per LSH bucket
  uint32_t all_pairs_below = 24;  // buckets this small compare all pairs
  uint32_t max_bucket = 200000;   // larger buckets are skipped as uninformative
  double signup_window_hours = 24;
  // A payment fingerprint shared inside one verified organisation counts this
  // share of its weight (a company card is expected to be shared).
  double company_card_factor = 0.3;
};

// Score: each feature is mapped to [0,1] by a logistic ramp between `low`
// (score ~0.1) and `high` (score ~0.9), then weighted.
struct Feature {
  std::string name;
  double weight = 0;
  double low = 0, high = 1;
};

struct ScorePolicy {
  // Rule-pack frame categories and how strongly each marks training-data
  // elicitation (e.g. reasoning_extraction 1.0, step_by_step 0.2).
  std::vector<std::pair<std::string, double>> elicitation_frames;
  // Capability categories a distiller targets; concentration is measured over them.
  std::vector<std::string> target_capabilities;
  std::vector<Feature> account_features;   // per-account evidence
  std::vector<Feature> campaign_features;  // evidence of a linked group
  // Defaults equal policy/default.yaml, so that a policy leaving a key out
  // gets the built-in value.
  double campaign_attack = 0.5;  // campaign score at or above: members are "attack"
  double account_suspicious =
      0.65;  // unlinked or benign-campaign account at or above: "suspicious"
  // A member of an attack campaign below this account score is only "suspicious".
  double member_floor = 0.35;
  // A group whose accounts openly declare organisations is a customer's own
  // fleet (eval harness, batch pipeline), not a network hiding its links: its
  // score is multiplied by 1 - discount * (share of members in organisations
  // that two or more members declare).
  double declared_org_discount = 0.5;
  // Members of an attack campaign that belong to an organisation declaring
  // two or more of its members, where that organisation is less than this
  // share of the campaign, are "suspicious" (review), not "attack": a
  // customer's declared fleet riding inside a larger, undeclared group is
  // more likely pulled in by a few behaviour links than part of it.
  double fleet_review_share = 0.1;
  // A campaign is "attack" only when its joining links carry, on average, at
  // least this much evidence of something shared beyond alike prompts
  // (link::Component::shared_evidence); below it, it is reported as a linked
  // group and its members keep their own verdicts. 0 turns it off.
  double min_shared_evidence = 0.1;
};

struct Policy {
  int version = 1;
  std::string name;
  LinkPolicy link;
  ScorePolicy score;
};

// Parses and validates; errors are "SOURCE:LINE: CODE: reason" with stable codes
// (unknown-key, missing-key, bad-type, out-of-range, unknown-name, yaml-syntax, bad-version).
Result<Policy> ParsePolicy(const std::string& yaml_text, const std::string& source_name);
Result<Policy> LoadPolicy(const std::string& path);
// The policy compiled into the binary (policy/default.yaml).
Result<Policy> DefaultPolicy();
const std::string& DefaultPolicyText();

}  // namespace hw::policy
