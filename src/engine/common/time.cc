#include "engine/common/time.h"

#include <cstdio>

namespace hw {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) noexcept {
  // Howard Hinnant's algorithm.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil CivilFromDays(int64_t z) noexcept {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) noexcept {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::optional<TimeUs> ParseRfc3339(std::string_view s) noexcept {
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return std::nullopt;
  const int mdays = kMonthDays[mo - 1] + (mo == 2 && IsLeap(y) ? 1 : 0);
  // Second 60 is a leap second; it is folded into the next second.
  if (d > mdays || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (size_t i = digits; i < 6; ++i) frac_us *= 10;
  }
  if (pos >= s.size()) return std::nullopt;
  int64_t offset_s = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  return secs * kUsPerSecond + frac_us;
}

size_t FormatRfc3339(TimeUs t, char* out) noexcept {
  const int64_t secs = FloorDiv(t, kUsPerSecond);
  const int64_t us = t - secs * kUsPerSecond;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  const Civil c = CivilFromDays(days);
  int n;
  if (us != 0) {
    n = std::snprintf(out, 28, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                      static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(sod / 3600),
                      static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                      static_cast<long long>(us));
  } else {
    n = std::snprintf(out, 28, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                      static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(sod / 3600),
                      static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
  }
  return n < 0 ? 0 : static_cast<size_t>(n);
}

std::string FormatRfc3339(TimeUs t) {
  char buf[32];
  return std::string(buf, FormatRfc3339(t, buf));
}

std::string FormatDate(TimeUs t) {
  const Civil c = CivilFromDays(FloorDiv(t, kUsPerDay));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

}  // namespace hw
