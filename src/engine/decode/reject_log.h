// Rejected lines (rejected.jsonl) and decode statistics. See docs/FORMAT.md,
// "Rejected lines".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/json_writer.h"
#include "engine/common/time.h"
#include "engine/decode/decoder.h"

namespace hw::decode {

// Bytes of the line kept in a reject record.
inline constexpr size_t kRejectExcerptBytes = 200;

// Appends one rejected.jsonl record and a '\n':
// {"file":...,"line":N,"reason":"<code>","message":"...","excerpt":"..."}.
// The excerpt is the first kRejectExcerptBytes bytes of `line_text`, cut at
// a UTF-8 character boundary; invalid UTF-8 becomes U+FFFD.
void AppendRejectJson(std::string& out, std::string_view file, uint64_t line, RejectReason reason,
                      std::string_view message, std::string_view line_text);

// The first at most `max_bytes` bytes of s, not cutting a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) noexcept;

// Counts for one file, or for a run of consecutive chunks of one file, or
// summed over files. Invariant: lines = empty + rejected + duplicates + events.
struct DecodeStats {
  uint64_t lines = 0;     // every line read, including empty and rejected ones
  uint64_t events = 0;    // decoded and not duplicates: the events passed on
  uint64_t empty = 0;     // blank lines, skipped silently
  uint64_t rejected = 0;  // sum of rejected_by_reason
  std::array<uint64_t, kRejectReasonCount> rejected_by_reason{};
  uint64_t duplicates = 0;  // decoded lines whose gen_ai.response.id was seen before
  // Decoded lines (duplicates included) whose time is earlier than the
  // previous decoded line's time in the same file. Such lines are processed
  // normally; the count only reports unsorted input.
  uint64_t out_of_order = 0;
  // Time of the first and last decoded line, for merging (valid when
  // has_time).
  bool has_time = false;
  TimeUs first_time = 0;
  TimeUs last_time = 0;

  void CountReject(RejectReason reason) noexcept {
    ++rejected;
    ++rejected_by_reason[static_cast<size_t>(reason)];
  }
  // Records the time of a decoded line, in file order.
  void CountTime(TimeUs t) noexcept {
    if (!has_time) {
      has_time = true;
      first_time = t;
    } else if (t < last_time) {
      ++out_of_order;
    }
    last_time = t;
  }
  // Merges the statistics of the lines that follow these in the same file
  // (chunks decoded in parallel, merged in chunk order): a first time
  // earlier than our last time counts one more out-of-order line.
  void Append(const DecodeStats& later) noexcept;
  // Adds the statistics of another file: no ordering between the two.
  void Add(const DecodeStats& other) noexcept;

  // {"lines":..,"events":..,"empty":..,"rejected":..,"rejected_by_reason":
  // {"<code>":n,...},"duplicates":..,"out_of_order":..}; reasons with a zero
  // count are left out.
  void WriteJson(JsonWriter& w) const;
};

}  // namespace hw::decode
