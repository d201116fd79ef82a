#include "engine/common/time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "engine/common/rng.h"

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

// The snprintf formatting FormatRfc3339 replaced, as the reference.
std::string SnprintfRfc3339(TimeUs t) {
  const int64_t secs = FloorDiv(t, kUsPerSecond);
  const int64_t us = t - secs * kUsPerSecond;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  // Civil date through the parser's inverse: DaysFromCivil is checked below.
  int64_t y = 1970 + FloorDiv(days * 400, 146097) - 1;
  while (DaysFromCivil(y + 1, 1, 1) <= days) ++y;
  while (DaysFromCivil(y, 1, 1) > days) --y;
  unsigned m = 1;
  while (m < 12 && DaysFromCivil(y, m + 1, 1) <= days) ++m;
  const unsigned d = static_cast<unsigned>(days - DaysFromCivil(y, m, 1) + 1);
  char buf[64];
  if (us != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                  static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                  static_cast<long long>(us));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                  static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
  }
  return buf;
}

TEST(Rfc3339, FormatMatchesSnprintfOverManyTimes) {
  Rng r(42);
  const TimeUs lo = *ParseRfc3339("0000-01-01T00:00:00Z");
  const TimeUs hi = *ParseRfc3339("9999-12-31T23:59:59.999999Z");
  for (int i = 0; i < 200000; ++i) {
    TimeUs t = lo + static_cast<TimeUs>(r.Below(static_cast<uint64_t>(hi - lo) + 1));
    if (i % 3 == 0) t -= t % kUsPerSecond;  // whole seconds: no fraction
    if (i % 7 == 0) t = t - t % kUsPerSecond + static_cast<TimeUs>(r.Below(10));  // tiny fractions
    char buf[32];
    const size_t n = FormatRfc3339(t, buf);
    ASSERT_EQ(std::string(buf, n), SnprintfRfc3339(t)) << t;
    ASSERT_EQ(*ParseRfc3339(std::string(buf, n)), t);
  }
  // Day, month, year and leap-day boundaries.
  for (const char* s : {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z",
                        "2000-02-29T23:59:59Z", "2024-02-29T12:00:00.5Z", "2100-03-01T00:00:00Z",
                        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"}) {
    const TimeUs t = *ParseRfc3339(s);
    for (TimeUs d : {TimeUs{-1}, TimeUs{0}, TimeUs{1}, -kUsPerSecond, kUsPerSecond}) {
      ASSERT_EQ(FormatRfc3339(t + d), SnprintfRfc3339(t + d)) << s << " " << d;
    }
  }
}

TEST(Rfc3339, YearsBeyondFourDigitsStillFormat) {
  const TimeUs t = *ParseRfc3339("9999-12-31T23:59:59Z") + 2 * kUsPerDay;
  EXPECT_EQ(FormatRfc3339(t), SnprintfRfc3339(t));
  EXPECT_EQ(FormatRfc3339(t + 5), SnprintfRfc3339(t + 5));
  const TimeUs before = *ParseRfc3339("0000-01-01T00:00:00Z") - kUsPerDay;
  EXPECT_EQ(FormatRfc3339(before), SnprintfRfc3339(before));
}

TEST(Rfc3339, FormatterReusesTheDateAndAgrees) {
  Rng r(7);
  Rfc3339Formatter f;
  TimeUs t = *ParseRfc3339("2026-04-21T22:00:00Z");
  for (int i = 0; i < 100000; ++i) {
    // Mostly forward in small steps (a log in time order), sometimes a jump
    // back or across days and years.
    if (i % 1000 == 999) {
      t -= static_cast<TimeUs>(r.Below(400)) * kUsPerDay;
    } else {
      t += static_cast<TimeUs>(r.Below(3 * kUsPerMinute));
    }
    char a[32], b[32];
    const size_t na = f.Format(t, a), nb = FormatRfc3339(t, b);
    ASSERT_EQ(std::string(a, na), std::string(b, nb)) << t;
  }
  char a[32];
  EXPECT_EQ(std::string(a, f.Format(-1, a)), "1969-12-31T23:59:59.999999Z");
}

TEST(Rfc3339, FormatDateMatchesSnprintf) {
  Rng r(3);
  for (int i = 0; i < 20000; ++i) {
    const TimeUs t = static_cast<TimeUs>(r.Below(uint64_t{4} << 50)) - (uint64_t{1} << 50);
    ASSERT_EQ(FormatDate(t), SnprintfRfc3339(t).substr(0, 10)) << t;
  }
}

}  // namespace
}  // namespace hw
