#include "engine/fingerprint/account_state.h"

#include <gtest/gtest.h>

#include "engine/common/rng.h"
#include "engine/fingerprint/account_table.h"

namespace hw::fingerprint {
namespace {

Observation MakeObservation(Rng& r, TimeUs t) {
  Observation ob;
  ob.time = t;
  ob.address = 1 + r.Below(20);
  ob.subnet = (uint64_t{4} << 32) | (static_cast<uint32_t>(r.Below(3)) << 8);
  ob.user_agent = 100 + r.Below(2);
  ob.model = 7 + r.Below(2);
  ob.input_tokens = static_cast<int64_t>(r.Below(1000));
  ob.output_tokens = static_cast<int64_t>(r.Below(3000));
  ob.max_tokens = 4096;
  ob.temperature = 0.7;
  ob.status_code = r.Chance(0.05) ? 429 : 200;
  ob.messages = static_cast<uint16_t>(1 + r.Below(5));
  ob.features.prompt_template = 1 + r.Below(30);
  ob.features.prompt_chars = 200;
  ob.features.frame_bits = r.Chance(0.3) ? 1u : 0u;
  ob.features.primary_capability = static_cast<uint8_t>(r.Below(4));
  ob.features.scanned = r.Chance(0.5);
  if (!ob.features.scanned) {
    ob.features.frame_bits = 0;
    ob.features.primary_capability = features::kNoCategory;
  }
  return ob;
}

// Merging the states of two halves of a stream, split any way, gives the
// state of the whole stream: the property that lets shards hold accounts.
TEST(AccountState, MergeOfSplitStreamEqualsWholeStream) {
  Rng r(42);
  std::vector<Observation> obs;
  TimeUs t = int64_t{1776816000} * kUsPerSecond;
  for (int i = 0; i < 5000; ++i) {
    t += static_cast<TimeUs>(r.Exponential(600)) * kUsPerSecond;
    obs.push_back(MakeObservation(r, t));
  }
  AccountState whole, left, right;
  for (const auto& ob : obs) whole.Update(ob);
  for (size_t i = 0; i < obs.size(); ++i) (r.Chance(0.5) ? left : right).Update(obs[i]);
  left.Merge(right);
  EXPECT_EQ(left.requests, whole.requests);
  EXPECT_EQ(left.first_time, whole.first_time);
  EXPECT_EQ(left.last_time, whole.last_time);
  EXPECT_EQ(left.throttled, whole.throttled);
  EXPECT_EQ(left.hours, whole.hours);
  EXPECT_EQ(left.days, whole.days);
  EXPECT_EQ(left.last_day, whole.last_day);
  EXPECT_EQ(left.scanned, whole.scanned);
  EXPECT_EQ(left.frames, whole.frames);
  EXPECT_EQ(left.capabilities, whole.capabilities);
  EXPECT_EQ(left.input_tokens, whole.input_tokens);
  EXPECT_EQ(left.max_tokens_sum, whole.max_tokens_sum);
  EXPECT_EQ(left.temperature_sum, whole.temperature_sum);
  EXPECT_EQ(left.template_sig.values(), whole.template_sig.values());
  EXPECT_EQ(left.minute_sig.values(), whole.minute_sig.values());
  EXPECT_EQ(left.prompt_templates.Estimate(), whole.prompt_templates.Estimate());
  for (size_t i = 0; i < kMaxModels; ++i) {
    uint32_t whole_count = 0;
    for (const auto& m : whole.models) {
      if (m.count && m.model == left.models[i].model) whole_count = m.count;
    }
    if (left.models[i].count) {
      EXPECT_EQ(left.models[i].count, whole_count);
    }
  }
}

// The template signature holds every template seen, whether a repeat is
// still among the top templates (its MinHash add is skipped) or has been
// pushed out of them (added again), also after merging another state.
TEST(AccountState, TemplateSignatureHoldsEveryTemplate) {
  Rng r(7);
  AccountState s, other;
  MinHash<32> expected;
  TimeUs t = int64_t{1776816000} * kUsPerSecond;
  for (int i = 0; i < 3000; ++i) {
    Observation ob;
    ob.time = t += kUsPerSecond;
    // A few heavy templates and a long tail that churns the top four.
    ob.features.prompt_template = r.Chance(0.5) ? 1 + r.Below(3) : 100 + r.Below(400);
    ob.features.prompt_chars = kMinTemplateChars;
    expected.Add(ob.features.prompt_template);
    (i % 3 == 0 ? other : s).Update(ob);
    if (i == 2000) s.Merge(other);
  }
  s.Merge(other);
  EXPECT_EQ(s.template_sig.values(), expected.values());
}

// Content counters cover the scanned requests only, and the shares built on
// them divide by `scanned`; unsorted time is counted per account.
TEST(AccountState, ContentCountsOnlyScannedRequests) {
  AccountState s;
  Observation ob;
  ob.time = 1000;
  ob.features.frame_bits = 1;
  ob.features.primary_capability = 2;
  s.Update(ob);
  ob.time = 500;  // earlier than the account's previous request
  ob.features.scanned = false;
  ob.features.frame_bits = 0;
  ob.features.primary_capability = features::kNoCategory;
  for (int i = 0; i < 3; ++i) s.Update(ob);
  EXPECT_EQ(s.requests, 4u);
  EXPECT_EQ(s.scanned, 1u);
  EXPECT_EQ(s.frames[0], 1u);
  EXPECT_EQ(s.capabilities[2], 1u);
  EXPECT_EQ(s.out_of_order, 3u);
  EXPECT_DOUBLE_EQ(s.frames[0] / s.ScannedOr1(), 1.0);
  EXPECT_DOUBLE_EQ(s.ScanScale(), 4.0);
  EXPECT_DOUBLE_EQ(AccountState().ScannedOr1(), 1.0);
  EXPECT_DOUBLE_EQ(AccountState().ScanScale(), 0.0);
}

TEST(AccountState, DayRingKeepsTheLast64Days) {
  AccountState s;
  Observation ob;
  for (int d = 0; d < 100; ++d) {
    ob.time = d * kUsPerDay + kUsPerHour;
    s.Update(ob);
    if (d % 2 == 0) s.Update(ob);
  }
  EXPECT_EQ(s.DayCount(99), 1u);
  EXPECT_EQ(s.DayCount(98), 2u);
  EXPECT_EQ(s.DayCount(36), 2u);
  EXPECT_EQ(s.DayCount(35), 0u);  // fell out of the ring
  EXPECT_EQ(s.DayCount(100), 0u);
}

TEST(SubnetKey, IsReversible) {
  EXPECT_EQ(FormatSubnet(SubnetKey("203.0.113.77")), "203.0.113.0/24");
  EXPECT_EQ(SubnetKey("203.0.113.1"), SubnetKey("203.0.113.254"));
  EXPECT_NE(SubnetKey("203.0.113.1"), SubnetKey("203.0.114.1"));
  EXPECT_EQ(FormatSubnet(SubnetKey("2001:db8:abcd:12::1")), "2001:db8:abcd::/48");
  EXPECT_EQ(SubnetKey("not an address"), 0u);
  EXPECT_EQ(SubnetKey(""), 0u);
}

TEST(AccountTable, MergeJoinsById) {
  AccountTable a, b;
  Observation ob;
  ob.time = kUsPerDay;
  a.Get("alice").Update(ob);
  b.Get("alice").Update(ob);
  b.Get("bob").Update(ob);
  a.Merge(b);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a.state(static_cast<size_t>(a.Find("alice"))).requests, 2u);
  EXPECT_EQ(a.state(static_cast<size_t>(a.Find("bob"))).requests, 1u);
  EXPECT_EQ(a.Find("carol"), -1);
}

}  // namespace
}  // namespace hw::fingerprint
