// Which requests get the rule-pack scan, the costliest per-request step.
//
// An account's first `full_requests` requests are all scanned, so that small,
// new and low-volume accounts are judged on all of their traffic. After that
// one request in 2^rate_shift is scanned, picked by a hash of the event time
// and the request's number within the account, so that a task rotation with
// a fixed period cannot align with the sample. Features built on the scan
// (frame and capability shares) divide by AccountState::scanned and stay
// unbiased; aggregate counts scale by requests / scanned. Everything else
// (volume, timing, templates, addresses, tokens) still sees every request.
//
// The decision depends only on the account's own request order, so it is the
// same whichever worker shard holds the account and however input is chunked.
#pragma once

#include <cstdint>

#include "engine/common/rng.h"
#include "engine/common/time.h"

namespace hw::features {

struct ContentSampler {
  uint32_t full_requests = 64;
  uint32_t rate_shift = 5;  // 0 scans every request

  // `nth`: 0-based number of the request within its account.
  bool ShouldScan(uint64_t nth, TimeUs time) const noexcept {
    if (rate_shift == 0 || nth < full_requests) return true;
    const uint64_t h = MixSeed(static_cast<uint64_t>(time), nth);
    return (h & ((uint64_t{1} << rate_shift) - 1)) == 0;
  }

  static ContentSampler ScanAll() noexcept { return ContentSampler{0, 0}; }
};

}  // namespace hw::features
