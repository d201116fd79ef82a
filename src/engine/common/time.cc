#include "engine/common/time.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

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

namespace {

struct Digits2 {
  char v[200];
  constexpr Digits2() : v() {
    for (int i = 0; i < 100; ++i) {
      v[2 * i] = static_cast<char>('0' + i / 10);
      v[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
  }
};
constexpr Digits2 kDigits2;

inline void Put2(char* p, unsigned v) noexcept {
  p[0] = kDigits2.v[2 * v];
  p[1] = kDigits2.v[2 * v + 1];
}

// "YYYY-MM-DDT" for years 0..9999; false otherwise.
bool FormatDatePrefix(int64_t days, char* out) noexcept {
  const Civil c = CivilFromDays(days);
  if (c.y < 0 || c.y > 9999) return false;
  const unsigned y = static_cast<unsigned>(c.y);
  Put2(out, y / 100);
  Put2(out + 2, y % 100);
  out[4] = '-';
  Put2(out + 5, c.m);
  out[7] = '-';
  Put2(out + 8, c.d);
  out[10] = 'T';
  return true;
}

// "HH:MM:SS[.ffffff]Z" after the date prefix; returns the full length.
size_t FormatTimeOfDay(int64_t sod, int64_t us, char* out) noexcept {
  const unsigned s = static_cast<unsigned>(sod);
  Put2(out + 11, s / 3600);
  out[13] = ':';
  Put2(out + 14, s / 60 % 60);
  out[16] = ':';
  Put2(out + 17, s % 60);
  if (us == 0) {
    out[19] = 'Z';
    return 20;
  }
  const unsigned u = static_cast<unsigned>(us);
  out[19] = '.';
  Put2(out + 20, u / 10000);
  Put2(out + 22, u / 100 % 100);
  Put2(out + 24, u % 100);
  out[26] = 'Z';
  return 27;
}

// The general case (years outside 0..9999), as printf writes it; cut to
// 28 bytes (years up to 99999 fit).
size_t FormatRfc3339Slow(TimeUs t, char* out) noexcept {
  const int64_t secs = FloorDiv(t, kUsPerSecond);
  const int64_t us = t - secs * kUsPerSecond;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  const Civil c = CivilFromDays(days);
  char buf[64];
  int n;
  if (us != 0) {
    n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                      static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(sod / 3600),
                      static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                      static_cast<long long>(us));
  } else {
    n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                      static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(sod / 3600),
                      static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
  }
  const size_t len = n < 0 ? 0 : std::min<size_t>(static_cast<size_t>(n), 28);
  std::memcpy(out, buf, len);
  return len;
}

}  // namespace

size_t FormatRfc3339(TimeUs t, char* out) noexcept {
  const int64_t secs = FloorDiv(t, kUsPerSecond);
  const int64_t us = t - secs * kUsPerSecond;
  const int64_t days = FloorDiv(secs, 86400);
  if (!FormatDatePrefix(days, out)) return FormatRfc3339Slow(t, out);
  return FormatTimeOfDay(secs - days * 86400, us, out);
}

size_t Rfc3339Formatter::Format(TimeUs t, char* out) noexcept {
  const int64_t secs = FloorDiv(t, kUsPerSecond);
  const int64_t us = t - secs * kUsPerSecond;
  const int64_t days = FloorDiv(secs, 86400);
  if (days != day_) {
    if (!FormatDatePrefix(days, date_)) return FormatRfc3339Slow(t, out);
    day_ = days;
  }
  std::memcpy(out, date_, sizeof date_);
  return FormatTimeOfDay(secs - days * 86400, us, out);
}

std::string FormatRfc3339(TimeUs t) {
  char buf[32];
  return std::string(buf, FormatRfc3339(t, buf));
}

std::string FormatDate(TimeUs t) {
  const int64_t days = FloorDiv(t, kUsPerDay);
  char buf[16];
  if (FormatDatePrefix(days, buf)) return std::string(buf, 10);
  const Civil c = CivilFromDays(days);
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  return buf;
}

std::string FormatLongDate(TimeUs t) {
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  const Civil c = CivilFromDays(FloorDiv(t, kUsPerDay));
  return std::string(kMonths[c.m - 1]) + " " + std::to_string(c.d) + ", " + std::to_string(c.y);
}

}  // namespace hw
