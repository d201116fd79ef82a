#include "engine/common/time.h"

#include <gtest/gtest.h>

namespace hw {
namespace {

TEST(Rfc3339, ParsesZuluAndOffsets) {
  auto t = ParseRfc3339("2026-04-22T00:00:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, int64_t{1776816000} * kUsPerSecond);
  auto t2 = ParseRfc3339("2026-04-22T02:00:00+02:00");
  ASSERT_TRUE(t2.has_value());
  EXPECT_EQ(*t2, *t);
  auto t3 = ParseRfc3339("2026-04-21T19:30:00.5-04:30");
  ASSERT_TRUE(t3.has_value());
  EXPECT_EQ(*t3, *t + kUsPerSecond / 2);
}

TEST(Rfc3339, TruncatesBeyondMicroseconds) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00.1234569Z"), 123456);
}

TEST(Rfc3339, RejectsMalformed) {
  for (const char* bad :
       {"", "2026-04-22", "2026-04-22T00:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-04-22T24:00:00Z", "2026-04-22T00:00:00.Z", "2026-04-22T00:00:00Zjunk",
        "2026-04-22T00:00:00+2:00", "2026-04-22X00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z").has_value());
}

TEST(Rfc3339, FormatRoundTrips) {
  for (TimeUs t :
       {TimeUs{0}, TimeUs{1776816000123456}, TimeUs{-1}, TimeUs{951782400} * kUsPerSecond}) {
    EXPECT_EQ(*ParseRfc3339(FormatRfc3339(t)), t) << FormatRfc3339(t);
  }
  EXPECT_EQ(FormatRfc3339(int64_t{1776816000} * kUsPerSecond), "2026-04-22T00:00:00Z");
  EXPECT_EQ(FormatDate(int64_t{1776816000} * kUsPerSecond), "2026-04-22");
}

}  // namespace
}  // namespace hw
