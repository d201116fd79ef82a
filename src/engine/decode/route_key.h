// Finds which shard a raw log line belongs to without decoding it.
//
// The pipeline keeps every account in one worker shard, so that per-account
// order-dependent features (inter-arrival times, content sampling, unsorted
// time) see the account's requests in input order whatever the thread count.
// Routing must be cheap, since every worker looks at every line: this finds
// the bytes of the "user.id" string value by a substring search, not a parse.
// It is a hint only: an account whose id is written two ways (escapes) may
// land on two shards, whose states the table merge then joins; a line with no
// recognisable id goes to shard 0, where the decoder accepts or rejects it.
#pragma once

#include <cstdint>
#include <string_view>

namespace hw::decode {

// The raw (still escaped) bytes of the first `"user.id": "<value>"` member
// in `line`, or an empty view.
std::string_view RawUserId(std::string_view line) noexcept;

// A well-mixed 64-bit key of the line's account for shard choice: the hash of
// RawUserId, or 0 when there is none.
uint64_t RouteKey(std::string_view line) noexcept;
// The same key from RawUserId's result.
uint64_t RouteKeyOfId(std::string_view raw_id) noexcept;

}  // namespace hw::decode
