// Helpers for readers of whole JSON documents with simdjson On Demand (the
// eval loader, the export's result reader): line numbers for error messages,
// and a walk that makes On Demand check the syntax of parts a reader skips.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"

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

// The state and error reporting of a whole-document On Demand reader (the
// export's campaigns.json reader, the partner-intelligence bundle reader):
// every error is a kParseError "PATH:LINE: reason" naming the line of the
// value it is about. `path` and `text` must outlive the reader.
class JsonDocReader {
 protected:
  JsonDocReader(const std::string& path, const simdjson::padded_string& text)
      : path_(path), text_(text), lines_(text) {}

  // The line of `v`, remembered for a later Syntax error.
  uint64_t Line(simdjson::ondemand::value& v) {
    last_line_ = lines_.LineOf(v.raw_json_token().data());
    return last_line_;
  }
  // "invalid JSON: ..." at the parser's position (else the last line read).
  Status Syntax(simdjson::error_code err);
  Status Bad(uint64_t line, const std::string& where, const std::string& reason) const;
  // A type mismatch is the file's fault in words ("expected WHAT"); anything
  // else is syntax.
  Status Expected(simdjson::error_code err, uint64_t line, const std::string& where,
                  const std::string& what);

  // The value of one element of a top-level array and its name in errors.
  using ElementFn =
      std::function<Status(simdjson::ondemand::value& element, const std::string& where)>;
  // Reads `v`, the value of the top-level key `key`, as an array of objects
  // and calls `fn` on each element in order with its name "key[i]"; stops at
  // the first error. `seen` is the key's flag, set here: a second occurrence
  // of the key is "key: duplicate key" on its line, anything but an array is
  // "key: expected an array of objects".
  Status ForEachElement(simdjson::ondemand::value& v, std::string_view key, bool& seen,
                        const ElementFn& fn);

  const std::string& path_;
  const simdjson::padded_string& text_;
  JsonLineIndex lines_;
  simdjson::ondemand::parser parser_;
  simdjson::ondemand::document doc_;
  uint64_t last_line_ = 1;
};

}  // namespace hw
