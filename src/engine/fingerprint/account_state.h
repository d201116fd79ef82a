// Per-account behaviour fingerprint over event time.
//
// Contract: bounded size (sketches, never raw lists), updated per event with
// no allocation, and mergeable: Merge(a, b) of the states built from two
// disjoint parts of an account's events equals (up to sketch error) the state
// built from all of them, whatever the order of events. This is what lets
// each stream shard keep its own states and a linker join their summaries.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/event.h"
#include "engine/common/hash.h"
#include "engine/common/heavy_hitters.h"
#include "engine/common/sketch.h"
#include "engine/common/time.h"
#include "engine/features/request_features.h"

namespace hw::fingerprint {

inline constexpr size_t kDayRing = 64;
inline constexpr size_t kMaxModels = 8;
inline constexpr uint32_t kMinTemplateChars = 100;
inline constexpr int64_t kSyncBucketUs = kUsPerMinute;         // fine synchrony buckets
inline constexpr int64_t kCoarseBucketUs = 15 * kUsPerMinute;  // coarse synchrony buckets

// What one request contributes to its account's state: the fields of an
// Event and its RequestFeatures that the fingerprint needs, with strings
// already reduced to hashes. Fixed size, no pointers, so that a worker can
// buffer a chunk's observations until it knows which are duplicates.
struct Observation {
  TimeUs time = 0;
  uint64_t response_id = 0;  // xxh3 of gen_ai.response.id; 0 when absent
  uint64_t address = 0;      // xxh3 of client.address; 0 when absent
  uint64_t subnet = 0;       // SubnetKey; 0 when absent or not an address
  uint64_t user_agent = 0;   // xxh3; 0 when absent
  uint64_t model = 0;        // xxh3; 0 when absent
  uint64_t tool_kit = 0;     // Event::tool_names_hash
  int64_t input_tokens = -1, output_tokens = -1, max_tokens = -1;
  double temperature = -1;
  int32_t status_code = 0;
  uint16_t messages = 0;
  uint16_t tool_definitions = 0;
  uint16_t tool_calls = 0;
  features::RequestFeatures features;
};

Observation Observe(const Event& ev, const features::RequestFeatures& f) noexcept;

// Observation::response_id of an id: never 0 for a present id, 0 for none.
inline uint64_t ResponseIdHash(std::string_view id) noexcept {
  return id.empty() ? 0 : Hash64(id) | 1;
}

struct ModelUse {
  uint64_t model = 0;  // xxh3 of the model name
  uint32_t count = 0;
  uint32_t reserved = 0;  // explicit padding, always 0 (see AccountState)
  TimeUs first = 0;
};

struct AccountState {
  uint64_t requests = 0;
  TimeUs first_time = INT64_MAX;
  TimeUs last_time = INT64_MIN;
  uint32_t throttled = 0;  // 429 answers
  uint32_t errors = 0;     // other >= 400 answers

  std::array<uint32_t, 24> hours{};  // UTC hour of day
  // Requests per event-time day; slot d % kDayRing holds day d for the
  // kDayRing days up to last_day.
  std::array<uint32_t, kDayRing> days{};
  int64_t last_day = INT64_MIN;

  // Content features count over the rule-scanned requests only (see
  // features::ContentSampler): shares divide by `scanned`, not `requests`.
  uint32_t scanned = 0;
  std::array<uint32_t, features::kMaxCategories> frames{};        // requests per frame category
  std::array<uint32_t, features::kMaxCategories> capabilities{};  // requests per primary capability
  // reserved*: explicit padding, always 0. The state is persisted by its
  // bytes (account_codec.h): no byte of it may be left indeterminate, or a
  // restored state would not encode as the one persisted.
  uint32_t reserved0 = 0;

  uint64_t input_tokens = 0, output_tokens = 0;
  uint32_t token_requests = 0;  // requests that reported both token counts
  // Integer sums, so that merging shards in any order gives identical state.
  uint32_t max_tokens_requests = 0;
  uint64_t max_tokens_sum = 0;    // capped at 1,000,000 per request
  uint64_t max_tokens_sumsq = 0;  // of max_tokens / 16, to stay in range
  uint32_t temperature_requests = 0;
  uint32_t reserved1 = 0;
  uint64_t temperature_sum = 0, temperature_sumsq = 0;  // in hundredths
  uint64_t messages = 0;
  uint32_t multi_turn = 0;     // requests with earlier turns
  uint32_t tool_requests = 0;  // requests carrying tool definitions
  uint64_t tool_calls = 0;
  uint32_t with_system = 0;
  uint32_t reserved2 = 0;
  uint64_t prompt_chars = 0;
  uint32_t templated = 0;  // requests whose prompt template was counted
  uint32_t framed = 0;     // requests with at least one frame category

  HyperLogLog<6> prompt_templates, addresses, subnets, user_agents;
  MinHash<32> template_sig;       // set of prompt templates used
  MinHash<64> minute_sig;         // set of active minutes
  HyperLogLog<8> active_minutes;  // how many distinct minutes
  MinHash<32> coarse_sig;         // set of active 15-minute buckets
  HeavyHitters<4> top_subnets;    // /24 or /48 keys
  HeavyHitters<2> top_agents;     // xxh3 of the user agent
  HeavyHitters<3> top_systems;    // system prompt templates
  HeavyHitters<2> top_tool_kits;  // Event::tool_names_hash
  HeavyHitters<4> top_templates;  // prompt templates

  std::array<ModelUse, kMaxModels> models{};

  // Requests offered to the content sampler so far: the sampler's
  // per-account request number (analyze counts duplicates here, its workers
  // sample before the in-order duplicate check; the online engine does not).
  uint64_t offered = 0;
  // Requests older than an earlier request of this account (input not in
  // time order for it); processed normally. Exact when one shard holds the
  // account, as analyze arranges; Merge sums the shards' counts.
  uint32_t out_of_order = 0;
  uint32_t reserved3 = 0;

  // Not part of the merge semantics: skips re-adding the same minute.
  int64_t last_minute = INT64_MIN;

  // Requests over which content shares are estimated; at least 1.
  double ScannedOr1() const noexcept { return scanned ? static_cast<double>(scanned) : 1.0; }
  // Scales a count over the scanned requests to an estimate over all requests.
  double ScanScale() const noexcept {
    return scanned ? static_cast<double>(requests) / static_cast<double>(scanned) : 0.0;
  }

  void Update(const Observation& ob) noexcept;
  void Merge(const AccountState& other) noexcept;

  // Requests on event-time day `day`, 0 when outside the ring.
  uint32_t DayCount(int64_t day) const noexcept;
};

// Key of the /24 (IPv4) or /48 (IPv6) network of an address literal; 0 when
// the text is not an address. Reversible: FormatSubnet gives the CIDR back.
uint64_t SubnetKey(std::string_view address) noexcept;
std::string FormatSubnet(uint64_t key);

}  // namespace hw::fingerprint
