#include "engine/common/sketch.h"

#include <gtest/gtest.h>

#include "engine/common/heavy_hitters.h"

namespace hw {
namespace {

TEST(HeavyHitters, ContainsWhatIsCountedNow) {
  HeavyHitters<2> h;
  EXPECT_FALSE(h.Contains(0));
  h.Add(5);
  h.Add(6);
  EXPECT_TRUE(h.Contains(5));
  EXPECT_TRUE(h.Contains(6));
  EXPECT_FALSE(h.Contains(0));  // an empty slot's key is not counted
  h.Add(7);                     // decrements every count to 0: all are out
  EXPECT_FALSE(h.Contains(5));
  EXPECT_FALSE(h.Contains(7));
  HeavyHitters<2> o;
  o.Add(9, 3);
  h.Merge(o);
  EXPECT_TRUE(h.Contains(9));
}

TEST(MinHash, EstimatesJaccard) {
  MinHash<128> a, b;
  // |A| = |B| = 1000, |A & B| = 500: J = 500 / 1500.
  for (uint64_t i = 0; i < 1000; ++i) a.Add(i);
  for (uint64_t i = 500; i < 1500; ++i) b.Add(i);
  EXPECT_NEAR(a.Jaccard(b), 1.0 / 3, 0.1);
  MinHash<128> c;
  for (uint64_t i = 5000; i < 6000; ++i) c.Add(i);
  EXPECT_LT(a.Jaccard(c), 0.05);
  EXPECT_EQ(a.Jaccard(a), 1.0);
}

TEST(MinHash, MergeEqualsUnionPass) {
  MinHash<32> whole, left, right;
  for (uint64_t i = 0; i < 300; ++i) {
    whole.Add(i * 7919);
    (i % 2 ? left : right).Add(i * 7919);
  }
  left.Merge(right);
  EXPECT_EQ(left.values(), whole.values());
}

TEST(MinHash, AddingPremixedValuesEqualsAdding) {
  MinHash<64> added, premixed;
  MinHash<64>::Mixes m;
  for (uint64_t i = 0; i < 200; ++i) {
    const uint64_t v = 29'000'000 + i * 3;  // minute numbers
    added.Add(v);
    MinHash<64>::MixesOf(v, &m);
    premixed.AddMixes(m);
    ASSERT_EQ(premixed.values(), added.values()) << i;
  }
  EXPECT_FALSE(premixed.empty());
}

TEST(HyperLogLog, EstimatesWithinError) {
  for (uint64_t n : {10ULL, 1000ULL, 100000ULL}) {
    HyperLogLog<8> h;
    for (uint64_t i = 0; i < n; ++i) h.Add(i);
    EXPECT_NEAR(h.Estimate(), static_cast<double>(n), 0.15 * static_cast<double>(n) + 1) << n;
  }
}

TEST(HyperLogLog, MergeIsUnion) {
  HyperLogLog<8> a, b, u;
  for (uint64_t i = 0; i < 5000; ++i) {
    (i < 3000 ? a : b).Add(i);
    u.Add(i);
  }
  a.Merge(b);
  EXPECT_EQ(a.Estimate(), u.Estimate());
}

}  // namespace
}  // namespace hw
