#include "engine/sim/generator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/common/hash.h"
#include "engine/common/json_writer.h"
#include "engine/common/rng.h"
#include "engine/common/time.h"
#include "engine/sim/grammar.h"

namespace hw::sim {

namespace {

constexpr uint32_t kNone32 = 0xffffffffu;
constexpr TimeUs kNever = INT64_MAX;

struct Country {
  const char* code;
  double utc_offset_hours;
  double weight;
  Language language;
};
constexpr Country kCountries[] = {
    {"US", -6, 30, Language::kEnglish},  {"GB", 0, 6, Language::kEnglish},
    {"DE", 1, 6, Language::kGerman},     {"FR", 1, 5, Language::kFrench},
    {"IN", 5.5, 10, Language::kEnglish}, {"BR", -3, 5, Language::kPortuguese},
    {"JP", 9, 5, Language::kEnglish},    {"KR", 9, 4, Language::kEnglish},
    {"SG", 8, 3, Language::kChinese},    {"CA", -5, 5, Language::kEnglish},
    {"AU", 10, 3, Language::kEnglish},   {"ES", 1, 4, Language::kSpanish},
    {"MX", -6, 4, Language::kSpanish},   {"NG", 1, 2, Language::kEnglish},
    {"TW", 8, 3, Language::kChinese},    {"PT", 0, 1, Language::kPortuguese},
};
constexpr size_t kCountryCount = std::size(kCountries);

// Relative request rate of people by local hour.
constexpr double kHumanHours[24] = {0.3, 0.2, 0.12, 0.08, 0.08, 0.12, 0.3, 0.6, 1.0, 1.3, 1.5, 1.5,
                                    1.3, 1.4, 1.5,  1.5,  1.4,  1.2,  1.0, 1.0, 1.1, 1.0, 0.8, 0.5};

// Client user agents. Campaigns draw theirs from the same list: attackers use
// ordinary SDKs.
constexpr const char* kUserAgents[] = {
    "sdk-python/1.40.2 python-httpx/0.27.0",
    "sdk-python/1.38.0 python-httpx/0.26.0",
    "sdk-node/4.52.0 node/20.11.1",
    "sdk-node/4.49.1 node/18.19.0",
    "sdk-go/0.6.1 Go-http-client/2.0",
    "curl/8.5.0",
    "okhttp/4.12.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 ChatDesk/2.3.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) ChatDesk/2.3.0",
    "langchain-python/0.2.11 sdk-python/1.39.0",
    "llama-index/0.10.41 sdk-python/1.37.1",
    "code-agent-cli/1.3.7 (linux; x64)",
    "code-agent-cli/1.4.0 (darwin; arm64)",
    "ide-assist/0.9.12 vscode/1.91.0",
    "eval-runner/2.1.0 python/3.11",
    "batch-worker/1.0 java/17",
    "python-requests/2.32.3",
    "sdk-java/0.8.0 okhttp/4.12.0",
};
constexpr size_t kUaCount = std::size(kUserAgents);
constexpr uint16_t kUaAgentCli = 11, kUaIde = 13, kUaEval = 14, kUaBatch = 15;

constexpr const char* kWebmail[] = {"gmail.com",   "outlook.com", "yahoo.com", "proton.me",
                                    "icloud.com",  "qq.com",      "163.com",   "gmx.de",
                                    "hotmail.com", "yandex.com",  "naver.com", "mail.com"};

constexpr const char* kNameParts[] = {"north", "blue",   "quant",  "arc",    "lumen", "terra",
                                      "nova",  "pixel",  "delta",  "cedar",  "orbit", "vector",
                                      "maple", "signal", "harbor", "summit", "ember", "atlas",
                                      "river", "stone",  "spark",  "cloud",  "forge", "vale"};
constexpr const char* kTlds[] = {".com", ".io", ".ai", ".dev", ".co", ".net", ".org"};

enum class Src : uint8_t { kPersona, kCampaign };

struct Account {
  uint64_t key = 0;  // drives the public id; unrelated to the index
  Src src = Src::kPersona;
  uint32_t spec = 0;         // persona or campaign index
  uint32_t group = kNone32;  // class, team or org within the spec
  TimeUs created = 0;
  TimeUs retired = kNever;
  uint8_t tier = 0, verification = 0, country = 0;
  Language language = Language::kEnglish;
  uint16_t ua = 0;
  uint32_t domain = 0;   // index into domains_
  uint64_t payment = 0;  // 0: none on file
  uint64_t org = 0;      // 0: none
  uint32_t address = 0;  // own, NAT or office IPv4; 0: drawn per request
  bool ipv6 = false;
  uint32_t system_prompt = kNone32;  // index into prompts_
  uint32_t kit = kNone32;            // index into kits_
  double rate = 1;                   // median requests per active day
  TimeUs adoption = kNever;          // first use of the new model
  uint16_t max_tokens = 0;           // habit; 0: not sent
  int8_t temperature_x10 = -1;       // habit; -1: not sent
  // Filled while running.
  uint64_t requests = 0;
  TimeUs first_seen = kNever, last_seen = 0;
};

struct Pending {
  TimeUs time;
  uint64_t seed;
  uint32_t account;
  uint32_t conversation;  // 0: none
  uint16_t turn;
  uint8_t flags;
};
constexpr uint8_t kFlagResold = 1;
constexpr uint8_t kFlagDuplicate = 2;

struct CampaignState {
  uint32_t first_account = 0, count = 0;
  uint64_t hash = 0;
  uint16_t uas[8] = {};
  uint32_t first_prompt = kNone32;  // system prompts: [first_prompt, first_prompt + n)
  uint32_t prompts = 0;
  uint32_t kit = kNone32;
  uint32_t first_domain = 0;
  std::vector<uint32_t> proxies;  // IPv4
  TimeUs pivot = kNever;
  uint16_t max_tokens = 16000;
  int8_t temperature_x10 = 10;
};

uint32_t RandomPublicIpv4(uint64_t h) {
  for (;;) {
    const uint32_t a = static_cast<uint32_t>(h);
    const uint32_t o1 = a >> 24;
    const uint32_t o2 = (a >> 16) & 0xff;
    const bool reserved = o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224 ||
                          (o1 == 100 && o2 >= 64 && o2 < 128) || (o1 == 169 && o2 == 254) ||
                          (o1 == 172 && o2 >= 16 && o2 < 32) || (o1 == 192 && o2 == 168) ||
                          (o1 == 198 && (o2 == 18 || o2 == 19));
    if (!reserved && (a & 0xff) != 0 && (a & 0xff) != 255) return a;
    h = SplitMix64(h);
  }
}

void AppendIpv4(std::string& out, uint32_t a) {
  char buf[16];
  const int n = std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
                              (a >> 8) & 0xff, a & 0xff);
  out.append(buf, static_cast<size_t>(n));
}

void AppendIpv6(std::string& out, uint64_t h) {
  char buf[48];
  const int n = std::snprintf(
      buf, sizeof buf, "2a0%x:%x:%x:%x::%x", static_cast<unsigned>(h & 7),
      static_cast<unsigned>((h >> 8) & 0xffff), static_cast<unsigned>((h >> 24) & 0xffff),
      static_cast<unsigned>((h >> 40) & 0xffff), static_cast<unsigned>((h >> 56) | 1));
  out.append(buf, static_cast<size_t>(n));
}

void AppendHex(std::string& out, uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(v >> (4 * i)) & 15]);
}

template <size_t N>
size_t Draw(const std::array<double, N>& mix, Rng& r) {
  double u = r.Uniform();
  for (size_t i = 0; i < N; ++i) {
    if (u < mix[i]) return i;
    u -= mix[i];
  }
  for (size_t i = N; i-- > 0;) {
    if (mix[i] > 0) return i;
  }
  return 0;
}

size_t DrawCountry(Rng& r) {
  double total = 0;
  for (const auto& c : kCountries) total += c.weight;
  double u = r.Uniform() * total;
  for (size_t i = 0; i < kCountryCount; ++i) {
    if (u < kCountries[i].weight) return i;
    u -= kCountries[i].weight;
  }
  return 0;
}

// Zipf-like pick in [0, n): popular apps are used by many accounts.
uint32_t DrawPopular(Rng& r, uint32_t n) {
  const double u = r.Uniform();
  return static_cast<uint32_t>(std::min<double>(n - 1, std::floor(std::pow(n, u)) - 1 + 0.0));
}

// Seconds into a local day drawn from the human hour profile.
int64_t DrawHumanSecond(Rng& r) {
  static const auto cumulative = [] {
    std::array<double, 24> c{};
    double t = 0;
    for (int h = 0; h < 24; ++h) c[h] = (t += kHumanHours[h]);
    return c;
  }();
  const double u = r.Uniform() * cumulative[23];
  int h = 0;
  while (h < 23 && u >= cumulative[h]) ++h;
  return h * 3600 + static_cast<int64_t>(r.Below(3600));
}

void AppendSystemFragment(std::string& out, std::string_view text) {
  out.append("[{\"type\":\"text\",\"content\":");
  AppendJsonString(out, text);
  out.append("}]");
}

}  // namespace

struct Generator::Impl {
  Scenario sc;
  uint64_t seed = 1;
  int threads = 2;
  std::vector<Account> accounts;
  std::vector<std::string> domains;
  std::vector<std::string> prompts;  // pre-rendered gen_ai.system_instructions values
  std::vector<std::string> kits;     // pre-rendered gen_ai.tool.definitions values
  std::vector<uint64_t> kit_seeds;
  std::vector<uint32_t> persona_first;  // first account index of each persona
  std::vector<CampaignState> campaigns;
  std::vector<uint32_t> vpn_exits;
  uint32_t first_app_prompt = 0, app_prompts = 0;
  uint32_t first_agent_prompt = 0, agent_products = 0;
  TimeUs release = kNever;
  SimStats stats;

  uint32_t AddPrompt(SystemKind kind, uint64_t s, Language lang) {
    std::string text;
    Rng r(s);
    WriteSystemPrompt(kind, s, lang, r, text);
    std::string frag;
    AppendSystemFragment(frag, text);
    prompts.push_back(std::move(frag));
    return static_cast<uint32_t>(prompts.size() - 1);
  }
  uint32_t AddKit(uint64_t s) {
    std::string json;
    WriteToolDefinitionsJson(s, json);
    kits.push_back(std::move(json));
    kit_seeds.push_back(s);
    return static_cast<uint32_t>(kits.size() - 1);
  }
  uint32_t AddDomain(std::string d) {
    domains.push_back(std::move(d));
    return static_cast<uint32_t>(domains.size() - 1);
  }
  std::string MadeUpName(uint64_t h, const char* tld) {
    std::string s = kNameParts[h % std::size(kNameParts)];
    s += kNameParts[(h >> 8) % std::size(kNameParts)];
    if ((h >> 16) & 1) AppendHex(s, (h >> 20) & 0xff, 2);
    s += tld;
    return s;
  }

  void Setup();
  void SetupPersona(uint32_t pi);
  void SetupCampaign(uint32_t ci);
  void ScheduleDay(uint32_t day, std::vector<Pending>& out);
  void SchedulePersonaAccount(uint32_t ai, uint32_t day, std::vector<Pending>& out);
  void ScheduleCampaign(uint32_t ci, uint32_t day, std::vector<Pending>& out);
  void Render(const Pending& ev, std::string& out, std::string& scratch) const;
  void RenderMessages(const Pending& ev, const Account& a, const PromptSpec& spec, bool agentic,
                      Rng& r, std::string& out, std::string& scratch, size_t* chars) const;
};

void Generator::Impl::Setup() {
  release = sc.new_model.empty()
                ? kNever
                : sc.start + static_cast<TimeUs>(sc.new_model_release_day * kUsPerDay);
  Rng r(MixSeed(seed, 0x5e7u));
  // Popular apps' system prompts, shared by many unrelated accounts.
  app_prompts = 400;
  first_app_prompt = static_cast<uint32_t>(prompts.size());
  for (uint32_t i = 0; i < app_prompts; ++i) {
    const SystemKind kind = i % 5 == 0   ? SystemKind::kPersona
                            : i % 3 == 0 ? SystemKind::kGenericAssistant
                                         : SystemKind::kCompanyProduct;
    AddPrompt(kind, MixSeed(seed, 0xa99u, i), Language::kEnglish);
  }
  // A few agentic coding products: thousands of accounts send the same long
  // system prompt and tool kit.
  agent_products = 6;
  first_agent_prompt = static_cast<uint32_t>(prompts.size());
  for (uint32_t i = 0; i < agent_products; ++i) {
    AddPrompt(SystemKind::kCodingAgent, MixSeed(seed, 0xa6e7u, i), Language::kEnglish);
    AddKit(MixSeed(seed, 0x1c17u, i));
  }
  for (uint32_t i = 0; i < std::size(kWebmail); ++i) AddDomain(kWebmail[i]);
  for (uint32_t i = 0; i < 40; ++i) vpn_exits.push_back(RandomPublicIpv4(MixSeed(seed, 0x7e9u, i)));
  for (uint32_t pi = 0; pi < sc.personas.size(); ++pi) SetupPersona(pi);
  for (uint32_t ci = 0; ci < sc.campaigns.size(); ++ci) SetupCampaign(ci);
  for (size_t i = 0; i < accounts.size(); ++i) {
    accounts[i].key = MixSeed(seed, 0xacc7u, i);
  }
  (void)r;
}

void Generator::Impl::SetupPersona(uint32_t pi) {
  const PersonaSpec& p = sc.personas[pi];
  persona_first.push_back(static_cast<uint32_t>(accounts.size()));
  const uint32_t groups = (p.accounts + p.group_size - 1) / p.group_size;
  struct Group {
    uint64_t org = 0, payment = 0;
    uint32_t address = 0, domain = 0, prompt = kNone32, kit = kNone32;
    TimeUs created = 0;
    uint8_t country = 0;
  };
  std::vector<Group> gs(groups);
  for (uint32_t g = 0; g < groups; ++g) {
    Rng r(MixSeed(seed, 0x9a0u + pi, g));
    Group& G = gs[g];
    G.country = static_cast<uint8_t>(DrawCountry(r));
    G.address = RandomPublicIpv4(r.Next());
    G.created = sc.start - static_cast<TimeUs>(r.Uniform() * 600) * kUsPerDay;
    switch (p.kind) {
      case PersonaKind::kUniversityClass:
        G.domain = AddDomain(MadeUpName(r.Next(), ".edu"));
        // A class signs up in the same week, some just before the log starts.
        G.created =
            sc.start + static_cast<TimeUs>((r.Uniform() * (sc.days + 10.0) - 10) * kUsPerDay);
        break;
      case PersonaKind::kStartupTeam:
      case PersonaKind::kEnterpriseBatch:
      case PersonaKind::kEvalHarness:
        G.org = r.Next() | 1;
        G.payment = r.Next() | 1;
        G.domain = AddDomain(MadeUpName(r.Next(), kTlds[r.Below(std::size(kTlds))]));
        if (p.kind == PersonaKind::kEnterpriseBatch) {
          G.prompt = AddPrompt(SystemKind::kCompanyProduct, r.Next(), Language::kEnglish);
        } else if (p.kind == PersonaKind::kEvalHarness) {
          G.prompt = AddPrompt(SystemKind::kGrader, r.Next(), Language::kEnglish);
        }
        if (p.kind == PersonaKind::kStartupTeam) {
          G.created =
              sc.start + static_cast<TimeUs>((r.Uniform() * (sc.days + 60.0) - 60) * kUsPerDay);
        }
        break;
      default:
        break;
    }
  }
  for (uint32_t i = 0; i < p.accounts; ++i) {
    Rng r(MixSeed(seed, 0x9e5u + pi, i));
    Account a;
    a.src = Src::kPersona;
    a.spec = pi;
    const uint32_t g = i / p.group_size;
    const Group& G = gs[g];
    a.group = p.group_size > 1 ? g : kNone32;
    a.tier = static_cast<uint8_t>(Draw(p.tiers, r));
    a.verification = static_cast<uint8_t>(Draw(p.verification, r));
    a.country = p.group_size > 1 ? G.country : static_cast<uint8_t>(DrawCountry(r));
    a.language = r.Chance(p.non_english)
                     ? (kCountries[a.country].language != Language::kEnglish
                            ? kCountries[a.country].language
                            : static_cast<Language>(
                                  1 + r.Below(static_cast<uint64_t>(Language::kCount) - 1)))
                     : Language::kEnglish;
    a.domain = static_cast<uint32_t>(r.Below(std::size(kWebmail)));
    a.payment = r.Chance(0.8) ? (r.Next() | 1) : 0;
    a.address = RandomPublicIpv4(r.Next());
    a.ipv6 = r.Chance(0.08);
    a.ua = static_cast<uint16_t>(r.Below(11));
    a.rate = r.LogNormal(p.requests_per_day, p.sigma);
    // Most accounts predate the log; some sign up during it and ramp up slowly.
    a.created = r.Chance(0.85) ? sc.start - static_cast<TimeUs>(r.Uniform() * 700 * kUsPerDay)
                               : sc.start + static_cast<TimeUs>(r.Uniform() * sc.days * kUsPerDay);
    a.adoption =
        release == kNever
            ? kNever
            : release + static_cast<TimeUs>((0.5 + r.Exponential(p.adoption_days)) * kUsPerDay);
    static constexpr uint16_t kMaxTok[] = {0, 0, 1024, 2048, 4096, 8192};
    a.max_tokens = kMaxTok[r.Below(std::size(kMaxTok))];
    a.temperature_x10 = r.Chance(0.5) ? -1 : static_cast<int8_t>(r.Below(11));
    if (r.Chance(0.45)) a.system_prompt = first_app_prompt + DrawPopular(r, app_prompts);
    switch (p.kind) {
      case PersonaKind::kAgenticCoding: {
        const uint32_t prod = DrawPopular(r, agent_products);
        a.system_prompt = first_agent_prompt + prod;
        a.kit = prod;
        a.ua = r.Chance(0.6) ? kUaAgentCli + static_cast<uint16_t>(r.Below(2)) : kUaIde;
        a.max_tokens = 8192;
        break;
      }
      case PersonaKind::kEnterpriseBatch:
        a.system_prompt = G.prompt;
        a.ua = kUaBatch;
        a.max_tokens = 512;
        a.temperature_x10 = 0;
        break;
      case PersonaKind::kEvalHarness:
        a.system_prompt = r.Chance(0.5) ? G.prompt : kNone32;
        a.ua = kUaEval;
        a.max_tokens = 4096;
        a.temperature_x10 = 0;
        break;
      case PersonaKind::kUniversityClass:
        a.created = G.created + static_cast<TimeUs>(r.Uniform() * 7 * kUsPerDay);
        a.address = G.address;  // the campus NAT
        a.ipv6 = false;
        a.domain = r.Chance(0.9) ? G.domain : a.domain;
        a.payment = 0;
        a.system_prompt = kNone32;
        break;
      case PersonaKind::kVpnUser:
        a.address = 0;  // a VPN exit per request
        a.ipv6 = false;
        break;
      default:
        break;
    }
    if (G.org != 0) {
      a.org = G.org;
      a.payment = G.payment;  // the company card
      a.domain = G.domain;
      a.address = RandomPublicIpv4((static_cast<uint64_t>(G.address) & ~0xffULL) + r.Below(8) + 1);
      a.address = (G.address & 0xffffff00u) | (a.address & 0xffu);  // the office /24
      a.ipv6 = false;
      if (p.kind == PersonaKind::kStartupTeam) {
        a.created = G.created + static_cast<TimeUs>(r.Uniform() * 20 * kUsPerDay);
      }
    }
    accounts.push_back(a);
  }
}

void Generator::Impl::SetupCampaign(uint32_t ci) {
  const CampaignSpec& c = sc.campaigns[ci];
  CampaignState st;
  st.hash = MixSeed(seed, Hash64(c.id));
  Rng r(st.hash);
  st.first_account = static_cast<uint32_t>(accounts.size());
  st.count = c.accounts;
  for (uint32_t i = 0; i < std::min<uint32_t>(c.user_agents, 8); ++i) {
    st.uas[i] = static_cast<uint16_t>(r.Below(11));
  }
  st.first_prompt = static_cast<uint32_t>(prompts.size());
  st.prompts = c.system_prompts;
  for (uint32_t i = 0; i < c.system_prompts; ++i) {
    AddPrompt(i % 2 == 0 ? SystemKind::kPersona : SystemKind::kGenericAssistant,
              MixSeed(st.hash, 0x515u, i), Language::kEnglish);
  }
  st.kit = AddKit(MixSeed(st.hash, 0x1c1u));
  st.first_domain = static_cast<uint32_t>(domains.size());
  for (uint32_t i = 0; i < c.email_domains; ++i) {
    const bool edu = c.tiers[4] > 0.3 && i % 2 == 0;
    AddDomain(MadeUpName(r.Next(), edu ? ".edu" : kTlds[r.Below(std::size(kTlds))]));
  }
  // Proxy pool: datacenter proxies fill a few /24s; residential ones are scattered.
  const uint32_t subnets = c.proxy_kind == ProxyKind::kDatacenter
                               ? std::max<uint32_t>(1, c.proxy_addresses / 40)
                               : c.proxy_addresses;
  std::vector<uint32_t> nets;
  for (uint32_t i = 0; i < subnets; ++i) nets.push_back(RandomPublicIpv4(r.Next()) & 0xffffff00u);
  for (uint32_t i = 0; i < c.proxy_addresses; ++i) {
    st.proxies.push_back(nets[i % subnets] | static_cast<uint32_t>(2 + r.Below(250)));
  }
  st.pivot = release == kNever ? kNever
                               : release + static_cast<TimeUs>((2 + r.Uniform() * 18) * kUsPerHour);
  static constexpr uint16_t kMaxTok[] = {8192, 16000, 32000};
  st.max_tokens = kMaxTok[r.Below(3)];
  st.temperature_x10 = static_cast<int8_t>(7 + r.Below(4));
  // Account pool: `concurrent` slots; a banned account is replaced at once.
  const TimeUs start = sc.start + static_cast<TimeUs>(c.start_day * kUsPerDay);
  const TimeUs end = sc.start + static_cast<TimeUs>(c.end_day * kUsPerDay);
  const uint32_t slots = c.concurrent;
  std::vector<uint64_t> payments(c.payment_instruments);
  for (auto& p : payments) p = r.Next() | 1;
  for (uint32_t i = 0; i < c.accounts; ++i) {
    Rng ar(MixSeed(st.hash, 0xacu, i));
    Account a;
    a.src = Src::kCampaign;
    a.spec = ci;
    const uint32_t slot = i % slots, gen = i / slots;
    const uint32_t gens = (c.accounts - slot + slots - 1) / slots;
    const TimeUs life = (end - start) / gens;
    a.created = gen == 0
                    ? start - static_cast<TimeUs>(ar.Uniform() * c.signup_burst_days * kUsPerDay)
                    : start + gen * life + static_cast<TimeUs>(ar.Uniform() * 10 * kUsPerMinute);
    a.retired = gen + 1 == gens ? kNever : start + (gen + 1) * life;
    a.tier = static_cast<uint8_t>(Draw(c.tiers, ar));
    a.verification = static_cast<uint8_t>(Draw(c.verification, ar));
    a.country = static_cast<uint8_t>(DrawCountry(ar));
    a.domain = st.first_domain + static_cast<uint32_t>(ar.Below(c.email_domains));
    a.payment = payments[i % payments.size()];
    a.ua = st.uas[ar.Below(std::min<uint32_t>(c.user_agents, 8))];
    a.system_prompt = c.system_prompts
                          ? st.first_prompt + static_cast<uint32_t>(ar.Below(c.system_prompts))
                          : kNone32;
    a.kit = st.kit;
    a.max_tokens = st.max_tokens;
    a.temperature_x10 = st.temperature_x10;
    accounts.push_back(a);
  }
  campaigns.push_back(std::move(st));
}

void Generator::Impl::SchedulePersonaAccount(uint32_t ai, uint32_t day, std::vector<Pending>& out) {
  const Account& a = accounts[ai];
  const PersonaSpec& p = sc.personas[a.spec];
  const TimeUs day_start = sc.start + static_cast<TimeUs>(day) * kUsPerDay;
  if (a.created >= day_start + kUsPerDay) return;
  Rng r(MixSeed(seed, 0xda7u + ai, day));
  const TimeUs local_shift =
      static_cast<TimeUs>(kCountries[a.country].utc_offset_hours * kUsPerHour);
  // Accounts that sign up during the log ramp up over about two weeks.
  const double age_days = static_cast<double>(day_start - a.created) / kUsPerDay;
  const double ramp = age_days < 0 ? 0.3 : std::min(1.0, 0.3 + age_days / 14.0);
  auto emit = [&](TimeUs t, uint32_t conv, uint16_t turn) {
    if (t < a.created || t < day_start || t >= day_start + kUsPerDay) return;
    out.push_back(Pending{t, r.Next(), ai, conv, turn, 0});
  };
  switch (p.kind) {
    case PersonaKind::kEnterpriseBatch: {
      if (!r.Chance(p.active_days)) return;
      // A nightly job at a fixed local hour, evenly paced by the client.
      Rng job(MixSeed(seed, 0x70bu, ai));
      const int64_t hour = static_cast<int64_t>(job.Below(24));
      const uint64_t n = static_cast<uint64_t>(a.rate * (0.9 + 0.2 * r.Uniform()) * ramp);
      if (n == 0) return;
      const TimeUs span =
          std::min<TimeUs>(20 * kUsPerHour, static_cast<TimeUs>(n) * 2 * kUsPerSecond);
      const TimeUs step = span / static_cast<TimeUs>(n);
      TimeUs t = day_start + hour * kUsPerHour - local_shift;
      for (uint64_t k = 0; k < n; ++k) {
        TimeUs tt = t + static_cast<TimeUs>(k) * step + static_cast<TimeUs>(r.Below(200000));
        // Wrap into the same day so that the job stays inside this day's batch.
        tt = day_start + ((tt - day_start) % kUsPerDay + kUsPerDay) % kUsPerDay;
        emit(tt, 0, 0);
      }
      return;
    }
    case PersonaKind::kEvalHarness: {
      if (!r.Chance(p.active_days)) return;
      const uint64_t n = r.Poisson(a.rate * ramp);
      const TimeUs begin = day_start + static_cast<TimeUs>(r.Below(18)) * kUsPerHour;
      const TimeUs span = (1 + static_cast<TimeUs>(r.Below(4))) * kUsPerHour;
      for (uint64_t k = 0; k < n; ++k)
        emit(begin + static_cast<TimeUs>(r.Below(static_cast<uint64_t>(span))), 0, 0);
      return;
    }
    case PersonaKind::kAgenticCoding: {
      if (!r.Chance(p.active_days)) return;
      uint64_t remaining = r.Poisson(a.rate * ramp * std::exp(0.5 * r.Normal()));
      uint32_t session = 0;
      while (remaining > 0) {
        const uint64_t len = std::min<uint64_t>(remaining, 3 + r.Below(30));
        remaining -= len;
        ++session;
        TimeUs t = day_start - local_shift + DrawHumanSecond(r) * kUsPerSecond;
        t = day_start + ((t - day_start) % kUsPerDay + kUsPerDay) % kUsPerDay;
        const uint32_t conv = static_cast<uint32_t>(MixSeed(day, session) | 1);
        for (uint64_t k = 0; k < len; ++k) {
          emit(t, conv, static_cast<uint16_t>(k));
          t += static_cast<TimeUs>((5 + r.Exponential(40)) * kUsPerSecond);
        }
      }
      return;
    }
    default:
      break;
  }
  // People: active on some days, diurnal, sometimes in multi-turn conversations.
  double active = p.active_days;
  if (p.kind == PersonaKind::kUniversityClass) {
    // Lab sessions twice a week raise activity for the whole class.
    const uint32_t lab = static_cast<uint32_t>(MixSeed(seed, 0x1ab, a.group) % 7);
    if (day % 7 == lab || day % 7 == (lab + 3) % 7) active = std::min(1.0, active * 2);
  }
  if (!r.Chance(active)) return;
  uint64_t n = r.Poisson(a.rate * ramp * std::exp(0.4 * r.Normal()));
  uint32_t session = 0;
  while (n > 0) {
    const uint64_t len = r.Chance(0.35) ? std::min<uint64_t>(n, 2 + r.Below(5)) : 1;
    n -= len;
    ++session;
    TimeUs t = day_start - local_shift + DrawHumanSecond(r) * kUsPerSecond;
    t = day_start + ((t - day_start) % kUsPerDay + kUsPerDay) % kUsPerDay;
    const uint32_t conv = len > 1 ? static_cast<uint32_t>(MixSeed(day, session, ai) | 1) : 0;
    for (uint64_t k = 0; k < len; ++k) {
      emit(t, conv, static_cast<uint16_t>(k));
      t += static_cast<TimeUs>((20 + r.Exponential(90)) * kUsPerSecond);
    }
  }
}

void Generator::Impl::ScheduleCampaign(uint32_t ci, uint32_t day, std::vector<Pending>& out) {
  const CampaignSpec& c = sc.campaigns[ci];
  const CampaignState& st = campaigns[ci];
  const double d0 = std::max<double>(day, c.start_day), d1 = std::min<double>(day + 1.0, c.end_day);
  if (d1 <= d0) return;
  const TimeUs day_start = sc.start + static_cast<TimeUs>(day) * kUsPerDay;
  const TimeUs lo = sc.start + static_cast<TimeUs>(d0 * kUsPerDay);
  const TimeUs hi = sc.start + static_cast<TimeUs>(d1 * kUsPerDay);
  Rng r(MixSeed(st.hash, 0xda7u, day));
  const double per_day = static_cast<double>(c.requests) / (c.end_day - c.start_day);
  const uint64_t total = r.Poisson(per_day * (d1 - d0) * (0.9 + 0.2 * r.Uniform()));
  // Accounts alive at mid-span of today's window.
  const TimeUs mid = lo + (hi - lo) / 2;
  std::vector<uint32_t> alive;
  for (uint32_t i = 0; i < st.count; ++i) {
    const Account& a = accounts[st.first_account + i];
    if (a.created <= mid && a.retired > mid) alive.push_back(st.first_account + i);
  }
  if (alive.empty()) return;
  auto emit = [&](TimeUs t, uint32_t acct) {
    t = std::clamp(t, lo, hi - 1);
    const Account& a = accounts[acct];
    if (t < a.created) t = a.created;
    if (t < day_start || t >= day_start + kUsPerDay || t >= a.retired) return;
    const uint8_t flags = r.Chance(c.resold_benign_share) ? kFlagResold : 0;
    out.push_back(Pending{t, r.Next(), acct, 0, 0, flags});
  };
  // The scheduler dispatches waves round-robin over the pool ("load
  // balancing"), so accounts are active in the same minutes.
  const uint64_t synced = static_cast<uint64_t>(static_cast<double>(total) * c.sync);
  const uint64_t batch = std::clamp<uint64_t>(alive.size() / 4, 4, 64);
  uint64_t rr = r.Below(alive.size());
  uint64_t sent = 0;
  const TimeUs jitter = static_cast<TimeUs>(c.jitter_seconds * kUsPerSecond);
  while (sent < synced) {
    const TimeUs wave = lo + static_cast<TimeUs>(r.Below(static_cast<uint64_t>(hi - lo)));
    const uint64_t b = std::min<uint64_t>(batch, synced - sent);
    for (uint64_t k = 0; k < b; ++k) {
      const TimeUs j =
          jitter > 0 ? static_cast<TimeUs>(r.Below(static_cast<uint64_t>(2 * jitter + 1))) - jitter
                     : 0;
      emit(wave + j, alive[rr++ % alive.size()]);
    }
    sent += b;
  }
  for (uint64_t k = synced; k < total; ++k) {
    emit(lo + static_cast<TimeUs>(r.Below(static_cast<uint64_t>(hi - lo))),
         alive[r.Below(alive.size())]);
  }
}

void Generator::Impl::ScheduleDay(uint32_t day, std::vector<Pending>& out) {
  out.clear();
  for (uint32_t ai = 0; ai < accounts.size(); ++ai) {
    if (accounts[ai].src == Src::kPersona) SchedulePersonaAccount(ai, day, out);
  }
  for (uint32_t ci = 0; ci < campaigns.size(); ++ci) ScheduleCampaign(ci, day, out);
  std::sort(out.begin(), out.end(), [](const Pending& x, const Pending& y) {
    return x.time != y.time ? x.time < y.time : x.seed < y.seed;
  });
}

void Generator::Impl::RenderMessages(const Pending& ev, const Account& a, const PromptSpec& spec,
                                     bool agentic, Rng& r, std::string& out, std::string& scratch,
                                     size_t* chars) const {
  out.append(",\"gen_ai.input.messages\":[");
  // Earlier turns are kept short: real histories are longer, but a log line of
  // 1-10 KB is what the detector has to read either way.
  const uint16_t history = std::min<uint16_t>(ev.turn, 2);
  for (uint16_t h = 0; h < history; ++h) {
    PromptSpec earlier = spec;
    earlier.target_chars = 120;
    scratch.clear();
    WriteUserPrompt(earlier, r, scratch);
    *chars += scratch.size();
    out.append("{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":");
    AppendJsonString(out, scratch);
    out.append("}]},");
    if (agentic && a.kit != kNone32) {
      std::string name, args;
      WriteToolCall(kit_seeds[a.kit], r, name, args);
      const uint64_t call_id = r.Next();
      out.append("{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_");
      AppendHex(out, call_id, 12);
      out.append("\",\"name\":");
      AppendJsonString(out, name);
      out.append(",\"arguments\":");
      out.append(args);
      out.append(
          "}]},{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"call_");
      AppendHex(out, call_id, 12);
      out.append("\",\"result\":");
      scratch.clear();
      WriteToolResult(r, scratch);
      *chars += scratch.size() + args.size();
      AppendJsonString(out, scratch);
      out.append("}]},");
    } else {
      scratch.clear();
      WriteAssistantTurn(spec, r, scratch);
      *chars += scratch.size();
      out.append("{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":");
      AppendJsonString(out, scratch);
      out.append("}]},");
    }
  }
  scratch.clear();
  WriteUserPrompt(spec, r, scratch);
  *chars += scratch.size();
  out.append("{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":");
  AppendJsonString(out, scratch);
  out.append("}]}]");
}

void Generator::Impl::Render(const Pending& ev, std::string& out, std::string& scratch) const {
  const Account& a = accounts[ev.account];
  Rng r(ev.seed);
  PromptSpec spec;
  spec.language = a.language;
  bool agentic = false, tools = false;
  bool attack = false;
  double temperature = a.temperature_x10 < 0 ? -1 : a.temperature_x10 / 10.0;
  uint32_t system_prompt = a.system_prompt;
  uint32_t address = a.address;
  uint16_t ua = a.ua;
  uint64_t out_median = 350;
  const std::string* model = &sc.models[Draw(sc.model_mix, r)];
  if (a.src == Src::kPersona) {
    const PersonaSpec& p = sc.personas[a.spec];
    spec.capability = static_cast<Capability>(Draw(p.capabilities, r));
    spec.frame = static_cast<Frame>(Draw(p.frames, r));
    switch (p.kind) {
      case PersonaKind::kEnterpriseBatch: {
        // One job: the capability is fixed per organisation.
        Rng org_rng(MixSeed(seed, a.org));
        spec.capability = static_cast<Capability>(Draw(p.capabilities, org_rng));
      }
        spec.frame = Frame::kNone;
        spec.template_seed = MixSeed(seed, 0xe7u, a.org);
        out_median = 60;
        break;
      case PersonaKind::kEvalHarness:
        spec.template_seed =
            MixSeed(MixSeed(seed, 0xe4u, a.org),
                    static_cast<uint64_t>(spec.capability) * 8 + static_cast<uint64_t>(spec.frame));
        out_median = 500;
        break;
      case PersonaKind::kUniversityClass:
        if (r.Chance(0.5)) {
          spec.template_seed = MixSeed(seed, 0xc1a55u + a.group, r.Below(5));
          spec.paraphrase = 0.3;
        }
        break;
      case PersonaKind::kAgenticCoding:
        agentic = true;
        tools = true;
        out_median = 600;
        break;
      case PersonaKind::kVpnUser:
        address = vpn_exits[r.Below(vpn_exits.size())];
        break;
      case PersonaKind::kResearcher:
        out_median = 900;
        break;
      default:
        break;
    }
    if (ev.time >= a.adoption && release != kNever && r.Chance(0.4)) model = &sc.new_model;
  } else {
    const CampaignSpec& c = sc.campaigns[a.spec];
    const CampaignState& st = campaigns[a.spec];
    address = st.proxies[r.Below(st.proxies.size())];
    if (ev.flags & kFlagResold) {
      // A reseller's customer: an ordinary request passed through the network.
      spec.capability =
          static_cast<Capability>(r.Below(static_cast<uint64_t>(Capability::kCount) - 1));
      spec.frame = Frame::kNone;
      system_prompt = r.Chance(0.4) ? first_app_prompt + DrawPopular(r, app_prompts) : kNone32;
      temperature = r.Chance(0.5) ? -1 : 0.7;
    } else {
      attack = true;
      spec.capability = static_cast<Capability>(Draw(c.capabilities, r));
      spec.frame = static_cast<Frame>(Draw(c.frames, r));
      spec.template_seed = MixSeed(
          st.hash, static_cast<uint64_t>(spec.capability) * 16 + static_cast<uint64_t>(spec.frame),
          r.Below(c.templates));
      spec.paraphrase = c.paraphrase;
      spec.target_chars = static_cast<uint32_t>(300 + r.Below(900));
      spec.language = Language::kEnglish;
      tools = r.Chance(c.tool_use);
      agentic = tools;
      out_median = 2400;
      if (ev.time >= st.pivot && r.Chance(c.new_model_pivot)) model = &sc.new_model;
    }
  }
  const TimeUs t = ev.time;
  out.append("{\"time\":\"");
  char tb[32];
  out.append(tb, FormatRfc3339(t, tb));
  out.append("\",\"user.id\":\"acct_");
  AppendHex(out, a.key, 12);
  out.append("\",\"gen_ai.response.id\":\"resp_");
  AppendHex(out, MixSeed(seed, ev.seed), 16);
  out.append("\",\"client.address\":\"");
  if (a.ipv6 && a.src == Src::kPersona && a.address != 0) {
    AppendIpv6(out, MixSeed(seed, a.key));
  } else {
    AppendIpv4(out, address != 0 ? address : RandomPublicIpv4(r.Next()));
  }
  out.append("\",\"user_agent.original\":");
  AppendJsonString(out, kUserAgents[ua % kUaCount]);
  out.append(",\"gen_ai.operation.name\":\"chat\",\"gen_ai.request.model\":");
  AppendJsonString(out, *model);
  if (a.max_tokens) {
    out.append(",\"gen_ai.request.max_tokens\":");
    AppendJsonInt(out, a.max_tokens);
  }
  if (temperature >= 0) {
    out.append(",\"gen_ai.request.temperature\":");
    AppendJsonNumber(out, temperature);
  }
  if (ev.conversation != 0 || agentic) {
    out.append(",\"gen_ai.conversation.id\":\"conv_");
    AppendHex(out, MixSeed(a.key, ev.conversation ? ev.conversation : ev.seed), 12);
    out.push_back('"');
  }
  size_t chars = 0;
  if (system_prompt != kNone32) {
    out.append(",\"gen_ai.system_instructions\":");
    out.append(prompts[system_prompt]);
    chars += prompts[system_prompt].size();
  }
  Pending msg_ev = ev;
  if (attack && agentic) msg_ev.turn = static_cast<uint16_t>(r.Below(4));
  RenderMessages(msg_ev, a, spec, agentic, r, out, scratch, &chars);
  if (tools && a.kit != kNone32) {
    out.append(",\"gen_ai.tool.definitions\":");
    out.append(kits[a.kit]);
    chars += kits[a.kit].size();
  }
  // Attack accounts run at full usage and hit rate limits.
  const double limited = attack ? 0.06 : 0.003;
  const bool throttled = r.Chance(limited);
  const int64_t input_tokens = static_cast<int64_t>(chars / 4 + 8);
  out.append(",\"gen_ai.usage.input_tokens\":");
  AppendJsonInt(out, input_tokens);
  if (throttled) {
    out.append(",\"gen_ai.usage.output_tokens\":0,\"http.response.status_code\":429}\n");
    return;
  }
  int64_t output =
      static_cast<int64_t>(r.LogNormal(static_cast<double>(out_median), attack ? 0.4 : 0.8));
  const int64_t cap = a.max_tokens ? a.max_tokens : 8192;
  const bool length = output >= cap;
  output = std::clamp<int64_t>(output, 1, cap);
  out.append(",\"gen_ai.usage.output_tokens\":");
  AppendJsonInt(out, output);
  out.append(length                     ? ",\"gen_ai.response.finish_reasons\":[\"length\"]"
             : agentic && r.Chance(0.5) ? ",\"gen_ai.response.finish_reasons\":[\"tool_calls\"]"
                                        : ",\"gen_ai.response.finish_reasons\":[\"stop\"]");
  out.append(",\"http.response.status_code\":200}\n");
}

Generator::Generator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Generator::~Generator() = default;

Result<std::unique_ptr<Generator>> Generator::Create(const Scenario& scenario, uint64_t seed,
                                                     int threads) {
  auto impl = std::make_unique<Impl>();
  impl->sc = scenario;
  impl->seed = seed;
  impl->threads = std::max(1, threads);
  if (!scenario.new_model.empty() && scenario.models.empty()) {
    return Status(ErrorCode::kInvalidArgument, "scenario has no models");
  }
  impl->Setup();
  impl->stats.accounts = impl->accounts.size();
  for (const auto& a : impl->accounts) impl->stats.attack_accounts += a.src == Src::kCampaign;
  return std::unique_ptr<Generator>(new Generator(std::move(impl)));
}

void Generator::WriteAccounts(std::string& out) const {
  const Impl& m = *impl_;
  for (const Account& a : m.accounts) {
    out.append("{\"user.id\":\"acct_");
    AppendHex(out, a.key, 12);
    out.append("\",\"created\":\"");
    out.append(FormatRfc3339(a.created));
    out.push_back('"');
    if (a.org) {
      out.append(",\"organization.id\":\"org_");
      AppendHex(out, a.org, 10);
      out.push_back('"');
    }
    if (a.payment) {
      out.append(",\"payment.fingerprint\":\"pm_");
      AppendHex(out, a.payment, 16);
      out.push_back('"');
    }
    out.append(",\"email.domain\":");
    AppendJsonString(out, m.domains[a.domain]);
    out.append(",\"verification\":\"");
    out.append(VerificationName(a.verification));
    out.append("\",\"tier\":\"");
    out.append(TierName(a.tier));
    out.append("\",\"country\":\"");
    out.append(kCountries[a.country].code);
    out.append("\"}\n");
  }
}

void Generator::WriteLabels(std::string& out) const {
  const Impl& m = *impl_;
  for (const Account& a : m.accounts) {
    JsonWriter w(out);
    std::string id = "acct_";
    AppendHex(id, a.key, 12);
    w.BeginObject().Key("user.id").String(id);
    if (a.src == Src::kCampaign) {
      const CampaignSpec& c = m.sc.campaigns[a.spec];
      w.Key("label").String("attack").Key("persona").String(CampaignKindName(c.kind));
      w.Key("campaign").String(c.id);
    } else {
      w.Key("label").String("benign").Key("persona").String(m.sc.personas[a.spec].name);
      w.Key("campaign").Null();
    }
    w.Key("requests").Int(static_cast<int64_t>(a.requests));
    if (a.requests) {
      w.Key("first_seen").String(FormatRfc3339(a.first_seen));
      w.Key("last_seen").String(FormatRfc3339(a.last_seen));
    } else {
      w.Key("first_seen").Null().Key("last_seen").Null();
    }
    w.EndObject();
    out.push_back('\n');
  }
}

const SimStats& Generator::stats() const { return impl_->stats; }

Status Generator::Run(const Sink& sink) {
  Impl& m = *impl_;
  std::vector<Pending> day_events;
  constexpr size_t kBlock = 2048;
  const int workers = m.threads;
  const size_t window = static_cast<size_t>(workers) * 8;
  std::vector<std::string> buffers(window);
  for (uint32_t day = 0; day < m.sc.days; ++day) {
    m.ScheduleDay(day, day_events);
    // Duplicated deliveries: the same request logged twice, right after itself.
    if (m.sc.duplicate_rate > 0) {
      Rng r(MixSeed(m.seed, 0xd0bu, day));
      std::vector<Pending> with_dups;
      with_dups.reserve(day_events.size() + day_events.size() / 100);
      for (const Pending& p : day_events) {
        with_dups.push_back(p);
        if (r.Chance(m.sc.duplicate_rate)) {
          with_dups.push_back(p);
          with_dups.back().flags |= kFlagDuplicate;
        }
      }
      day_events.swap(with_dups);
    }
    for (const Pending& p : day_events) {
      if (p.flags & kFlagDuplicate) {
        ++m.stats.duplicates;
        continue;
      }
      Account& a = m.accounts[p.account];
      ++a.requests;
      a.first_seen = std::min(a.first_seen, p.time);
      a.last_seen = std::max(a.last_seen, p.time);
      if (a.src == Src::kCampaign) ++m.stats.attack_events;
    }
    // Render blocks on worker threads, a window at a time, and hand them to
    // the sink in order. Window buffers are reused, so memory stays at a few
    // blocks per worker.
    const size_t blocks = (day_events.size() + kBlock - 1) / kBlock;
    for (size_t w0 = 0; w0 < blocks; w0 += window) {
      const size_t w1 = std::min(blocks, w0 + window);
      std::atomic<size_t> next{w0};
      auto render = [&] {
        std::string scratch;
        for (size_t b; (b = next.fetch_add(1)) < w1;) {
          std::string& out = buffers[b - w0];
          out.clear();
          const size_t end = std::min(day_events.size(), (b + 1) * kBlock);
          for (size_t i = b * kBlock; i < end; ++i) m.Render(day_events[i], out, scratch);
        }
      };
      std::vector<std::thread> pool;
      for (int t = 1; t < workers; ++t) pool.emplace_back(render);
      render();
      for (auto& t : pool) t.join();
      for (size_t b = w0; b < w1; ++b) {
        m.stats.bytes += buffers[b - w0].size();
        Status s = sink(buffers[b - w0]);
        if (!s.ok()) return s;
      }
    }
    m.stats.events += day_events.size();
  }
  return Status::Ok();
}

}  // namespace hw::sim
