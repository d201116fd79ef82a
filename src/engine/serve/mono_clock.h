// The serving process's monotonic clock, for timeouts and latency metrics
// only: nothing here touches detection, which runs on event time.
#pragma once

#include <chrono>
#include <cstdint>

namespace hw::serve {

inline int64_t MonotonicNs() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace hw::serve
