#include "engine/decode/reject_log.h"

namespace hw::decode {

std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) noexcept {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  // Back off over continuation bytes (at most 3) to the start of the
  // character that would be cut.
  size_t back = 0;
  while (n > 0 && back < 3 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) {
    --n;
    ++back;
  }
  return s.substr(0, n);
}

void AppendRejectJson(std::string& out, std::string_view file, uint64_t line, RejectReason reason,
                      std::string_view message, std::string_view line_text) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("file").String(file);
  w.Key("line").Int(static_cast<int64_t>(line));
  w.Key("reason").String(RejectReasonCode(reason));
  w.Key("message").String(message);
  w.Key("excerpt").String(Utf8Prefix(line_text, kRejectExcerptBytes));
  w.EndObject();
  out.push_back('\n');
}

void DecodeStats::Add(const DecodeStats& o) noexcept {
  lines += o.lines;
  events += o.events;
  empty += o.empty;
  rejected += o.rejected;
  for (size_t i = 0; i < rejected_by_reason.size(); ++i) {
    rejected_by_reason[i] += o.rejected_by_reason[i];
  }
  duplicates += o.duplicates;
  out_of_order += o.out_of_order;
}

void DecodeStats::Append(const DecodeStats& later) noexcept {
  const bool had_time = has_time;
  const TimeUs last = last_time;
  Add(later);
  if (!later.has_time) return;
  if (had_time) {
    if (later.first_time < last) ++out_of_order;
  } else {
    has_time = true;
    first_time = later.first_time;
  }
  last_time = later.last_time;
}

void DecodeStats::WriteJson(JsonWriter& w) const {
  w.BeginObject();
  w.Key("lines").Int(static_cast<int64_t>(lines));
  w.Key("events").Int(static_cast<int64_t>(events));
  w.Key("empty").Int(static_cast<int64_t>(empty));
  w.Key("rejected").Int(static_cast<int64_t>(rejected));
  w.Key("rejected_by_reason").BeginObject();
  for (size_t i = 1; i < rejected_by_reason.size(); ++i) {
    if (rejected_by_reason[i] == 0) continue;
    w.Key(RejectReasonCode(static_cast<RejectReason>(i)))
        .Int(static_cast<int64_t>(rejected_by_reason[i]));
  }
  w.EndObject();
  w.Key("duplicates").Int(static_cast<int64_t>(duplicates));
  w.Key("out_of_order").Int(static_cast<int64_t>(out_of_order));
  w.EndObject();
}

}  // namespace hw::decode
