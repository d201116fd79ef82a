// A simulation scenario: the populations of benign personas and the attack
// campaigns the simulator generates traffic for. Loaded from YAML (see
// docs/SIMULATE.md) by LoadScenario into this immutable, validated form; the
// generator never sees YAML.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/time.h"
#include "engine/sim/grammar.h"

namespace hw::sim {

// Behaviour families of benign accounts. Each has defaults (capability and
// frame mix, tiers, addresses, timing) that a scenario may override.
enum class PersonaKind : uint8_t {
  kChatUser,         // people chatting: free-form, diurnal, low volume
  kDeveloper,        // software questions through SDKs
  kAgenticCoding,    // coding agent: long system prompt, tools, deep conversations, high volume
  kEnterpriseBatch,  // one fixed template at high volume from a verified company, cron-like
  kEvalHarness,  // benchmark runs: fixed templates, temperature 0, bursts, CoT and judge prompts
  kUniversityClass,  // ~40 students behind one NAT, created the same week, same assignments
  kVpnUser,          // strangers sharing VPN exit addresses
  kStartupTeam,      // a team on one company card and office network
  kResearcher,       // asks for step-by-step reasoning, legitimately
  kDataAnalyst,
  kCount,
};

enum class CampaignKind : uint8_t {
  kDistillation,   // a lab's own account network
  kHydraReseller,  // a reseller network mixing distillation with resold customer traffic
  kCount,
};

enum class ProxyKind : uint8_t { kDatacenter, kResidential, kCount };

const char* PersonaKindName(PersonaKind k) noexcept;
const char* CampaignKindName(CampaignKind k) noexcept;

inline constexpr size_t kCapabilities = static_cast<size_t>(Capability::kCount);
inline constexpr size_t kFrames = static_cast<size_t>(Frame::kCount);
inline constexpr size_t kTiers = 7;  // free build scale enterprise education research startup
inline constexpr size_t kVerifications = 6;  // none email phone card id enterprise
const char* TierName(size_t i) noexcept;
const char* VerificationName(size_t i) noexcept;

// Weights over an enum, normalised to sum 1 at load time.
template <size_t N>
using Mix = std::array<double, N>;

struct PersonaSpec {
  std::string name;  // label written to labels.jsonl ("persona")
  PersonaKind kind = PersonaKind::kChatUser;
  uint32_t accounts = 0;
  uint32_t group_size = 1;      // class size, startup team size, accounts per enterprise org
  double requests_per_day = 5;  // median over active account-days
  double sigma = 1.0;           // log-normal spread of per-account daily volume
  double active_days = 0.5;     // probability an account is active on a given day
  double adoption_days = 10;    // mean days after a release before an account tries the new model
  Mix<kCapabilities> capabilities{};
  Mix<kFrames> frames{};
  Mix<kTiers> tiers{};
  Mix<kVerifications> verification{};
  double non_english = 0.1;
  int line = 0;  // YAML line, for messages
};

struct CampaignSpec {
  std::string id;
  CampaignKind kind = CampaignKind::kDistillation;
  uint32_t accounts = 0;    // registered over the run, replacements included
  uint32_t concurrent = 0;  // alive at once; accounts > concurrent means banned ones are replaced
  uint64_t requests = 0;    // total over [start_day, end_day)
  double start_day = 0;
  double end_day = 0;
  Mix<kCapabilities> capabilities{};
  Mix<kFrames> frames{};
  uint32_t templates = 8;
  double paraphrase = 0;
  uint32_t system_prompts = 1;
  uint32_t payment_instruments = 1;
  ProxyKind proxy_kind = ProxyKind::kDatacenter;
  uint32_t proxy_addresses = 100;
  uint32_t user_agents = 1;
  uint32_t email_domains = 2;
  Mix<kTiers> tiers{};
  Mix<kVerifications> verification{};
  double signup_burst_days = 2;    // registration of the first pool spreads over this many days
  double sync = 0.9;               // share of requests sent in the scheduler's synchronized waves
  double jitter_seconds = 1;       // spread of a wave's requests around its instant
  double resold_benign_share = 0;  // share of requests that are resold ordinary customer traffic
  double new_model_pivot = 0;      // share of traffic moved to the new model within 24 h of release
  double tool_use = 0.3;           // share of requests carrying tool definitions
  int line = 0;
};

struct Scenario {
  std::string name;
  uint64_t seed = 1;
  TimeUs start = 0;
  uint32_t days = 1;
  std::vector<std::string> models;  // models available from the start
  Mix<8> model_mix{};               // weights over `models` (at most 8)
  std::string new_model;            // released during the run, or empty
  double new_model_release_day = 0;
  double duplicate_rate = 0;  // share of events delivered twice (same gen_ai.response.id)
  std::vector<PersonaSpec> personas;
  std::vector<CampaignSpec> campaigns;

  // Multiplies account counts and request volumes (not group sizes or per-account rates).
  Scenario Scaled(double scale) const;
};

// Names of the scenarios compiled into the binary ("seed", "feb2026", "evasive", "small").
std::vector<std::string> BuiltinScenarioNames();
// The YAML text of a built-in scenario, or empty when unknown.
std::string_view BuiltinScenarioText(std::string_view name);

// Parses and validates. `source_name` is used in messages ("FILE:LINE: reason").
Result<Scenario> ParseScenario(std::string_view yaml_text, const std::string& source_name);
// A built-in name or a path to a YAML file.
Result<Scenario> LoadScenario(const std::string& name_or_path);

}  // namespace hw::sim
