// Event time. Every stage works in event time (microseconds since the Unix
// epoch, UTC) so that replaying the same log gives the same answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hw {

using TimeUs = int64_t;
inline constexpr TimeUs kUsPerSecond = 1'000'000;
inline constexpr TimeUs kUsPerMinute = 60 * kUsPerSecond;
inline constexpr TimeUs kUsPerHour = 60 * kUsPerMinute;
inline constexpr TimeUs kUsPerDay = 24 * kUsPerHour;

// Parses RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)".
// 't' and ' ' are accepted for 'T', 'z' for 'Z'. Fractions beyond
// microseconds are truncated. Returns nullopt on any deviation.
std::optional<TimeUs> ParseRfc3339(std::string_view text) noexcept;

// Formats as "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; the fraction is written only
// when non-zero. `out` must hold 28 bytes; returns the length written (no
// terminating NUL). Years outside 0..9999 are written as printf's "%04lld"
// would (slower), cut to 28 bytes.
size_t FormatRfc3339(TimeUs t, char* out) noexcept;
std::string FormatRfc3339(TimeUs t);

// FormatRfc3339 for a stream of times that mostly fall on the same day (a
// log in time order): the date part of the last day is kept and reused.
// Same text as FormatRfc3339. Not thread-safe: one per thread.
class Rfc3339Formatter {
 public:
  size_t Format(TimeUs t, char* out) noexcept;

 private:
  int64_t day_ = INT64_MIN;
  char date_[11] = {};
};
// "YYYY-MM-DD".
std::string FormatDate(TimeUs t);
// "June 5, 2026": the day in words, for reports.
std::string FormatLongDate(TimeUs t);

// Days since 1970-01-01 for a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) noexcept;

inline int64_t FloorDiv(int64_t a, int64_t b) noexcept {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace hw
