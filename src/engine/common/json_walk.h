// Helpers for readers of whole JSON documents with simdjson On Demand (the
// eval loader, the export's result reader): line numbers for error messages,
// and a walk that makes On Demand check the syntax of parts a reader skips.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hw {

// Line numbers (1-based) of positions in a buffer.
class JsonLineIndex {
 public:
  explicit JsonLineIndex(const simdjson::padded_string& text);
  uint64_t LineOf(const char* p) const;

 private:
  const char* data_;
  std::vector<size_t> newlines_;
};

// Reads `v` and everything inside it (depth at most 256). Never throws: a bad
// literal is an error code like any other.
simdjson::error_code WalkJson(simdjson::ondemand::value v, int depth = 0);

}  // namespace hw
