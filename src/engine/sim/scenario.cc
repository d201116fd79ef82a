#include "engine/sim/scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/sim/builtin_scenarios.h"

namespace hw::sim {

namespace {

constexpr const char* kTierNames[kTiers] = {"free",      "build",    "scale",  "enterprise",
                                            "education", "research", "startup"};
constexpr const char* kVerificationNames[kVerifications] = {"none", "email", "phone",
                                                            "card", "id",    "enterprise"};
constexpr const char* kPersonaKindNames[] = {
    "chat_user",        "developer", "agentic_coding", "enterprise_batch", "eval_harness",
    "university_class", "vpn_user",  "startup_team",   "researcher",       "data_analyst"};
constexpr const char* kCampaignKindNames[] = {"distillation", "hydra_reseller"};
constexpr const char* kProxyKindNames[] = {"datacenter", "residential"};

// Load-time error carrying a YAML position; converted to a Status at the API.
struct SpecError : std::runtime_error {
  SpecError(int l, const std::string& m) : std::runtime_error(m), line(l) {}
  int line;
};

int LineOf(const YAML::Node& n) { return n.Mark().line + 1; }

[[noreturn]] void Fail(const YAML::Node& n, const std::string& msg) {
  throw SpecError(LineOf(n), msg);
}

template <typename T>
T As(const YAML::Node& n, const char* key) {
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    Fail(n, std::string("'") + key + "': wrong type");
  }
}

double Number(const YAML::Node& n, const char* key, double lo, double hi) {
  const double v = As<double>(n, key);
  if (!std::isfinite(v) || v < lo || v > hi) {
    std::ostringstream m;
    m << "'" << key << "': " << v << " is out of range [" << lo << ", " << hi << "]";
    Fail(n, m.str());
  }
  return v;
}

uint64_t Count(const YAML::Node& n, const char* key, uint64_t lo, uint64_t hi) {
  const double v = Number(n, key, static_cast<double>(lo), static_cast<double>(hi));
  if (v != std::floor(v)) Fail(n, std::string("'") + key + "': expected a whole number");
  return static_cast<uint64_t>(v);
}

template <size_t N>
int IndexOf(const char* const (&names)[N], const std::string& s) {
  for (size_t i = 0; i < N; ++i) {
    if (s == names[i]) return static_cast<int>(i);
  }
  return -1;
}

template <size_t N>
std::string Choices(const char* const (&names)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i) out += "|";
    out += names[i];
  }
  return out;
}

void CheckKeys(const YAML::Node& map, std::initializer_list<const char*> allowed,
               const char* what) {
  if (!map.IsMap()) Fail(map, std::string(what) + ": expected a mapping");
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>();
    if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }) ==
        allowed.end()) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      Fail(kv.first,
           std::string(what) + ": unknown key '" + key + "' (expected one of: " + list + ")");
    }
  }
}

template <size_t N, typename Parse>
void ReadMix(const YAML::Node& n, const char* key, Mix<N>* mix, Parse parse) {
  if (!n) return;
  if (!n.IsMap() || n.size() == 0)
    Fail(n, std::string("'") + key + "': expected a mapping name: weight");
  Mix<N> m{};
  double total = 0;
  for (const auto& kv : n) {
    const auto name = kv.first.as<std::string>();
    const int idx = parse(name);
    if (idx < 0) Fail(kv.first, std::string("'") + key + "': unknown name '" + name + "'");
    const double w = Number(kv.second, key, 0, 1e9);
    m[static_cast<size_t>(idx)] += w;
    total += w;
  }
  if (total <= 0) Fail(n, std::string("'") + key + "': weights sum to zero");
  for (auto& w : m) w /= total;
  *mix = m;
}

int ParseCapabilityIndex(const std::string& s) {
  Capability c;
  return ParseCapability(s, &c) ? static_cast<int>(c) : -1;
}
int ParseFrameIndex(const std::string& s) {
  Frame f;
  return ParseFrame(s, &f) ? static_cast<int>(f) : -1;
}

template <size_t N>
Mix<N> MixOf(std::initializer_list<std::pair<size_t, double>> items) {
  Mix<N> m{};
  double total = 0;
  for (auto [i, w] : items) {
    m[i] += w;
    total += w;
  }
  for (auto& w : m) w /= total;
  return m;
}

constexpr size_t C(Capability c) { return static_cast<size_t>(c); }
constexpr size_t F(Frame f) { return static_cast<size_t>(f); }
enum TierIdx : size_t { kFree, kBuild, kScale, kEnterprise, kEducation, kResearch, kStartup };
enum VerIdx : size_t { kNone, kEmail, kPhone, kCard, kId, kEnterpriseVer };

// Behaviour defaults of each persona kind; a scenario overrides any of them.
void ApplyPersonaDefaults(PersonaSpec* p) {
  using Cap = Capability;
  using Fr = Frame;
  auto caps = [](std::initializer_list<std::pair<size_t, double>> l) {
    return MixOf<kCapabilities>(l);
  };
  auto frames = [](std::initializer_list<std::pair<size_t, double>> l) {
    return MixOf<kFrames>(l);
  };
  auto tiers = [](std::initializer_list<std::pair<size_t, double>> l) { return MixOf<kTiers>(l); };
  auto ver = [](std::initializer_list<std::pair<size_t, double>> l) {
    return MixOf<kVerifications>(l);
  };
  switch (p->kind) {
    case PersonaKind::kChatUser:
      p->capabilities = caps({{C(Cap::kGeneralChat), 5},
                              {C(Cap::kCreativeWriting), 2},
                              {C(Cap::kSoftwareEngineering), 1},
                              {C(Cap::kMathReasoning), 1},
                              {C(Cap::kDataAnalysis), 0.5},
                              {C(Cap::kPolicySensitive), 0.2},
                              {C(Cap::kLongHorizonPlanning), 0.3}});
      p->frames = frames({{F(Fr::kNone), 20}, {F(Fr::kStepByStep), 1}, {F(Fr::kPersona), 0.5}});
      p->tiers = tiers({{kFree, 6}, {kBuild, 3}, {kScale, 0.3}});
      p->verification = ver({{kEmail, 5}, {kPhone, 3}, {kCard, 2}});
      break;
    case PersonaKind::kDeveloper:
    case PersonaKind::kVpnUser:
    case PersonaKind::kStartupTeam:
      p->capabilities = caps({{C(Cap::kSoftwareEngineering), 6},
                              {C(Cap::kGeneralChat), 2},
                              {C(Cap::kDataAnalysis), 1},
                              {C(Cap::kAgenticToolUse), 1},
                              {C(Cap::kLongHorizonPlanning), 0.5},
                              {C(Cap::kMathReasoning), 0.5}});
      p->frames =
          frames({{F(Fr::kNone), 20}, {F(Fr::kStepByStep), 1}, {F(Fr::kSyntheticData), 0.3}});
      p->tiers = p->kind == PersonaKind::kStartupTeam
                     ? tiers({{kStartup, 5}, {kBuild, 3}, {kScale, 1}})
                     : tiers({{kBuild, 6}, {kFree, 3}, {kScale, 1}});
      p->verification = ver({{kCard, 5}, {kEmail, 3}, {kPhone, 2}});
      break;
    case PersonaKind::kAgenticCoding:
      p->capabilities = caps({{C(Cap::kSoftwareEngineering), 6},
                              {C(Cap::kAgenticToolUse), 4},
                              {C(Cap::kLongHorizonPlanning), 0.5}});
      p->frames = frames({{F(Fr::kNone), 30}, {F(Fr::kStepByStep), 1}});
      p->tiers = tiers({{kBuild, 4}, {kScale, 4}, {kEnterprise, 1}});
      p->verification = ver({{kCard, 6}, {kEnterpriseVer, 1}, {kPhone, 1}});
      break;
    case PersonaKind::kEnterpriseBatch:
      p->capabilities = caps({{C(Cap::kDataAnalysis), 4},
                              {C(Cap::kGeneralChat), 3},
                              {C(Cap::kSoftwareEngineering), 1}});
      p->frames = frames({{F(Fr::kNone), 1}});
      p->tiers = tiers({{kEnterprise, 8}, {kScale, 2}});
      p->verification = ver({{kEnterpriseVer, 8}, {kCard, 2}});
      break;
    case PersonaKind::kEvalHarness:
      p->capabilities = caps({{C(Cap::kMathReasoning), 3},
                              {C(Cap::kSoftwareEngineering), 3},
                              {C(Cap::kGeneralChat), 1},
                              {C(Cap::kAgenticToolUse), 1}});
      p->frames = frames({{F(Fr::kNone), 4}, {F(Fr::kStepByStep), 3}, {F(Fr::kRubricGrading), 2}});
      p->tiers = tiers({{kScale, 4}, {kEnterprise, 3}, {kResearch, 3}});
      p->verification = ver({{kCard, 5}, {kEnterpriseVer, 3}, {kId, 2}});
      break;
    case PersonaKind::kUniversityClass:
      p->capabilities = caps({{C(Cap::kSoftwareEngineering), 4},
                              {C(Cap::kMathReasoning), 3},
                              {C(Cap::kGeneralChat), 2},
                              {C(Cap::kDataAnalysis), 1}});
      p->frames = frames({{F(Fr::kNone), 10}, {F(Fr::kStepByStep), 4}});
      p->tiers = tiers({{kEducation, 9}, {kFree, 1}});
      p->verification = ver({{kEmail, 8}, {kId, 2}});
      break;
    case PersonaKind::kResearcher:
      p->capabilities = caps({{C(Cap::kMathReasoning), 4},
                              {C(Cap::kSoftwareEngineering), 2},
                              {C(Cap::kDataAnalysis), 2},
                              {C(Cap::kGeneralChat), 1},
                              {C(Cap::kLongHorizonPlanning), 1}});
      p->frames = frames({{F(Fr::kNone), 5},
                          {F(Fr::kStepByStep), 5},
                          {F(Fr::kRubricGrading), 0.5},
                          {F(Fr::kSyntheticData), 0.5}});
      p->tiers = tiers({{kResearch, 5}, {kBuild, 3}, {kEducation, 2}});
      p->verification = ver({{kId, 3}, {kCard, 4}, {kEmail, 3}});
      break;
    case PersonaKind::kDataAnalyst:
      p->capabilities = caps({{C(Cap::kDataAnalysis), 6},
                              {C(Cap::kSoftwareEngineering), 2},
                              {C(Cap::kGeneralChat), 1}});
      p->frames = frames({{F(Fr::kNone), 20}, {F(Fr::kStepByStep), 1}});
      p->tiers = tiers({{kBuild, 5}, {kScale, 3}, {kFree, 2}});
      p->verification = ver({{kCard, 6}, {kEmail, 4}});
      break;
    case PersonaKind::kCount:
      break;
  }
}

void ApplyCampaignDefaults(CampaignSpec* c) {
  using Cap = Capability;
  using Fr = Frame;
  c->capabilities = MixOf<kCapabilities>({{C(Cap::kSoftwareEngineering), 4},
                                          {C(Cap::kAgenticToolUse), 4},
                                          {C(Cap::kLongHorizonPlanning), 2}});
  c->frames = MixOf<kFrames>({{F(Fr::kReasoningExtraction), 3},
                              {F(Fr::kNone), 3},
                              {F(Fr::kStepByStep), 2},
                              {F(Fr::kRubricGrading), 1},
                              {F(Fr::kSyntheticData), 1}});
  c->tiers = MixOf<kTiers>({{kEducation, 4}, {kResearch, 3}, {kStartup, 3}});
  c->verification = MixOf<kVerifications>({{kEmail, 7}, {kNone, 2}, {kPhone, 1}});
}

PersonaSpec ReadPersona(const YAML::Node& n) {
  CheckKeys(n,
            {"name", "kind", "accounts", "group_size", "requests_per_day", "sigma", "active_days",
             "adoption_days", "capabilities", "frames", "tiers", "verification", "non_english"},
            "persona");
  PersonaSpec p;
  p.line = LineOf(n);
  if (!n["kind"]) Fail(n, "persona: missing 'kind'");
  const auto kind = As<std::string>(n["kind"], "kind");
  const int k = IndexOf(kPersonaKindNames, kind);
  if (k < 0)
    Fail(n["kind"],
         "persona: unknown kind '" + kind + "' (expected " + Choices(kPersonaKindNames) + ")");
  p.kind = static_cast<PersonaKind>(k);
  p.name = n["name"] ? As<std::string>(n["name"], "name") : kind;
  ApplyPersonaDefaults(&p);
  if (!n["accounts"]) Fail(n, "persona '" + p.name + "': missing 'accounts'");
  p.accounts = static_cast<uint32_t>(Count(n["accounts"], "accounts", 1, 50'000'000));
  if (n["group_size"])
    p.group_size = static_cast<uint32_t>(Count(n["group_size"], "group_size", 1, 100000));
  if (n["requests_per_day"])
    p.requests_per_day = Number(n["requests_per_day"], "requests_per_day", 0.01, 1e6);
  if (n["sigma"]) p.sigma = Number(n["sigma"], "sigma", 0, 3);
  if (n["active_days"]) p.active_days = Number(n["active_days"], "active_days", 0.001, 1);
  if (n["adoption_days"]) p.adoption_days = Number(n["adoption_days"], "adoption_days", 0, 1000);
  if (n["non_english"]) p.non_english = Number(n["non_english"], "non_english", 0, 1);
  ReadMix(n["capabilities"], "capabilities", &p.capabilities, ParseCapabilityIndex);
  ReadMix(n["frames"], "frames", &p.frames, ParseFrameIndex);
  ReadMix(n["tiers"], "tiers", &p.tiers,
          [](const std::string& s) { return IndexOf(kTierNames, s); });
  ReadMix(n["verification"], "verification", &p.verification,
          [](const std::string& s) { return IndexOf(kVerificationNames, s); });
  return p;
}

CampaignSpec ReadCampaign(const YAML::Node& n, uint32_t days) {
  CheckKeys(n,
            {"id",
             "kind",
             "accounts",
             "concurrent",
             "requests",
             "start_day",
             "end_day",
             "capabilities",
             "frames",
             "templates",
             "paraphrase",
             "system_prompts",
             "payment_instruments",
             "proxy_kind",
             "proxy_addresses",
             "user_agents",
             "email_domains",
             "tiers",
             "verification",
             "signup_burst_days",
             "sync",
             "jitter_seconds",
             "resold_benign_share",
             "new_model_pivot",
             "tool_use"},
            "campaign");
  CampaignSpec c;
  c.line = LineOf(n);
  ApplyCampaignDefaults(&c);
  if (!n["id"]) Fail(n, "campaign: missing 'id'");
  c.id = As<std::string>(n["id"], "id");
  if (c.id.empty()) Fail(n["id"], "campaign: empty 'id'");
  if (n["kind"]) {
    const auto kind = As<std::string>(n["kind"], "kind");
    const int k = IndexOf(kCampaignKindNames, kind);
    if (k < 0)
      Fail(n["kind"],
           "campaign: unknown kind '" + kind + "' (expected " + Choices(kCampaignKindNames) + ")");
    c.kind = static_cast<CampaignKind>(k);
  }
  for (const char* req : {"accounts", "requests"}) {
    if (!n[req]) Fail(n, "campaign '" + c.id + "': missing '" + req + "'");
  }
  c.accounts = static_cast<uint32_t>(Count(n["accounts"], "accounts", 1, 50'000'000));
  c.concurrent = n["concurrent"]
                     ? static_cast<uint32_t>(Count(n["concurrent"], "concurrent", 1, c.accounts))
                     : c.accounts;
  c.requests = Count(n["requests"], "requests", 1, 10'000'000'000ULL);
  c.start_day = n["start_day"] ? Number(n["start_day"], "start_day", 0, days) : 0;
  c.end_day = n["end_day"] ? Number(n["end_day"], "end_day", 0, days) : days;
  if (c.end_day <= c.start_day) Fail(n, "campaign '" + c.id + "': end_day must be after start_day");
  ReadMix(n["capabilities"], "capabilities", &c.capabilities, ParseCapabilityIndex);
  ReadMix(n["frames"], "frames", &c.frames, ParseFrameIndex);
  ReadMix(n["tiers"], "tiers", &c.tiers,
          [](const std::string& s) { return IndexOf(kTierNames, s); });
  ReadMix(n["verification"], "verification", &c.verification,
          [](const std::string& s) { return IndexOf(kVerificationNames, s); });
  if (n["templates"])
    c.templates = static_cast<uint32_t>(Count(n["templates"], "templates", 1, 100000));
  if (n["paraphrase"]) c.paraphrase = Number(n["paraphrase"], "paraphrase", 0, 1);
  if (n["system_prompts"])
    c.system_prompts =
        static_cast<uint32_t>(Count(n["system_prompts"], "system_prompts", 0, 100000));
  if (n["payment_instruments"])
    c.payment_instruments = static_cast<uint32_t>(
        Count(n["payment_instruments"], "payment_instruments", 1, c.accounts));
  if (n["proxy_kind"]) {
    const auto kind = As<std::string>(n["proxy_kind"], "proxy_kind");
    const int k = IndexOf(kProxyKindNames, kind);
    if (k < 0)
      Fail(n["proxy_kind"], "campaign: unknown proxy_kind '" + kind + "' (expected " +
                                Choices(kProxyKindNames) + ")");
    c.proxy_kind = static_cast<ProxyKind>(k);
  }
  if (n["proxy_addresses"])
    c.proxy_addresses =
        static_cast<uint32_t>(Count(n["proxy_addresses"], "proxy_addresses", 1, 10'000'000));
  if (n["user_agents"])
    c.user_agents = static_cast<uint32_t>(Count(n["user_agents"], "user_agents", 1, 1000));
  if (n["email_domains"])
    c.email_domains = static_cast<uint32_t>(Count(n["email_domains"], "email_domains", 1, 100000));
  if (n["signup_burst_days"])
    c.signup_burst_days = Number(n["signup_burst_days"], "signup_burst_days", 0.01, 1000);
  if (n["sync"]) c.sync = Number(n["sync"], "sync", 0, 1);
  if (n["jitter_seconds"])
    c.jitter_seconds = Number(n["jitter_seconds"], "jitter_seconds", 0, 86400);
  if (n["resold_benign_share"])
    c.resold_benign_share = Number(n["resold_benign_share"], "resold_benign_share", 0, 0.95);
  if (n["new_model_pivot"])
    c.new_model_pivot = Number(n["new_model_pivot"], "new_model_pivot", 0, 1);
  if (n["tool_use"]) c.tool_use = Number(n["tool_use"], "tool_use", 0, 1);
  return c;
}

Scenario ReadScenario(const YAML::Node& root) {
  if (!root.IsMap()) Fail(root, "scenario: expected a mapping at the top level");
  CheckKeys(root,
            {"version", "name", "seed", "start", "days", "models", "new_model", "duplicate_rate",
             "personas", "campaigns"},
            "scenario");
  if (!root["version"] || As<int>(root["version"], "version") != 1) {
    Fail(root["version"] ? root["version"] : root, "scenario: 'version' must be 1");
  }
  Scenario s;
  s.name = root["name"] ? As<std::string>(root["name"], "name") : "unnamed";
  if (root["seed"]) s.seed = As<uint64_t>(root["seed"], "seed");
  if (!root["start"]) Fail(root, "scenario: missing 'start' (RFC 3339 time)");
  const auto start = As<std::string>(root["start"], "start");
  const auto t = ParseRfc3339(start);
  if (!t) Fail(root["start"], "scenario: 'start' is not an RFC 3339 time: '" + start + "'");
  s.start = *t;
  if (!root["days"]) Fail(root, "scenario: missing 'days'");
  s.days = static_cast<uint32_t>(Count(root["days"], "days", 1, 3650));
  if (root["duplicate_rate"])
    s.duplicate_rate = Number(root["duplicate_rate"], "duplicate_rate", 0, 0.5);
  const YAML::Node models = root["models"];
  if (!models || !models.IsMap() || models.size() == 0 || models.size() > 8) {
    Fail(models ? models : root, "scenario: 'models' must map 1 to 8 model names to weights");
  }
  double total = 0;
  for (const auto& kv : models) {
    s.models.push_back(kv.first.as<std::string>());
    const double w = Number(kv.second, "models", 0, 1e9);
    s.model_mix[s.models.size() - 1] = w;
    total += w;
  }
  if (total <= 0) Fail(models, "scenario: model weights sum to zero");
  for (auto& w : s.model_mix) w /= total;
  if (const YAML::Node nm = root["new_model"]) {
    CheckKeys(nm, {"name", "release_day"}, "new_model");
    if (!nm["name"] || !nm["release_day"]) Fail(nm, "new_model: needs 'name' and 'release_day'");
    s.new_model = As<std::string>(nm["name"], "name");
    s.new_model_release_day = Number(nm["release_day"], "release_day", 0, s.days);
  }
  const YAML::Node personas = root["personas"];
  if (!personas || !personas.IsSequence() || personas.size() == 0) {
    Fail(personas ? personas : root, "scenario: 'personas' must be a non-empty list");
  }
  for (const auto& p : personas) s.personas.push_back(ReadPersona(p));
  if (const YAML::Node campaigns = root["campaigns"]) {
    if (!campaigns.IsSequence()) Fail(campaigns, "scenario: 'campaigns' must be a list");
    for (const auto& c : campaigns) {
      s.campaigns.push_back(ReadCampaign(c, s.days));
      for (size_t i = 0; i + 1 < s.campaigns.size(); ++i) {
        if (s.campaigns[i].id == s.campaigns.back().id) {
          Fail(c, "campaign: duplicate id '" + s.campaigns.back().id + "'");
        }
      }
    }
  }
  for (size_t i = 0; i < s.personas.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (s.personas[i].name == s.personas[j].name) {
        throw SpecError(s.personas[i].line, "persona: duplicate name '" + s.personas[i].name + "'");
      }
    }
  }
  return s;
}

}  // namespace

const char* PersonaKindName(PersonaKind k) noexcept {
  const auto i = static_cast<size_t>(k);
  return i < std::size(kPersonaKindNames) ? kPersonaKindNames[i] : "unknown";
}
const char* CampaignKindName(CampaignKind k) noexcept {
  const auto i = static_cast<size_t>(k);
  return i < std::size(kCampaignKindNames) ? kCampaignKindNames[i] : "unknown";
}
const char* TierName(size_t i) noexcept { return i < kTiers ? kTierNames[i] : "unknown"; }
const char* VerificationName(size_t i) noexcept {
  return i < kVerifications ? kVerificationNames[i] : "unknown";
}

Scenario Scenario::Scaled(double scale) const {
  Scenario s = *this;
  auto scale_count = [scale](uint64_t n) {
    return std::max<uint64_t>(1,
                              static_cast<uint64_t>(std::llround(static_cast<double>(n) * scale)));
  };
  for (auto& p : s.personas) {
    p.accounts = static_cast<uint32_t>(std::max<uint64_t>(p.group_size, scale_count(p.accounts)));
  }
  for (auto& c : s.campaigns) {
    c.accounts = static_cast<uint32_t>(scale_count(c.accounts));
    c.concurrent = std::min(c.accounts, static_cast<uint32_t>(scale_count(c.concurrent)));
    c.requests = scale_count(c.requests);
    c.payment_instruments =
        std::min(c.accounts, static_cast<uint32_t>(scale_count(c.payment_instruments)));
    c.proxy_addresses = static_cast<uint32_t>(scale_count(c.proxy_addresses));
  }
  return s;
}

std::vector<std::string> BuiltinScenarioNames() {
  std::vector<std::string> names;
  for (size_t i = 0; i < kBuiltinScenarioCount; ++i) names.emplace_back(kBuiltinScenarios[i].name);
  std::sort(names.begin(), names.end());
  return names;
}

std::string_view BuiltinScenarioText(std::string_view name) {
  for (size_t i = 0; i < kBuiltinScenarioCount; ++i) {
    if (name == kBuiltinScenarios[i].name) return kBuiltinScenarios[i].text;
  }
  return {};
}

Result<Scenario> ParseScenario(std::string_view yaml_text, const std::string& source_name) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    return ReadScenario(root);
  } catch (const SpecError& e) {
    return Status(ErrorCode::kSpecError,
                  source_name + ":" + std::to_string(e.line) + ": " + e.what());
  } catch (const YAML::Exception& e) {
    return Status(ErrorCode::kSpecError,
                  source_name + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax: " + e.msg);
  }
}

Result<Scenario> LoadScenario(const std::string& name_or_path) {
  const std::string_view builtin = BuiltinScenarioText(name_or_path);
  if (!builtin.empty()) return ParseScenario(builtin, "builtin:" + name_or_path);
  std::ifstream in(name_or_path, std::ios::binary);
  if (!in) {
    std::string known;
    for (const auto& n : BuiltinScenarioNames()) known += (known.empty() ? "" : ", ") + n;
    return Status(ErrorCode::kNotFound, "scenario '" + name_or_path + "' is neither a built-in (" +
                                            known + ") nor a readable file");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseScenario(ss.str(), name_or_path);
}

}  // namespace hw::sim
