#include "engine/fingerprint/account_state.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "engine/common/hash.h"
#include "engine/common/ipv4.h"
#include "engine/common/rng.h"

namespace hw::fingerprint {

uint64_t SubnetKey(std::string_view address) noexcept {
  if (uint32_t host = 0; ParsePlainIpv4(address, &host)) {
    return (uint64_t{4} << 32) | (host & 0xffffff00u);
  }
  char buf[64];
  if (address.empty() || address.size() >= sizeof buf) return 0;
  std::memcpy(buf, address.data(), address.size());
  buf[address.size()] = '\0';
  if (address.find(':') == std::string_view::npos) {
    in_addr a4;
    if (inet_pton(AF_INET, buf, &a4) != 1) return 0;
    const uint32_t host = ntohl(a4.s_addr);
    return (uint64_t{4} << 32) | (host & 0xffffff00u);
  }
  in6_addr a6;
  if (inet_pton(AF_INET6, buf, &a6) != 1) return 0;
  uint64_t prefix = 0;
  for (int i = 0; i < 6; ++i) prefix = (prefix << 8) | a6.s6_addr[i];
  return (uint64_t{6} << 48) | prefix;
}

namespace {

// The time signatures' mixes depend on the time bucket alone, which every
// account active in it shares, and events come nearly in time order: each
// thread keeps the last bucket's mixes (the same values Add would compute).
template <typename Sketch>
struct BucketMixes {
  int64_t bucket = INT64_MIN;
  typename Sketch::Mixes mixes{};

  const typename Sketch::Mixes& Of(int64_t b) noexcept {
    if (b != bucket) {
      bucket = b;
      Sketch::MixesOf(static_cast<uint64_t>(b), &mixes);
    }
    return mixes;
  }
};

using MinuteSig = decltype(AccountState::minute_sig);
using CoarseSig = decltype(AccountState::coarse_sig);

const MinuteSig::Mixes& MinuteMixes(int64_t minute) noexcept {
  thread_local BucketMixes<MinuteSig> cache;
  return cache.Of(minute);
}

const CoarseSig::Mixes& CoarseMixes(int64_t bucket) noexcept {
  thread_local BucketMixes<CoarseSig> cache;
  return cache.Of(bucket);
}

}  // namespace

Observation Observe(const Event& ev, const features::RequestFeatures& f) noexcept {
  Observation ob;
  ob.time = ev.time;
  ob.response_id = ResponseIdHash(ev.response_id);
  if (!ev.client_address.empty()) {
    ob.address = Hash64(ev.client_address) | 1;
    ob.subnet = SubnetKey(ev.client_address);
  }
  ob.user_agent = ev.user_agent.empty() ? 0 : Hash64(ev.user_agent) | 1;
  ob.model = ev.model.empty() ? 0 : Hash64(ev.model) | 1;
  ob.tool_kit = ev.tool_definitions > 0 ? ev.tool_names_hash : 0;
  ob.input_tokens = ev.input_tokens;
  ob.output_tokens = ev.output_tokens;
  ob.max_tokens = ev.max_tokens;
  ob.temperature = ev.temperature;
  ob.status_code = ev.status_code;
  ob.messages = ev.messages;
  ob.tool_definitions = ev.tool_definitions;
  ob.tool_calls = ev.tool_calls;
  ob.features = f;
  return ob;
}

void AccountState::Update(const Observation& ob) noexcept {
  const features::RequestFeatures& f = ob.features;
  ++requests;
  if (ob.time < last_time) ++out_of_order;
  first_time = std::min(first_time, ob.time);
  last_time = std::max(last_time, ob.time);
  if (ob.status_code == 429) {
    ++throttled;
  } else if (ob.status_code >= 400) {
    ++errors;
  }
  const int64_t day = FloorDiv(ob.time, kUsPerDay);
  hours[static_cast<size_t>((ob.time - day * kUsPerDay) / kUsPerHour)]++;
  if (day > last_day) {
    if (last_day == INT64_MIN || day - last_day >= static_cast<int64_t>(kDayRing)) {
      days.fill(0);
    } else {
      for (int64_t d = last_day + 1; d <= day; ++d) days[static_cast<size_t>(d % kDayRing)] = 0;
    }
    last_day = day;
  }
  if (day > last_day - static_cast<int64_t>(kDayRing)) days[static_cast<size_t>(day % kDayRing)]++;

  if (f.scanned) {
    ++scanned;
    for (uint32_t bits = f.frame_bits; bits; bits &= bits - 1) frames[std::countr_zero(bits)]++;
    if (f.frame_bits) ++framed;
    if (f.primary_capability < features::kMaxCategories) capabilities[f.primary_capability]++;
  }

  if (ob.input_tokens >= 0 && ob.output_tokens >= 0) {
    input_tokens += static_cast<uint64_t>(ob.input_tokens);
    output_tokens += static_cast<uint64_t>(ob.output_tokens);
    ++token_requests;
  }
  if (ob.max_tokens >= 0) {
    ++max_tokens_requests;
    const uint64_t m = static_cast<uint64_t>(std::min<int64_t>(ob.max_tokens, 1'000'000));
    max_tokens_sum += m;
    max_tokens_sumsq += (m / 16) * (m / 16);
  }
  if (ob.temperature >= 0) {
    ++temperature_requests;
    // Non-negative (checked above), so + 0.5 rounds as lround would.
    // NOLINTNEXTLINE(bugprone-incorrect-roundings)
    const auto t = static_cast<uint64_t>(std::min(ob.temperature, 100.0) * 100 + 0.5);
    temperature_sum += t;
    temperature_sumsq += t * t;
  }
  messages += ob.messages;
  if (ob.messages > 1) ++multi_turn;
  if (ob.tool_definitions > 0) {
    ++tool_requests;
    top_tool_kits.Add(ob.tool_kit);
  }
  tool_calls += ob.tool_calls;
  prompt_chars += f.prompt_chars;
  if (f.system_template != 0) {
    ++with_system;
    top_systems.Add(f.system_template);
  }
  // Very short prompts ("continue", "thanks") repeat across strangers: they
  // say nothing about shared templates.
  if (f.prompt_template != 0 && f.prompt_chars >= kMinTemplateChars) {
    ++templated;
    prompt_templates.Add(f.prompt_template);
    // A template among the top ones is in the signature already (whatever
    // puts a key there, Add or Merge, puts it in template_sig too), and
    // MinHash::Add is idempotent: skip its 32 hashes for repeats.
    if (!top_templates.Contains(f.prompt_template)) template_sig.Add(f.prompt_template);
    top_templates.Add(f.prompt_template);
  }
  if (ob.address) addresses.Add(ob.address);
  if (ob.subnet) {
    subnets.Add(ob.subnet);
    top_subnets.Add(ob.subnet);
  }
  if (ob.user_agent) {
    user_agents.Add(ob.user_agent);
    top_agents.Add(ob.user_agent);
  }
  const int64_t minute = FloorDiv(ob.time, kSyncBucketUs);
  if (minute != last_minute) {
    last_minute = minute;
    minute_sig.AddMixes(MinuteMixes(minute));
    active_minutes.Add(MixSeed(0x6d696e75746573ULL, static_cast<uint64_t>(minute)));
    coarse_sig.AddMixes(CoarseMixes(FloorDiv(ob.time, kCoarseBucketUs)));
  }
  if (ob.model) {
    size_t free_slot = kMaxModels;
    for (size_t i = 0; i < kMaxModels; ++i) {
      if (models[i].count && models[i].model == ob.model) {
        models[i].count++;
        models[i].first = std::min(models[i].first, ob.time);
        return;
      }
      if (!models[i].count && free_slot == kMaxModels) free_slot = i;
    }
    if (free_slot < kMaxModels) models[free_slot] = {ob.model, 1, 0, ob.time};
  }
}

std::string FormatSubnet(uint64_t key) {
  char buf[64];
  if ((key >> 48) == 6) {
    const uint64_t p = key & 0xffffffffffffULL;
    std::snprintf(buf, sizeof buf, "%x:%x:%x::/48", static_cast<unsigned>(p >> 32),
                  static_cast<unsigned>((p >> 16) & 0xffff), static_cast<unsigned>(p & 0xffff));
  } else {
    const auto a = static_cast<uint32_t>(key);
    std::snprintf(buf, sizeof buf, "%u.%u.%u.0/24", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff);
  }
  return buf;
}

uint32_t AccountState::DayCount(int64_t day) const noexcept {
  if (last_day == INT64_MIN || day > last_day || day <= last_day - static_cast<int64_t>(kDayRing))
    return 0;
  return days[static_cast<size_t>(day % kDayRing)];
}

void AccountState::Merge(const AccountState& o) noexcept {
  if (o.requests == 0) return;
  // Align day rings on the later last_day before adding.
  std::array<uint32_t, kDayRing> merged{};
  const int64_t last = std::max(last_day, o.last_day);
  for (int64_t d = last - static_cast<int64_t>(kDayRing) + 1; d <= last; ++d) {
    merged[static_cast<size_t>(((d % static_cast<int64_t>(kDayRing)) + kDayRing) % kDayRing)] =
        DayCount(d) + o.DayCount(d);
  }
  days = merged;
  last_day = last;

  requests += o.requests;
  scanned += o.scanned;
  offered += o.offered;
  out_of_order += o.out_of_order;
  first_time = std::min(first_time, o.first_time);
  last_time = std::max(last_time, o.last_time);
  throttled += o.throttled;
  errors += o.errors;
  for (size_t i = 0; i < 24; ++i) hours[i] += o.hours[i];
  for (size_t i = 0; i < features::kMaxCategories; ++i) {
    frames[i] += o.frames[i];
    capabilities[i] += o.capabilities[i];
  }
  input_tokens += o.input_tokens;
  output_tokens += o.output_tokens;
  token_requests += o.token_requests;
  max_tokens_requests += o.max_tokens_requests;
  max_tokens_sum += o.max_tokens_sum;
  max_tokens_sumsq += o.max_tokens_sumsq;
  temperature_requests += o.temperature_requests;
  temperature_sum += o.temperature_sum;
  temperature_sumsq += o.temperature_sumsq;
  messages += o.messages;
  multi_turn += o.multi_turn;
  tool_requests += o.tool_requests;
  tool_calls += o.tool_calls;
  with_system += o.with_system;
  prompt_chars += o.prompt_chars;
  templated += o.templated;
  framed += o.framed;
  prompt_templates.Merge(o.prompt_templates);
  addresses.Merge(o.addresses);
  subnets.Merge(o.subnets);
  user_agents.Merge(o.user_agents);
  template_sig.Merge(o.template_sig);
  minute_sig.Merge(o.minute_sig);
  active_minutes.Merge(o.active_minutes);
  coarse_sig.Merge(o.coarse_sig);
  top_subnets.Merge(o.top_subnets);
  top_agents.Merge(o.top_agents);
  top_systems.Merge(o.top_systems);
  top_tool_kits.Merge(o.top_tool_kits);
  top_templates.Merge(o.top_templates);
  for (const ModelUse& m : o.models) {
    if (!m.count) continue;
    bool found = false;
    for (ModelUse& mine : models) {
      if (mine.count && mine.model == m.model) {
        mine.count += m.count;
        mine.first = std::min(mine.first, m.first);
        found = true;
        break;
      }
    }
    if (!found) {
      auto slot = std::find_if(models.begin(), models.end(),
                               [](const ModelUse& x) { return x.count == 0; });
      if (slot != models.end()) *slot = m;
    }
  }
}

}  // namespace hw::fingerprint
