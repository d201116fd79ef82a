// Decodes every line of a chunk: the loop the pipeline runs per chunk.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string_view>

#include "engine/common/event.h"
#include "engine/decode/decoder.h"
#include "engine/decode/dedup.h"
#include "engine/decode/line_source.h"
#include "engine/decode/reject_log.h"

namespace hw::decode {

struct RejectedLine {
  uint64_t line = 0;
  RejectReason reason = RejectReason::kNone;
  std::string_view message;  // valid during the callback only
  std::string_view text;     // the line, or for too_long its first bytes
};

// Decodes the chunk's lines in order, adding to `stats` (which should cover
// only this chunk when chunks are decoded in parallel; merge them with
// DecodeStats::Append in chunk order). Calls
//   on_event(const Event&, uint64_t line)  for each decoded, non-duplicate line;
//   on_reject(const RejectedLine&)         for each rejected line, in line order
//                                          (a too-long line comes first, as it
//                                          precedes the chunk's data).
// The Event's views are valid during the callback and while the chunk lives
// (until the next line is decoded for those pointing into the decoder's
// scratch: copy or hash what must outlive the callback).
// `dedup` may be null (no duplicate detection here; see dedup.h about
// determinism when it is shared by threads).
template <typename OnEvent, typename OnReject>
void DecodeChunk(const Chunk& chunk, Decoder& decoder, DuplicateFilter* dedup, DecodeStats& stats,
                 OnEvent&& on_event, OnReject&& on_reject) {
  if (chunk.has_long_line()) {
    const LongLine& ll = chunk.long_line();
    ++stats.lines;
    stats.CountReject(RejectReason::kTooLong);
    char message[96];
    const int n = std::snprintf(message, sizeof message, "line too long: %llu bytes > %llu",
                                static_cast<unsigned long long>(ll.bytes),
                                static_cast<unsigned long long>(ll.limit));
    on_reject(RejectedLine{ll.line, RejectReason::kTooLong,
                           std::string_view(message, n > 0 ? static_cast<size_t>(n) : 0),
                           ll.excerpt});
  }
  Event event;
  ForEachLine(chunk, [&](uint64_t line_no, std::string_view line) {
    ++stats.lines;
    if (IsBlankLine(line)) {
      ++stats.empty;
      return;
    }
    const DecodeResult r = decoder.Decode(line, &event);
    if (!r.ok()) {
      stats.CountReject(r.reason);
      on_reject(RejectedLine{line_no, r.reason, r.message, line});
      return;
    }
    stats.CountTime(event.time);
    if (dedup != nullptr && dedup->SeenBefore(event.response_id)) {
      ++stats.duplicates;
      return;
    }
    ++stats.events;
    on_event(static_cast<const Event&>(event), line_no);
  });
}

}  // namespace hw::decode
