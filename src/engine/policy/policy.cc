#include "engine/policy/policy.h"

#include "engine/common/yaml_spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hw::policy {

extern const char* const kDefaultPolicyYaml;  // generated from policy/default.yaml

namespace {

constexpr const char* kChannelNames[kChannels] = {
    "payment",  "organization", "email_domain", "subnet", "user_agent", "system_prompt",
    "tool_kit", "templates",    "synchrony",    "signup", "profile",    "partner"};
constexpr const char* kChannelPhrases[kChannels] = {"shared payment instruments",
                                                    "a shared organisation",
                                                    "shared e-mail domains",
                                                    "shared networks (/24, /48)",
                                                    "shared user agents",
                                                    "a shared system prompt",
                                                    "a shared tool kit",
                                                    "shared prompt templates",
                                                    "synchronized activity",
                                                    "sign-up bursts",
                                                    "the same elicitation profile",
                                                    "indicators shared by a partner"};

// Feature names each scorer knows; a policy naming another is rejected.
const std::vector<std::string>& AccountFeatureNames() {
  static const std::vector<std::string> kNames = {
      "elicitation",  "capability_focus", "volume",      "template_reuse",
      "output_ratio", "max_tokens",       "fast_ramp",   "flat_hours",
      "throttled",    "new_model_rush",   "program_tier"};
  return kNames;
}
const std::vector<std::string>& CampaignFeatureNames() {
  static const std::vector<std::string> kNames = {
      "size",           "elicitation",  "template_sharing", "synchrony",
      "shared_payment", "signup_burst", "capability_focus", "volume",
      "account_score",  "fast_ramp",    "new_model_rush",   "profile"};
  return kNames;
}

using spec::CheckKeys;
using spec::Fail;
using spec::Num;

void ReadNum(const YAML::Node& parent, const char* key, const std::string& what, double lo,
             double hi, double* out) {
  if (const YAML::Node n = parent[key]) *out = Num(n, what + "." + key, lo, hi);
}
void ReadU32(const YAML::Node& parent, const char* key, const std::string& what, double lo,
             double hi, uint32_t* out) {
  if (const YAML::Node n = parent[key]) {
    const double v = Num(n, what + "." + key, lo, hi);
    if (v != std::floor(v)) Fail(n, "bad-type", what + "." + key + ": expected a whole number");
    *out = static_cast<uint32_t>(v);
  }
}

// A name (policy, channel, frame, capability, feature): a YAML scalar.
std::string Name(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, "bad-type", what + ": expected a name (a string)");
  return n.Scalar();
}

std::vector<Feature> ReadFeatures(const YAML::Node& n, const std::string& what,
                                  const std::vector<std::string>& known) {
  if (!n.IsMap() || n.size() == 0)
    Fail(n, "bad-type", what + ": expected a non-empty mapping of features");
  std::vector<Feature> out;
  for (const auto& kv : n) {
    Feature f;
    f.name = Name(kv.first, what);
    // YAML keeps a repeated key: the feature would count twice in the score.
    for (const Feature& seen : out) {
      if (seen.name == f.name)
        Fail(kv.first, "duplicate-name", what + ": feature '" + f.name + "' given twice");
    }
    if (std::find(known.begin(), known.end(), f.name) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      Fail(kv.first, "unknown-name",
           what + ": unknown feature '" + f.name + "' (known: " + list + ")");
    }
    const std::string fw = what + "." + f.name;
    CheckKeys(kv.second, {"weight", "low", "high"}, fw);
    for (const char* req : {"weight", "low", "high"}) {
      if (!kv.second[req]) Fail(kv.second, "missing-key", fw + ": missing '" + req + "'");
    }
    f.weight = Num(kv.second["weight"], fw + ".weight", 0, 100);
    f.low = Num(kv.second["low"], fw + ".low", -1e9, 1e9);
    f.high = Num(kv.second["high"], fw + ".high", -1e9, 1e9);
    if (f.high <= f.low)
      Fail(kv.second, "out-of-range", fw + ": 'high' must be greater than 'low'");
    out.push_back(f);
  }
  return out;
}

Policy Read(const YAML::Node& root) {
  if (!root.IsMap()) Fail(root, "bad-type", "policy: expected a mapping at the top level");
  CheckKeys(root, {"version", "name", "link", "score"}, "policy");
  if (!root["version"]) Fail(root, "missing-key", "policy: missing 'version'");
  if (Num(root["version"], "version", 0, 1e9) != 1)
    Fail(root["version"], "bad-version", "policy: 'version' must be 1");
  Policy p;
  p.name = root["name"] ? Name(root["name"], "policy.name") : "unnamed";
  for (const char* req : {"link", "score"}) {
    if (!root[req]) Fail(root, "missing-key", std::string("policy: missing '") + req + "'");
  }
  const YAML::Node link = root["link"];
  CheckKeys(link,
            {"threshold", "min_requests", "min_campaign_accounts", "neighbours", "all_pairs_below",
             "max_bucket", "signup_window_hours", "company_card_factor", "channels"},
            "link");
  LinkPolicy& l = p.link;
  ReadNum(link, "threshold", "link", 0.01, 100, &l.threshold);
  ReadU32(link, "min_requests", "link", 1, 1e9, &l.min_requests);
  ReadU32(link, "min_campaign_accounts", "link", 2, 1e9, &l.min_campaign_accounts);
  ReadU32(link, "neighbours", "link", 1, 64, &l.neighbours);
  ReadU32(link, "all_pairs_below", "link", 2, 256, &l.all_pairs_below);
  ReadU32(link, "max_bucket", "link", 2, 1e9, &l.max_bucket);
  ReadNum(link, "signup_window_hours", "link", 0, 24 * 365, &l.signup_window_hours);
  ReadNum(link, "company_card_factor", "link", 0, 1, &l.company_card_factor);
  if (!link["channels"]) Fail(link, "missing-key", "link: missing 'channels'");
  const YAML::Node ch = link["channels"];
  if (!ch.IsMap()) Fail(ch, "bad-type", "link.channels: expected a mapping");
  for (const auto& kv : ch) {
    const std::string name = Name(kv.first, "link.channels");
    const auto* it = std::find_if(std::begin(kChannelNames), std::end(kChannelNames),
                                  [&](const char* c) { return name == c; });
    if (it == std::end(kChannelNames)) {
      std::string list;
      for (const char* c : kChannelNames) list += std::string(list.empty() ? "" : ", ") + c;
      Fail(kv.first, "unknown-name",
           "link.channels: unknown channel '" + name + "' (known: " + list + ")");
    }
    const std::string w = "link.channels." + name;
    CheckKeys(kv.second, {"weight", "common_at", "min_similarity", "min_items"}, w);
    ChannelPolicy& c = l.channels[static_cast<size_t>(it - std::begin(kChannelNames))];
    if (!kv.second["weight"]) Fail(kv.second, "missing-key", w + ": missing 'weight'");
    c.weight = Num(kv.second["weight"], w + ".weight", 0, 100);
    ReadNum(kv.second, "common_at", w, 0, 1e9, &c.common_at);
    ReadNum(kv.second, "min_similarity", w, 0, 1, &c.min_similarity);
    ReadNum(kv.second, "min_items", w, 0, 1e9, &c.min_items);
  }

  const YAML::Node score = root["score"];
  CheckKeys(score,
            {"elicitation_frames", "target_capabilities", "account", "campaign", "thresholds"},
            "score");
  for (const char* req : {"elicitation_frames", "target_capabilities", "account", "campaign"}) {
    if (!score[req]) Fail(score, "missing-key", std::string("score: missing '") + req + "'");
  }
  ScorePolicy& s = p.score;
  const YAML::Node ef = score["elicitation_frames"];
  if (!ef.IsMap())
    Fail(ef, "bad-type", "score.elicitation_frames: expected a mapping frame: weight");
  for (const auto& kv : ef) {
    const std::string frame = Name(kv.first, "score.elicitation_frames");
    s.elicitation_frames.emplace_back(frame,
                                      Num(kv.second, "score.elicitation_frames." + frame, 0, 10));
  }
  const YAML::Node tc = score["target_capabilities"];
  if (!tc.IsSequence()) Fail(tc, "bad-type", "score.target_capabilities: expected a list");
  for (const auto& c : tc) s.target_capabilities.push_back(Name(c, "score.target_capabilities"));
  s.account_features = ReadFeatures(score["account"], "score.account", AccountFeatureNames());
  s.campaign_features = ReadFeatures(score["campaign"], "score.campaign", CampaignFeatureNames());
  if (const YAML::Node th = score["thresholds"]) {
    CheckKeys(th,
              {"campaign_attack", "account_suspicious", "member_floor", "declared_org_discount",
               "fleet_review_share", "min_shared_evidence"},
              "score.thresholds");
    ReadNum(th, "min_shared_evidence", "score.thresholds", 0, 10, &s.min_shared_evidence);
    ReadNum(th, "declared_org_discount", "score.thresholds", 0, 1, &s.declared_org_discount);
    ReadNum(th, "fleet_review_share", "score.thresholds", 0, 1, &s.fleet_review_share);
    ReadNum(th, "campaign_attack", "score.thresholds", 0, 1, &s.campaign_attack);
    ReadNum(th, "account_suspicious", "score.thresholds", 0, 1, &s.account_suspicious);
    ReadNum(th, "member_floor", "score.thresholds", 0, 1, &s.member_floor);
  }
  return p;
}

}  // namespace

const char* ChannelName(Channel c) noexcept { return kChannelNames[static_cast<size_t>(c)]; }
const char* ChannelPhrase(Channel c) noexcept { return kChannelPhrases[static_cast<size_t>(c)]; }

Result<Policy> ParsePolicy(const std::string& yaml_text, const std::string& source_name) {
  try {
    return Read(YAML::Load(yaml_text));
  } catch (const spec::SpecError& e) {
    return spec::FormatSpecError(source_name, e);
  } catch (const YAML::Exception& e) {
    return spec::FormatYamlError(yaml_text, source_name, e);
  }
}

Result<Policy> LoadPolicy(const std::string& path) {
  auto text = spec::ReadSpecFile(path, "policy file");
  if (!text.ok()) return text.status();
  return ParsePolicy(*text, path);
}

const std::string& DefaultPolicyText() {
  static const std::string kText = kDefaultPolicyYaml;
  return kText;
}

Result<Policy> DefaultPolicy() {
  return ParsePolicy(DefaultPolicyText(), "builtin:policy/default.yaml");
}

}  // namespace hw::policy
