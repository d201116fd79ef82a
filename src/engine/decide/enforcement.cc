#include "engine/decide/enforcement.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "engine/common/yaml_spec.h"

namespace hw::decide {

extern const char* const kDefaultEnforcementYaml;

namespace {

using spec::CheckKeys;
using spec::Fail;
using spec::Num;

std::string Name(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, "bad-type", what + ": expected a name (a string)");
  return n.Scalar();
}

bool Bool(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, "bad-type", what + ": expected true or false");
  const std::string& s = n.Scalar();
  if (s == "true") return true;
  if (s == "false") return false;
  Fail(n, "bad-type", what + ": expected true or false, got '" + s + "'");
}

TimeUs Duration(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) Fail(n, "bad-type", what + ": expected a duration like 90s, 15m, 24h, 7d");
  const TimeUs d = ParseDuration(n.Scalar());
  if (d < 0) Fail(n, "bad-type", what + ": '" + n.Scalar() + "' is not a duration like 24h or 7d");
  if (d == 0) Fail(n, "out-of-range", what + ": must be longer than 0");
  return d;
}

std::vector<std::string> Names(const YAML::Node& n, const std::string& what) {
  std::vector<std::string> out;
  if (!n) return out;
  if (!n.IsSequence()) Fail(n, "bad-type", what + ": expected a list");
  for (const auto& x : n) out.push_back(Name(x, what));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Profile ReadProfile(const YAML::Node& n, size_t index) {
  const std::string where = "profiles[" + std::to_string(index) + "]";
  CheckKeys(
      n, {"name", "when", "action", "throttle", "duration", "escalation", "max_duration", "shadow"},
      where);
  Profile p;
  p.line = spec::LineOf(n);
  for (const char* req : {"name", "when", "action", "duration"}) {
    if (!n[req]) Fail(n, "missing-key", where + ": missing '" + req + "'");
  }
  p.name = Name(n["name"], where + ".name");
  const std::string w = "profile '" + p.name + "'";
  const YAML::Node when = n["when"];
  CheckKeys(when, {"verdict", "min_score"}, w + ".when");
  if (!when["verdict"]) Fail(when, "missing-key", w + ".when: missing 'verdict'");
  const std::string verdict = Name(when["verdict"], w + ".when.verdict");
  if (verdict == "attack") {
    p.min_verdict = score::Verdict::kAttack;
  } else if (verdict == "suspicious") {
    p.min_verdict = score::Verdict::kSuspicious;
  } else {
    Fail(when["verdict"], "unknown-name",
         w + ".when.verdict: '" + verdict + "' (expected attack or suspicious)");
  }
  if (when["min_score"]) p.min_score = Num(when["min_score"], w + ".when.min_score", 0, 1);

  const std::string action = Name(n["action"], w + ".action");
  static constexpr Action kActions[] = {Action::kMonitor, Action::kThrottle, Action::kVerify,
                                        Action::kSuspend};
  const auto* it = std::find_if(std::begin(kActions), std::end(kActions),
                                [&](Action a) { return action == ActionName(a); });
  if (it == std::end(kActions)) {
    Fail(n["action"], "unknown-name",
         w + ".action: '" + action + "' (expected monitor, throttle, verify or suspend)");
  }
  p.action = *it;
  if (p.action == Action::kThrottle) {
    const YAML::Node t = n["throttle"];
    if (!t) Fail(n, "missing-key", w + ": a throttle needs 'throttle: {requests, tokens, window}'");
    CheckKeys(t, {"requests", "tokens", "window"}, w + ".throttle");
    if (!t["window"]) Fail(t, "missing-key", w + ".throttle: missing 'window'");
    p.throttle.window = Duration(t["window"], w + ".throttle.window");
    if (t["requests"])
      p.throttle.requests =
          static_cast<uint32_t>(Num(t["requests"], w + ".throttle.requests", 1, 1e9));
    if (t["tokens"])
      p.throttle.tokens = static_cast<uint64_t>(Num(t["tokens"], w + ".throttle.tokens", 1, 1e15));
    if (!p.throttle.requests && !p.throttle.tokens)
      Fail(t, "missing-key", w + ".throttle: give 'requests', 'tokens' or both");
  } else if (n["throttle"]) {
    Fail(n["throttle"], "unknown-key", w + ": 'throttle' belongs to action throttle only");
  }
  p.duration = Duration(n["duration"], w + ".duration");
  if (n["escalation"]) p.escalation = Num(n["escalation"], w + ".escalation", 1, 100);
  p.max_duration =
      n["max_duration"] ? Duration(n["max_duration"], w + ".max_duration") : p.duration;
  if (p.max_duration < p.duration)
    Fail(n["max_duration"], "out-of-range", w + ".max_duration: shorter than 'duration'");
  if (n["shadow"]) p.shadow = Bool(n["shadow"], w + ".shadow");
  return p;
}

EnforcementPolicy Collect(const YAML::Node& root) {
  CheckKeys(root, {"version", "name", "shadow", "allowlist", "profiles"}, "enforcement");
  if (!root["version"]) Fail(root, "missing-key", "enforcement: missing 'version'");
  if (Num(root["version"], "version", 0, 1e9) != 1)
    Fail(root["version"], "bad-version", "enforcement: 'version' must be 1");
  EnforcementPolicy e;
  e.name = root["name"] ? Name(root["name"], "enforcement.name") : "unnamed";
  if (root["shadow"]) e.shadow = Bool(root["shadow"], "enforcement.shadow");
  if (const YAML::Node a = root["allowlist"]) {
    CheckKeys(a, {"organizations", "accounts"}, "allowlist");
    e.allow_organizations = Names(a["organizations"], "allowlist.organizations");
    e.allow_accounts = Names(a["accounts"], "allowlist.accounts");
  }
  const YAML::Node ps = root["profiles"];
  if (!ps) Fail(root, "missing-key", "enforcement: missing 'profiles'");
  if (!ps.IsSequence() || ps.size() == 0)
    Fail(ps, "bad-type", "profiles: expected a non-empty list");
  for (size_t i = 0; i < ps.size(); ++i) {
    Profile p = ReadProfile(ps[i], i);
    for (const Profile& q : e.profiles) {
      if (q.name == p.name)
        Fail(ps[i]["name"], "duplicate-name", "profiles: '" + p.name + "' given twice");
    }
    e.profiles.push_back(std::move(p));
  }
  return e;
}

}  // namespace

const char* ActionName(Action a) noexcept {
  switch (a) {
    case Action::kMonitor:
      return "monitor";
    case Action::kThrottle:
      return "throttle";
    case Action::kVerify:
      return "verify";
    case Action::kSuspend:
      return "suspend";
  }
  return "monitor";
}

bool EnforcementPolicy::Allowed(std::string_view account,
                                std::string_view organization) const noexcept {
  auto in = [](const std::vector<std::string>& v, std::string_view x) {
    return !x.empty() &&
           std::binary_search(v.begin(), v.end(), x,
                              [](std::string_view a, std::string_view b) { return a < b; });
  };
  return in(allow_accounts, account) || in(allow_organizations, organization);
}

const Profile* EnforcementPolicy::Match(score::Verdict verdict, double score) const noexcept {
  for (const Profile& p : profiles) {
    if (static_cast<int>(verdict) >= static_cast<int>(p.min_verdict) && score >= p.min_score)
      return &p;
  }
  return nullptr;
}

TimeUs ParseDuration(std::string_view text) noexcept {
  if (text.size() < 2 || text.size() > 24) return -1;
  const char unit = text.back();
  TimeUs scale = 0;
  switch (unit) {
    case 's':
      scale = kUsPerSecond;
      break;
    case 'm':
      scale = 60 * kUsPerSecond;
      break;
    case 'h':
      scale = kUsPerHour;
      break;
    case 'd':
      scale = kUsPerDay;
      break;
    case 'w':
      scale = 7 * kUsPerDay;
      break;
    case 'y':
      scale = 365 * kUsPerDay;
      break;
    default:
      return -1;
  }
  uint64_t n = 0;
  const char* end = text.data() + text.size() - 1;
  const auto r = std::from_chars(text.data(), end, n);
  constexpr TimeUs kMax = 100LL * 365 * kUsPerDay;
  if (r.ec != std::errc() || r.ptr != end || n > static_cast<uint64_t>(kMax / scale)) return -1;
  return static_cast<TimeUs>(n) * scale;
}

std::string FormatDuration(TimeUs us) {
  static constexpr std::pair<TimeUs, char> kUnits[] = {
      {365 * kUsPerDay, 'y'}, {7 * kUsPerDay, 'w'},     {kUsPerDay, 'd'},
      {kUsPerHour, 'h'},      {60 * kUsPerSecond, 'm'}, {kUsPerSecond, 's'}};
  for (const auto& [scale, unit] : kUnits) {
    if (us >= scale && us % scale == 0) return std::to_string(us / scale) + unit;
  }
  return std::to_string(us / kUsPerSecond) + "s";
}

Result<EnforcementPolicy> ParseEnforcement(std::string_view yaml, const std::string& source_name) {
  try {
    return Collect(YAML::Load(std::string(yaml)));
  } catch (const spec::SpecError& e) {
    return spec::FormatSpecError(source_name, e);
  } catch (const YAML::Exception& e) {
    return spec::FormatYamlError(yaml, source_name, e);
  }
}

Result<EnforcementPolicy> LoadEnforcement(const std::string& path) {
  auto text = spec::ReadSpecFile(path, "enforcement policy");
  if (!text.ok()) return text.status();
  return ParseEnforcement(*text, path);
}

Result<EnforcementPolicy> DefaultEnforcement() {
  return ParseEnforcement(DefaultEnforcementYaml(), "builtin:policy/enforcement.yaml");
}

std::string_view DefaultEnforcementYaml() noexcept { return kDefaultEnforcementYaml; }

}  // namespace hw::decide
