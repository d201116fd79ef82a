// Buffered output to a file or stdout, compressed by the file's extension
// (.gz with zlib, .zst with zstd, anything else plain).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/common/result.h"

namespace hw {

class OutputFile {
 public:
  // "-" is stdout (never compressed).
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path);
  virtual ~OutputFile() = default;
  virtual Status Write(std::string_view data) = 0;
  // Flushes and finishes the compressed stream; the file is complete only
  // after a successful Close.
  virtual Status Close() = 0;
  const std::string& path() const { return path_; }

 protected:
  explicit OutputFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes a whole file at once.
Status WriteFile(const std::string& path, std::string_view data);
// Creates a directory and its parents; ok when it exists.
Status MakeDirs(const std::string& path);

// Asks the kernel for a 1 MiB buffer when `fd` is a pipe (no-op otherwise,
// and when refused): `simulate --out - | analyze -` moves gigabytes, and the
// default 64 KiB buffer costs a context switch per 64 KiB.
void EnlargePipe(int fd) noexcept;

}  // namespace hw
