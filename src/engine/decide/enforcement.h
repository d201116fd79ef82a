// The enforcement policy: what hydrawatch does about a detection.
//
// Detection (score) says what an account looks like; this spec says what to
// do about it, kept apart as CrowdSec keeps scenarios apart from remediation.
// Profiles are tried in order; the first whose condition matches an account
// gives its action (monitor, throttle, verify, suspend) for a duration that
// grows each time the account is caught again. Allowlisted organisations and
// accounts get no decision at all; shadow mode (global or per profile)
// records decisions without enforcing them. YAML, validated at load with
// `file:line: code: message` errors (codes as in docs/POLICY.md), compiled
// into an immutable EnforcementPolicy; docs/ENFORCEMENT.md is the reference.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/common/time.h"
#include "engine/score/scorer.h"

namespace hw::decide {

enum class Action : uint8_t { kMonitor, kThrottle, kVerify, kSuspend };
const char* ActionName(Action a) noexcept;  // "monitor", "throttle", ...

// A throttle's budget: at most `requests` requests and `tokens` tokens
// (0: no limit of that kind) per `window`.
struct ThrottleLimit {
  uint32_t requests = 0;
  uint64_t tokens = 0;
  TimeUs window = 0;
};

struct Profile {
  std::string name;
  // Condition: the account's verdict is at least `min_verdict` and its score
  // at least `min_score`.
  score::Verdict min_verdict = score::Verdict::kAttack;
  double min_score = 0;
  Action action = Action::kMonitor;
  ThrottleLimit throttle;  // for kThrottle
  // Duration of the first decision; the n-th repeat lasts duration *
  // escalation^n, at most max_duration.
  TimeUs duration = 0;
  double escalation = 1;
  TimeUs max_duration = 0;
  bool shadow = false;
  int line = 0;
};

struct EnforcementPolicy {
  int version = 1;
  std::string name;
  bool shadow = false;                           // every decision recorded, none enforced
  std::vector<std::string> allow_organizations;  // sorted
  std::vector<std::string> allow_accounts;       // sorted
  std::vector<Profile> profiles;                 // in match order

  bool Allowed(std::string_view account, std::string_view organization) const noexcept;
  // The first profile matching, or nullptr.
  const Profile* Match(score::Verdict verdict, double score) const noexcept;
};

// Parses and validates; `source_name` names the text in errors.
Result<EnforcementPolicy> ParseEnforcement(std::string_view yaml, const std::string& source_name);
Result<EnforcementPolicy> LoadEnforcement(const std::string& path);
// policy/enforcement.yaml, embedded at build time.
Result<EnforcementPolicy> DefaultEnforcement();
std::string_view DefaultEnforcementYaml() noexcept;

// "90s", "15m", "24h", "7d", "2w", "1y" (whole numbers, at most 100 years):
// microseconds, or -1.
TimeUs ParseDuration(std::string_view text) noexcept;
// The largest unit that is exact ("36h", "7d"; a year is 365 days).
std::string FormatDuration(TimeUs us);

}  // namespace hw::decide
