#include "engine/decode/dedup.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "engine/common/hash.h"

namespace hw::decode {
namespace {

std::string Id(int i) { return "resp_" + std::to_string(i); }

TEST(DuplicateFilter, DetectsRepeats) {
  DuplicateFilter f;
  EXPECT_FALSE(f.SeenBefore("a"));
  EXPECT_FALSE(f.SeenBefore("b"));
  EXPECT_TRUE(f.SeenBefore("a"));
  EXPECT_TRUE(f.SeenBefore("a"));
  EXPECT_TRUE(f.SeenBeforeHash(Hash64("b")));
  EXPECT_FALSE(f.SeenBefore(""));
  EXPECT_FALSE(f.SeenBefore(""));  // empty ids are never duplicates
  EXPECT_EQ(f.size(), 2u);
}

TEST(DuplicateFilter, WindowSurvivesRotationExactlyWithOneShard) {
  DuplicateFilterOptions options;
  options.capacity = 100;
  options.shards = 1;
  DuplicateFilter f(options);
  // For every position of the first delivery within a generation, a repeat
  // after `capacity` more distinct ids is still caught.
  for (int start = 0; start < 250; ++start) {
    DuplicateFilter g(options);
    for (int i = 0; i < start; ++i) ASSERT_FALSE(g.SeenBefore(Id(i)));
    ASSERT_FALSE(g.SeenBefore("target"));
    for (int i = 0; i < 100; ++i) ASSERT_FALSE(g.SeenBefore(Id(100000 + i)));
    EXPECT_TRUE(g.SeenBefore("target")) << start;
  }
  // Long after, the id is forgotten: memory stays bounded.
  EXPECT_FALSE(f.SeenBefore("old"));
  for (int i = 0; i < 1000; ++i) f.SeenBefore(Id(i));
  EXPECT_LE(f.size(), 200u);
  EXPECT_FALSE(f.SeenBefore("old"));
}

TEST(DuplicateFilter, TablesGrowWithoutLosingIds) {
  // 100,000 ids in one shard: the table starts at 4,096 buckets (28,672 ids)
  // and doubles twice, rehashing what it holds; then rotates exactly.
  DuplicateFilterOptions options;
  options.capacity = 100000;
  options.shards = 1;
  DuplicateFilter f(options);
  for (int i = 0; i < 100000; ++i) ASSERT_FALSE(f.SeenBefore(Id(i))) << i;
  EXPECT_EQ(f.size(), 100000u);
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(f.SeenBefore(Id(i))) << i;
  // The next new id rotates the full generation into the old one.
  EXPECT_FALSE(f.SeenBefore("new"));
  for (int i = 0; i < 100000; i += 7) ASSERT_TRUE(f.SeenBefore(Id(i))) << i;
  for (int i = 100000; i < 199999; ++i) ASSERT_FALSE(f.SeenBefore(Id(i))) << i;
  EXPECT_TRUE(f.SeenBefore(Id(5)));
  EXPECT_FALSE(f.SeenBefore(Id(300000)));  // rotates again: ids below 100,000 are gone
  EXPECT_FALSE(f.SeenBefore(Id(6)));
}

TEST(DuplicateFilter, ShardedWindowIsAboutTheCapacity) {
  DuplicateFilterOptions options;
  options.capacity = 16000;
  options.shards = 16;
  DuplicateFilter f(options);
  for (int i = 0; i < 8000; ++i) ASSERT_FALSE(f.SeenBefore(Id(i)));
  for (int i = 0; i < 8000; ++i) ASSERT_TRUE(f.SeenBefore(Id(i)));
  for (int i = 8000; i < 100000; ++i) f.SeenBefore(Id(i));
  EXPECT_LE(f.size(), 32000u);
  EXPECT_FALSE(f.SeenBefore(Id(0)));
}

TEST(DuplicateFilter, SharedByTwoThreads) {
  DuplicateFilter f;
  std::atomic<int> duplicates{0};
  auto work = [&] {
    for (int i = 0; i < 50000; ++i) duplicates += f.SeenBefore(Id(i)) ? 1 : 0;
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  // Each id is new for exactly one of the two threads.
  EXPECT_EQ(duplicates.load(), 50000);
  EXPECT_EQ(f.size(), 50000u);
}

}  // namespace
}  // namespace hw::decode
