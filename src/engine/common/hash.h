#pragma once

#include <cstdint>
#include <string_view>

#include <xxhash.h>

namespace hw {

inline uint64_t Hash64(std::string_view s, uint64_t seed = 0) noexcept {
  return XXH3_64bits_withSeed(s.data(), s.size(), seed);
}

}  // namespace hw
