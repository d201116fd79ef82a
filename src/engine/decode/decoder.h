// Decodes one line of log format v1 (docs/FORMAT.md) into an hw::Event.
//
// One Decoder per thread: it owns a simdjson parser and scratch buffers.
// Decode is the per-line hot path: no exceptions, no allocation once the
// buffers have grown to the longest line seen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/common/event.h"

namespace hw::decode {

// Why a line was rejected. The short codes (RejectReasonCode) are stable: they
// appear in rejected.jsonl and in statistics.
enum class RejectReason : uint8_t {
  kNone = 0,       // "ok": not rejected
  kInvalidJson,    // "invalid_json": not well-formed JSON, or content after the object
  kInvalidUtf8,    // "invalid_utf8"
  kNotObject,      // "not_object": well-formed JSON, but not an object
  kMissingTime,    // "missing_time"
  kBadTime,        // "bad_time": not an RFC 3339 date-time
  kMissingUserId,  // "missing_user_id"
  kWrongType,      // "wrong_type": a known key (or nested member) has the wrong JSON type
  kBadValue,       // "bad_value": right type, value out of range or not allowed
  kBadAddress,     // "bad_address": client.address is not an IPv4/IPv6 literal
  kDuplicateKey,   // "duplicate_key": a known key appears twice in one object
  kTooLong,        // "too_long": longer than the line limit
  kCount,
};
inline constexpr size_t kRejectReasonCount = static_cast<size_t>(RejectReason::kCount);

const char* RejectReasonCode(RejectReason reason) noexcept;

struct DecodeResult {
  RejectReason reason = RejectReason::kNone;
  // Names the key (with its path inside arrays) and the problem, e.g.
  // `"gen_ai.request.max_tokens": expected integer, got string`. Empty when
  // ok. Valid until the next Decode call on the same Decoder.
  std::string_view message;
  bool ok() const noexcept { return reason == RejectReason::kNone; }
};

struct DecoderOptions {
  // Lines longer than this are rejected as too_long (LineSource normally
  // skips them before they reach the decoder).
  size_t max_line_bytes = size_t{8} << 20;
  // Try simdjson's DOM parser first and walk its tape; only a line it
  // cannot take whole (any error, any unexpected type or value) and a line
  // over 1 MiB are decoded by the validating On Demand walk, which names the
  // problem. Both accept exactly the same lines with the same Event, so this
  // only trades speed; false (tests, fuzzing) always runs the validating walk.
  bool fast_path = true;
};

// True for a line holding only spaces, tabs and '\r' (or nothing). Blank
// lines are skipped and counted, not rejected; Decode rejects them as
// invalid_json.
bool IsBlankLine(std::string_view line) noexcept;

class Decoder {
 public:
  explicit Decoder(const DecoderOptions& options = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes one line (without its line break). Precondition: the kPadding
  // (64) bytes after line.end() are readable; their content does not matter.
  // Chunks from LineSource satisfy this for every line.
  //
  // On success, fills every field of *out; its string views point into
  // `line` or into this decoder's buffers, and are valid until the next
  // Decode call and while the line's buffer lives: copy or hash what must
  // outlive them. On rejection *out is unspecified.
  DecodeResult Decode(std::string_view line, Event* out) noexcept;

  // Same, for a line without the padding guarantee: copies it into an owned
  // buffer first (for tests, fuzzing and one-off lines, not the hot path).
  DecodeResult DecodeUnpadded(std::string_view line, Event* out) noexcept;

  // Lines the fast path handed to the validating walk (every rejected line,
  // lines over 1 MiB, and the few accepted ones the DOM parser refuses); 0
  // without the fast path.
  uint64_t fallbacks() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hw::decode
