#include "engine/sim/generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/common/fast_format.h"
#include "engine/common/fast_normal.h"
#include "engine/common/hash.h"
#include "engine/common/json_writer.h"
#include "engine/common/rng.h"
#include "engine/common/time.h"
#include "engine/sim/grammar.h"

#if defined(__SSSE3__)
#include <tmmintrin.h>
#endif

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

// "2a0%x:%x:%x:%x::%x" of parts of h.
char* PutIpv6(char* p, uint64_t h) {
  *p++ = '2';
  *p++ = 'a';
  *p++ = '0';
  p = PutHex(p, h & 7);
  *p++ = ':';
  p = PutHex(p, (h >> 8) & 0xffff);
  *p++ = ':';
  p = PutHex(p, (h >> 24) & 0xffff);
  *p++ = ':';
  p = PutHex(p, (h >> 40) & 0xffff);
  *p++ = ':';
  *p++ = ':';
  return PutHex(p, (h >> 56) | 1);
}

template <size_t N>
char* PutLit(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
}
char* PutStr(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
// PutHexDigits(p, v, kDigits) for the ids of every line: all 16 digits at
// once (SSSE3), then the low kDigits of them. Writes 16 bytes.
template <int kDigits>
char* PutHexId(char* p, uint64_t v) {
  static_assert(kDigits > 0 && kDigits <= 16);
#if defined(__SSSE3__)
  // Bytes most significant first, each split into its two nibbles, each
  // nibble looked up as a digit.
  const __m128i bytes = _mm_cvtsi64_si128(static_cast<long long>(__builtin_bswap64(v)));
  const __m128i low4 = _mm_set1_epi8(0x0f);
  const __m128i nibbles =
      _mm_unpacklo_epi8(_mm_and_si128(_mm_srli_epi16(bytes, 4), low4), _mm_and_si128(bytes, low4));
  const __m128i digits = _mm_shuffle_epi8(
      _mm_setr_epi8('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'),
      nibbles);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm_srli_si128(digits, 16 - kDigits));
  return p + kDigits;
#else
  return PutHexDigits(p, v, kDigits);
#endif
}
// "%llu" of v (at most 20 bytes).
char* PutUint(char* p, uint64_t v) { return std::to_chars(p, p + 20, v).ptr; }

void AppendHex(std::string& out, uint64_t v, int digits) {
  char buf[16];
  out.append(buf, static_cast<size_t>(PutHexDigits(buf, v, digits) - buf));
}

// A block of output lines. Writes go through a raw pointer after one room
// check for a run of members (Room, then Advance); the storage only grows
// and is never cleared (std::string would zero-fill on every resize).
class OutBuf {
 public:
  void Clear() noexcept { used_ = 0; }
  std::string_view view() const noexcept { return {data_.get(), used_}; }
  size_t size() const noexcept { return used_; }
  // Where the next `n` bytes go; Advance() commits what was written there.
  char* Room(size_t n) {
    if (__builtin_expect(cap_ - used_ < n, 0)) Grow(n);
    return data_.get() + used_;
  }
  void Advance(const char* end) noexcept { used_ = static_cast<size_t>(end - data_.get()); }

 private:
  [[gnu::noinline]] void Grow(size_t n) {
    const size_t cap = std::max(cap_ * 2, used_ + n + 4096);
    std::unique_ptr<char[]> d(new char[cap]);
    if (used_ > 0) std::memcpy(d.get(), data_.get(), used_);
    data_ = std::move(d);
    cap_ = cap;
  }
  std::unique_ptr<char[]> data_;
  size_t cap_ = 0, used_ = 0;
};

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
  static const auto kCumulative = [] {
    std::array<double, 24> c{};
    double t = 0;
    for (int h = 0; h < 24; ++h) c[h] = (t += kHumanHours[h]);
    return c;
  }();
  const double u = r.Uniform() * kCumulative[23];
  int h = 0;
  while (h < 23 && u >= kCumulative[h]) ++h;
  return h * 3600 + static_cast<int64_t>(r.Below(3600));
}

// Sizes. Real requests carry long pastes, agents' system prompts, full tool
// schemas and whole histories; the log abbreviates them so that a line is
// 1-2 KB on average (what the detector has to read either way). Token counts
// (gen_ai.usage.input_tokens) are of the nominal, unabbreviated request.
constexpr double kBodyScale = 0.2;          // bodies (code, data, context) of the new user prompt
constexpr uint32_t kBodyCharsMax = 400;     // and their total at most
constexpr double kHistoryScale = 0.15;      // earlier turns: bodies, answers and tool results
constexpr uint32_t kHistoryChars = 60;      // earlier user turns: a line or two
constexpr uint32_t kHistoryBodyChars = 80;  // and their bodies at most
// A coding agent's system prompt is cut at the end of the last section that
// fits (a shorter prompt of the same product, identical on every request).
constexpr size_t kAgentPromptChars = 520;
// Tool kits are logged with names and descriptions, without parameter schemas.
constexpr ToolSchema kLoggedSchema = ToolSchema::kNone;
// Earlier turns are drawn from pools of this many pre-rendered turns per
// (language, capability), per kit for tool calls.
constexpr uint32_t kTurnPool = 256;

// The longest prefix of `text` that ends where a section ends ("\n\n") and
// fits `limit`; the whole text when it fits or has no such cut.
std::string_view CutAtSection(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  const size_t cut = text.rfind("\n\n", limit);
  return cut == std::string_view::npos || cut == 0 ? text : text.substr(0, cut);
}

void AppendSystemFragment(std::string& out, std::string_view text) {
  out.append("[{\"type\":\"text\",\"content\":");
  AppendJsonString(out, text);
  out.append("}]");
}

// Per-thread state of Render, reused from event to event.
struct RenderState {
  Rfc3339Formatter time;
};

// A pre-rendered earlier turn: a JSON value, and the characters of the
// unabbreviated turn (for token counts).
struct Turn {
  std::string json;
  size_t nominal = 0;
};

// Sorts events of one day by (time, seed), the order of the log: a stable
// LSD radix sort on the time within the day (3 passes of 13 bits cover
// 2^39 us > 1 day), then runs of equal times by seed.
void SortByTime(std::vector<Pending>& v, TimeUs day_start, std::vector<Pending>& tmp) {
  constexpr int kBits = 13, kPasses = 3;
  constexpr size_t kBuckets = size_t{1} << kBits;
  const auto key = [day_start](const Pending& p) {
    return static_cast<uint64_t>(p.time - day_start);
  };
  bool in_range = true;
  for (const Pending& p : v) in_range &= p.time >= day_start && key(p) >> (kBits * kPasses) == 0;
  if (!in_range) {
    std::sort(v.begin(), v.end(), [](const Pending& x, const Pending& y) {
      return x.time != y.time ? x.time < y.time : x.seed < y.seed;
    });
    return;
  }
  tmp.resize(v.size());
  std::vector<Pending>* from = &v;
  std::vector<Pending>* to = &tmp;
  std::vector<size_t> count(kBuckets + 1);
  for (int pass = 0; pass < kPasses; ++pass) {
    const int shift = pass * kBits;
    std::fill(count.begin(), count.end(), 0);
    for (const Pending& p : *from) ++count[((key(p) >> shift) & (kBuckets - 1)) + 1];
    for (size_t b = 1; b <= kBuckets; ++b) count[b] += count[b - 1];
    for (const Pending& p : *from) (*to)[count[(key(p) >> shift) & (kBuckets - 1)]++] = p;
    std::swap(from, to);
  }
  if (from != &v) v.swap(tmp);
  for (size_t i = 0; i < v.size();) {
    size_t j = i + 1;
    while (j < v.size() && v[j].time == v[i].time) ++j;
    if (j - i > 1) {
      std::sort(v.begin() + static_cast<std::ptrdiff_t>(i),
                v.begin() + static_cast<std::ptrdiff_t>(j),
                [](const Pending& x, const Pending& y) { return x.seed < y.seed; });
    }
    i = j;
  }
}

struct DayStats {
  uint64_t duplicates = 0, attack_events = 0;
};

}  // namespace

struct Generator::Impl {
  Scenario sc;
  uint64_t seed = 1;
  int threads = 2;
  std::vector<Account> accounts;
  std::vector<std::string> domains;
  std::vector<std::string> prompts;    // pre-rendered gen_ai.system_instructions values
  std::vector<size_t> prompt_nominal;  // their sizes uncut
  std::vector<std::string> kits;       // pre-rendered gen_ai.tool.definitions values
  std::vector<size_t> kit_nominal;     // their sizes with parameter descriptions
  std::vector<uint64_t> kit_seeds;
  // Earlier turns of conversations. The detector reads the last user message
  // and only counts the others, so the abbreviated history is drawn from pools
  // made once per run: [language][capability][kTurnPool] for user and
  // assistant text, [kTurnPool] for tool results, [kit][kTurnPool] for tool
  // calls ("name":...,"arguments":... members).
  std::vector<Turn> user_turns, answer_turns, tool_results, tool_calls;
  std::vector<std::string> ua_json;     // kUserAgents as JSON strings
  std::vector<std::string> model_json;  // sc.models, then sc.new_model, as JSON strings
  std::string temperature_json[11];     // temperature x10 (0..10) as JSON numbers
  std::vector<uint32_t> persona_first;  // first account index of each persona
  std::vector<CampaignState> campaigns;
  std::vector<uint32_t> vpn_exits;
  // ScheduleDay's and PrepareDay's (one day is prepared at a time); they
  // keep their capacity from day to day.
  std::vector<Pending> sort_scratch, dup_scratch;
  uint32_t first_app_prompt = 0, app_prompts = 0;
  uint32_t first_agent_prompt = 0, agent_products = 0;
  TimeUs release = kNever;
  // Room of Render's first members (time to conversation id): the longest
  // user agent and model name and under 512 bytes of the rest.
  size_t head_room = 512;
  SimStats stats;

  uint32_t AddPrompt(SystemKind kind, uint64_t s, Language lang) {
    std::string text;
    Rng r(s);
    WriteSystemPrompt(kind, s, lang, r, text);
    std::string frag;
    AppendSystemFragment(frag, text);
    prompt_nominal.push_back(frag.size());
    if (kind == SystemKind::kCodingAgent) {
      frag.clear();
      AppendSystemFragment(frag, CutAtSection(text, kAgentPromptChars));
    }
    prompts.push_back(std::move(frag));
    return static_cast<uint32_t>(prompts.size() - 1);
  }
  uint32_t AddKit(uint64_t s) {
    std::string json;
    WriteToolDefinitionsJson(s, json);
    kit_nominal.push_back(json.size());
    json.clear();
    WriteToolDefinitionsJson(s, json, kLoggedSchema);
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
  void SetupTurns();
  static size_t TurnIndex(Language l, Capability c) {
    return (static_cast<size_t>(l) * static_cast<size_t>(Capability::kCount) +
            static_cast<size_t>(c)) *
           kTurnPool;
  }
  void SetupPersona(uint32_t pi);
  void SetupCampaign(uint32_t ci);
  void ScheduleDay(uint32_t day, std::vector<Pending>& out);
  // ScheduleDay, duplicate deliveries and the accounts' request counts.
  void PrepareDay(uint32_t day, std::vector<Pending>& out, DayStats* ds);
  void SchedulePersonaAccount(uint32_t ai, uint32_t day, std::vector<Pending>& out);
  void ScheduleCampaign(uint32_t ci, uint32_t day, std::vector<Pending>& out);
  void Render(const Pending& ev, OutBuf& out, RenderState& st) const;
  void RenderMessages(const Pending& ev, const Account& a, const PromptSpec& spec, bool agentic,
                      Rng& r, OutBuf& out, RenderState& st, size_t* chars) const;
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
  for (const char* ua : kUserAgents) AppendJsonString(ua_json.emplace_back(), ua);
  for (const std::string& model : sc.models) AppendJsonString(model_json.emplace_back(), model);
  AppendJsonString(model_json.emplace_back(), sc.new_model);
  size_t longest_ua = 0, longest_model = 0;
  for (const std::string& j : ua_json) longest_ua = std::max(longest_ua, j.size());
  for (const std::string& j : model_json) longest_model = std::max(longest_model, j.size());
  head_room = 512 + longest_ua + longest_model;
  for (int t = 0; t <= 10; ++t) AppendJsonNumber(temperature_json[t], t / 10.0);
  for (uint32_t i = 0; i < std::size(kWebmail); ++i) AddDomain(kWebmail[i]);
  for (uint32_t i = 0; i < 40; ++i) vpn_exits.push_back(RandomPublicIpv4(MixSeed(seed, 0x7e9u, i)));
  for (uint32_t pi = 0; pi < sc.personas.size(); ++pi) SetupPersona(pi);
  for (uint32_t ci = 0; ci < sc.campaigns.size(); ++ci) SetupCampaign(ci);
  SetupTurns();
  for (size_t i = 0; i < accounts.size(); ++i) {
    accounts[i].key = MixSeed(seed, 0xacc7u, i);
  }
  (void)r;
}

void Generator::Impl::SetupTurns() {
  std::string text, name, args;
  for (size_t l = 0; l < static_cast<size_t>(Language::kCount); ++l) {
    for (size_t c = 0; c < static_cast<size_t>(Capability::kCount); ++c) {
      Rng r(MixSeed(seed, 0x7a57u, l * 16 + c));
      PromptSpec user;
      user.capability = static_cast<Capability>(c);
      user.language = static_cast<Language>(l);
      user.target_chars = kHistoryChars;
      user.body_scale = kHistoryScale;
      user.body_chars_max = kHistoryBodyChars;
      PromptSpec answer = user;
      answer.target_chars = 0;
      for (uint32_t k = 0; k < kTurnPool; ++k) {
        text.clear();
        Turn& u = user_turns.emplace_back();
        u.nominal = WriteUserPrompt(user, r, text);
        AppendJsonString(u.json, text);
        text.clear();
        Turn& a = answer_turns.emplace_back();
        a.nominal = WriteAssistantTurn(answer, r, text);
        AppendJsonString(a.json, text);
      }
    }
  }
  Rng r(MixSeed(seed, 0x7e5u));
  for (uint32_t k = 0; k < kTurnPool; ++k) {
    text.clear();
    Turn& t = tool_results.emplace_back();
    t.nominal = WriteToolResult(r, text, kHistoryScale);
    AppendJsonString(t.json, text);
  }
  for (const uint64_t kit_seed : kit_seeds) {
    Rng rk(MixSeed(seed, 0xca11u, kit_seed));
    for (uint32_t k = 0; k < kTurnPool; ++k) {
      name.clear();
      args.clear();
      WriteToolCall(kit_seed, rk, name, args);
      Turn& t = tool_calls.emplace_back();
      t.json = "\"name\":";
      AppendJsonString(t.json, name);
      t.json.append(",\"arguments\":");
      t.json.append(args);
      t.nominal = args.size();
    }
  }
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
    Group& grp = gs[g];
    grp.country = static_cast<uint8_t>(DrawCountry(r));
    grp.address = RandomPublicIpv4(r.Next());
    grp.created = sc.start - static_cast<TimeUs>(r.Uniform() * 600) * kUsPerDay;
    switch (p.kind) {
      case PersonaKind::kUniversityClass:
        grp.domain = AddDomain(MadeUpName(r.Next(), ".edu"));
        // A class signs up in the same week, some just before the log starts.
        grp.created =
            sc.start + static_cast<TimeUs>((r.Uniform() * (sc.days + 10.0) - 10) * kUsPerDay);
        break;
      case PersonaKind::kStartupTeam:
      case PersonaKind::kEnterpriseBatch:
      case PersonaKind::kEvalHarness:
        grp.org = r.Next() | 1;
        grp.payment = r.Next() | 1;
        grp.domain = AddDomain(MadeUpName(r.Next(), kTlds[r.Below(std::size(kTlds))]));
        if (p.kind == PersonaKind::kEnterpriseBatch) {
          grp.prompt = AddPrompt(SystemKind::kCompanyProduct, r.Next(), Language::kEnglish);
        } else if (p.kind == PersonaKind::kEvalHarness) {
          grp.prompt = AddPrompt(SystemKind::kGrader, r.Next(), Language::kEnglish);
        }
        if (p.kind == PersonaKind::kStartupTeam) {
          grp.created =
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
    const Group& grp = gs[g];
    a.group = p.group_size > 1 ? g : kNone32;
    a.tier = static_cast<uint8_t>(Draw(p.tiers, r));
    a.verification = static_cast<uint8_t>(Draw(p.verification, r));
    a.country = p.group_size > 1 ? grp.country : static_cast<uint8_t>(DrawCountry(r));
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
        a.system_prompt = grp.prompt;
        a.ua = kUaBatch;
        a.max_tokens = 512;
        a.temperature_x10 = 0;
        break;
      case PersonaKind::kEvalHarness:
        a.system_prompt = r.Chance(0.5) ? grp.prompt : kNone32;
        a.ua = kUaEval;
        a.max_tokens = 4096;
        a.temperature_x10 = 0;
        break;
      case PersonaKind::kUniversityClass:
        a.created = grp.created + static_cast<TimeUs>(r.Uniform() * 7 * kUsPerDay);
        a.address = grp.address;  // the campus NAT
        a.ipv6 = false;
        a.domain = r.Chance(0.9) ? grp.domain : a.domain;
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
    if (grp.org != 0) {
      a.org = grp.org;
      a.payment = grp.payment;  // the company card
      a.domain = grp.domain;
      a.address =
          RandomPublicIpv4((static_cast<uint64_t>(grp.address) & ~0xffULL) + r.Below(8) + 1);
      a.address = (grp.address & 0xffffff00u) | (a.address & 0xffu);  // the office /24
      a.ipv6 = false;
      if (p.kind == PersonaKind::kStartupTeam) {
        a.created = grp.created + static_cast<TimeUs>(r.Uniform() * 20 * kUsPerDay);
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
  SortByTime(out, sc.start + static_cast<TimeUs>(day) * kUsPerDay, sort_scratch);
}

void Generator::Impl::RenderMessages(const Pending& ev, const Account& a, const PromptSpec& spec,
                                     bool agentic, Rng& r, OutBuf& out, RenderState& st,
                                     size_t* chars) const {
  char* p = out.Room(32);
  out.Advance(PutLit(p, ",\"gen_ai.input.messages\":["));
  const uint16_t history = std::min<uint16_t>(ev.turn, 2);
  const size_t pool = TurnIndex(spec.language, spec.capability);
  // Each turn's room: its pre-rendered parts and under 256 bytes of members.
  for (uint16_t h = 0; h < history; ++h) {
    const Turn& user = user_turns[pool + r.Below(kTurnPool)];
    *chars += user.nominal;
    if (agentic && a.kit != kNone32) {
      const Turn& call = tool_calls[a.kit * kTurnPool + r.Below(kTurnPool)];
      const Turn& result = tool_results[r.Below(kTurnPool)];
      *chars += call.nominal + result.nominal;
      const uint64_t call_id = r.Next();
      p = out.Room(user.json.size() + call.json.size() + result.json.size() + 256);
      p = PutLit(p, "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":");
      p = PutLit(PutStr(p, user.json), "}]},");
      p = PutLit(p, "{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_");
      p = PutLit(PutHexId<12>(p, call_id), "\",");
      p = PutStr(p, call.json);
      p = PutLit(
          p, "}]},{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"call_");
      p = PutLit(PutHexId<12>(p, call_id), "\",\"result\":");
      out.Advance(PutLit(PutStr(p, result.json), "}]},"));
    } else {
      const Turn& answer = answer_turns[pool + r.Below(kTurnPool)];
      *chars += answer.nominal;
      p = out.Room(user.json.size() + answer.json.size() + 256);
      p = PutLit(p, "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":");
      p = PutLit(PutStr(p, user.json), "}]},");
      p = PutLit(p, "{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":");
      out.Advance(PutLit(PutStr(p, answer.json), "}]},"));
    }
  }
  size_t nominal = 0;
  const std::string_view prompt = WriteUserPromptView(spec, r, &nominal);
  *chars += nominal;
  p = out.Room(JsonStringMaxSize(prompt.size()) + kPromptJsonSlack + 64);
  p = PutLit(p, "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":");
  out.Advance(PutLit(WritePromptJson(p, prompt), "}]}]"));
}

void Generator::Impl::Render(const Pending& ev, OutBuf& out, RenderState& st) const {
  const Account& a = accounts[ev.account];
  Rng r(ev.seed);
  PromptSpec spec;
  spec.language = a.language;
  spec.body_scale = kBodyScale;
  spec.body_chars_max = kBodyCharsMax;
  bool agentic = false, tools = false;
  bool attack = false;
  // NOLINTNEXTLINE(bugprone-signed-char-misuse) a number, -1: not sent
  int temperature_x10 = a.temperature_x10;
  uint32_t system_prompt = a.system_prompt;
  uint32_t address = a.address;
  uint16_t ua = a.ua;
  uint64_t out_median = 350;
  const size_t new_model = sc.models.size();  // index into model_json
  size_t model = Draw(sc.model_mix, r);
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
    if (ev.time >= a.adoption && release != kNever && r.Chance(0.4)) model = new_model;
  } else {
    const CampaignSpec& c = sc.campaigns[a.spec];
    const CampaignState& cs = campaigns[a.spec];
    address = cs.proxies[r.Below(cs.proxies.size())];
    if (ev.flags & kFlagResold) {
      // A reseller's customer: an ordinary request passed through the network.
      spec.capability =
          static_cast<Capability>(r.Below(static_cast<uint64_t>(Capability::kCount) - 1));
      spec.frame = Frame::kNone;
      system_prompt = r.Chance(0.4) ? first_app_prompt + DrawPopular(r, app_prompts) : kNone32;
      temperature_x10 = r.Chance(0.5) ? -1 : 7;
    } else {
      attack = true;
      spec.capability = static_cast<Capability>(Draw(c.capabilities, r));
      spec.frame = static_cast<Frame>(Draw(c.frames, r));
      spec.template_seed = MixSeed(
          cs.hash, static_cast<uint64_t>(spec.capability) * 16 + static_cast<uint64_t>(spec.frame),
          r.Below(c.templates));
      spec.paraphrase = c.paraphrase;
      spec.target_chars = static_cast<uint32_t>(300 + r.Below(900));
      spec.language = Language::kEnglish;
      tools = r.Chance(c.tool_use);
      agentic = tools;
      out_median = 2400;
      if (ev.time >= cs.pivot && r.Chance(c.new_model_pivot)) model = new_model;
    }
  }
  // Members of bounded size (head_room), written through one pointer.
  char* p = out.Room(head_room);
  p = PutLit(p, "{\"time\":\"");
  p += st.time.Format(ev.time, p);
  p = PutHexId<12>(PutLit(p, "\",\"user.id\":\"acct_"), a.key);
  p = PutHexId<16>(PutLit(p, "\",\"gen_ai.response.id\":\"resp_"), MixSeed(seed, ev.seed));
  p = PutLit(p, "\",\"client.address\":\"");
  if (a.ipv6 && a.src == Src::kPersona && a.address != 0) {
    p = PutIpv6(p, MixSeed(seed, a.key));
  } else {
    p = PutIpv4(p, address != 0 ? address : RandomPublicIpv4(r.Next()));
  }
  p = PutLit(p, "\",\"user_agent.original\":");
  p = PutStr(p, ua_json[ua % kUaCount]);
  p = PutLit(p, ",\"gen_ai.operation.name\":\"chat\",\"gen_ai.request.model\":");
  p = PutStr(p, model_json[model]);
  if (a.max_tokens) p = PutUint(PutLit(p, ",\"gen_ai.request.max_tokens\":"), a.max_tokens);
  if (temperature_x10 >= 0) {
    p = PutLit(p, ",\"gen_ai.request.temperature\":");
    p = PutStr(p, temperature_json[std::min(temperature_x10, 10)]);
  }
  if (ev.conversation != 0 || agentic) {
    p = PutLit(p, ",\"gen_ai.conversation.id\":\"conv_");
    p = PutHexId<12>(p, MixSeed(a.key, ev.conversation ? ev.conversation : ev.seed));
    *p++ = '"';
  }
  out.Advance(p);
  size_t chars = 0;
  if (system_prompt != kNone32) {
    const std::string& text = prompts[system_prompt];
    p = out.Room(text.size() + 64);
    out.Advance(PutStr(PutLit(p, ",\"gen_ai.system_instructions\":"), text));
    chars += prompt_nominal[system_prompt];
  }
  Pending msg_ev = ev;
  if (attack && agentic) msg_ev.turn = static_cast<uint16_t>(r.Below(4));
  RenderMessages(msg_ev, a, spec, agentic, r, out, st, &chars);
  // The rest: the kit and under 256 bytes.
  const bool kit = tools && a.kit != kNone32;
  p = out.Room((kit ? kits[a.kit].size() : 0) + 256);
  if (kit) {
    p = PutStr(PutLit(p, ",\"gen_ai.tool.definitions\":"), kits[a.kit]);
    chars += kit_nominal[a.kit];
  }
  // Attack accounts run at full usage and hit rate limits.
  const double limited = attack ? 0.06 : 0.003;
  const bool throttled = r.Chance(limited);
  p = PutUint(PutLit(p, ",\"gen_ai.usage.input_tokens\":"), chars / 4 + 8);
  if (throttled) {
    out.Advance(
        PutLit(p, ",\"gen_ai.usage.output_tokens\":0,\"http.response.status_code\":429}\n"));
    return;
  }
  int64_t output =
      static_cast<int64_t>(FastLogNormal(r, static_cast<double>(out_median), attack ? 0.4 : 0.8));
  const int64_t cap = a.max_tokens ? a.max_tokens : 8192;
  const bool length = output >= cap;
  output = std::clamp<int64_t>(output, 1, cap);
  p = PutUint(PutLit(p, ",\"gen_ai.usage.output_tokens\":"), static_cast<uint64_t>(output));
  if (length) {
    p = PutLit(p, ",\"gen_ai.response.finish_reasons\":[\"length\"]");
  } else if (agentic && r.Chance(0.5)) {
    p = PutLit(p, ",\"gen_ai.response.finish_reasons\":[\"tool_calls\"]");
  } else {
    p = PutLit(p, ",\"gen_ai.response.finish_reasons\":[\"stop\"]");
  }
  out.Advance(PutLit(p, ",\"http.response.status_code\":200}\n"));
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

void Generator::Impl::PrepareDay(uint32_t day, std::vector<Pending>& out, DayStats* ds) {
  ScheduleDay(day, out);
  // Duplicated deliveries: the same request logged twice, right after itself.
  if (sc.duplicate_rate > 0) {
    Rng r(MixSeed(seed, 0xd0bu, day));
    std::vector<Pending>& with_dups = dup_scratch;
    with_dups.clear();
    with_dups.reserve(out.size() + out.size() / 100);
    for (const Pending& p : out) {
      with_dups.push_back(p);
      if (r.Chance(sc.duplicate_rate)) {
        with_dups.push_back(p);
        with_dups.back().flags |= kFlagDuplicate;
      }
    }
    out.swap(with_dups);
  }
  // Only these members of the accounts are written while other threads
  // render (and read the others).
  for (const Pending& p : out) {
    if (p.flags & kFlagDuplicate) {
      ++ds->duplicates;
      continue;
    }
    Account& a = accounts[p.account];
    ++a.requests;
    a.first_seen = std::min(a.first_seen, p.time);
    a.last_seen = std::max(a.last_seen, p.time);
    if (a.src == Src::kCampaign) ++ds->attack_events;
  }
}

// Pipeline: a helper thread prepares day d+1 while day d is rendered; the
// `threads` workers render blocks of a day into a ring of reused buffers and
// this thread hands finished blocks to the sink in order, so rendering goes on
// while the sink writes. Memory: two days of pending events and the ring.
Status Generator::Run(const Sink& sink) {
  Impl& m = *impl_;
  // Small blocks keep the ring of buffers in cache between the worker that
  // writes a block and the sink that reads it.
  constexpr size_t kBlock = 128;  // events per block
  const size_t workers = static_cast<size_t>(m.threads);
  const size_t ring = workers * 8;

  struct Slot {
    OutBuf buf;
    size_t block = SIZE_MAX;
    bool ready = false;
  };
  std::vector<Slot> slots(ring);
  std::mutex mu;
  std::condition_variable work_cv, ready_cv;
  // Guarded by mu. The sink thread sleeps until blocks [delivered, want] are
  // all ready (a few at a time, so that it is not woken for every block).
  const std::vector<Pending>* events = nullptr;
  size_t blocks = 0, next_block = 0, delivered = 0, want = 0;
  bool stop = false;
  constexpr size_t kBatch = 4;
  auto batch_ready = [&] {
    for (size_t b = delivered; b <= want; ++b) {
      const Slot& slot = slots[b % ring];
      if (!slot.ready || slot.block != b) return false;
    }
    return true;
  };

  auto work = [&] {
    RenderState st;
    std::unique_lock<std::mutex> lk(mu);
    for (;;) {
      work_cv.wait(lk,
                   [&] { return stop || (next_block < blocks && next_block < delivered + ring); });
      if (stop) return;
      const size_t b = next_block++;
      const std::vector<Pending>& evs = *events;
      Slot& slot = slots[b % ring];
      lk.unlock();
      slot.buf.Clear();
      const size_t end = std::min(evs.size(), (b + 1) * kBlock);
      for (size_t i = b * kBlock; i < end; ++i) {
        // The account of a later event: accounts are read in random order.
        if (i + 4 < end) __builtin_prefetch(&m.accounts[evs[i + 4].account]);
        m.Render(evs[i], slot.buf, st);
      }
      lk.lock();
      slot.block = b;
      slot.ready = true;
      if (b <= want && batch_ready()) ready_cv.notify_one();
    }
  };

  std::vector<Pending> today, tomorrow;
  DayStats today_stats, tomorrow_stats;
  std::thread preparer;
  std::vector<std::thread> pool;
  auto shutdown = [&] {
    {
      std::lock_guard<std::mutex> lk(mu);
      stop = true;
    }
    work_cv.notify_all();
    for (auto& t : pool) t.join();
    pool.clear();
    if (preparer.joinable()) preparer.join();
  };
  for (size_t t = 0; t < workers; ++t) pool.emplace_back(work);

  if (m.sc.days > 0) m.PrepareDay(0, today, &today_stats);
  for (uint32_t day = 0; day < m.sc.days; ++day) {
    if (day + 1 < m.sc.days) {
      tomorrow_stats = DayStats{};
      preparer = std::thread([&m, &tomorrow, &tomorrow_stats, day] {
        m.PrepareDay(day + 1, tomorrow, &tomorrow_stats);
      });
    }
    m.stats.duplicates += today_stats.duplicates;
    m.stats.attack_events += today_stats.attack_events;
    const size_t n = (today.size() + kBlock - 1) / kBlock;
    {
      std::lock_guard<std::mutex> lk(mu);
      events = &today;
      blocks = n;
      next_block = 0;
      delivered = 0;
      want = 0;
    }
    work_cv.notify_all();
    for (size_t b = 0; b < n; ++b) {
      Slot& slot = slots[b % ring];
      {
        std::unique_lock<std::mutex> lk(mu);
        if (!slot.ready || slot.block != b) {
          want = std::min(n, b + kBatch) - 1;
          ready_cv.wait(lk, batch_ready);
        }
      }
      m.stats.bytes += slot.buf.size();
      Status s = sink(slot.buf.view());
      if (!s.ok()) {
        shutdown();
        return s;
      }
      {
        std::lock_guard<std::mutex> lk(mu);
        slot.ready = false;
        delivered = b + 1;
      }
      work_cv.notify_all();
    }
    m.stats.events += today.size();
    if (preparer.joinable()) preparer.join();
    today.swap(tomorrow);
    today_stats = tomorrow_stats;
  }
  shutdown();
  return Status::Ok();
}

}  // namespace hw::sim
