// Reads a log file (plain, gzip or zstd, detected by magic bytes) as chunks of
// complete lines that can be parsed in place.
//
// Ownership and threading contract:
//  - A Chunk owns its buffer. LineSource::Next fills a Chunk the caller owns,
//    reusing the chunk's buffer when it is big enough, so a pipeline can keep
//    a pool of chunks: the reader thread fills a free chunk, hands it to a
//    worker, and the worker returns it to the pool after the last Event that
//    points into it has been consumed. Events decoded from a chunk's lines
//    may point into the chunk's buffer (see engine/common/event.h): do not
//    refill a chunk while such Events are alive.
//  - Chunks are independent: two threads may decode two chunks at the same
//    time. The LineSource itself is not thread-safe: one thread calls Next.
//  - Every line in a chunk is followed by at least kPadding readable bytes
//    (the rest of the chunk, then kPadding more: zero bytes after a buffer,
//    the file's next bytes in a mapping), which is what Decoder::Decode
//    requires; their content is unspecified.
//  - A plain regular file is mapped (LineSourceOptions::map_files): its
//    chunks view the mapping instead of a copy, and hold it alive, so a
//    chunk may outlive its LineSource. The lines that end within kPadding of
//    the file's end, and whatever the file grows by while it is read, are
//    read into buffers as from any other input. A file that shrinks while it
//    is read ends with an error at the next chunk; one that shrinks under a
//    chunk still in use faults (SIGBUS), as with any mapping: turn map_files
//    off for files that may be truncated during the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"

namespace hw::decode {

// Bytes that must be readable after a line handed to Decoder::Decode; equal
// to simdjson::SIMDJSON_PADDING (checked in decoder.cc).
inline constexpr size_t kPadding = 64;

// A line that was longer than LineSourceOptions::max_line_bytes. It was not
// buffered whole: only its first bytes are kept for the reject log.
struct LongLine {
  uint64_t line = 0;    // 1-based line number
  uint64_t bytes = 0;   // length without the '\n' (a '\r' before it counts)
  uint64_t limit = 0;   // LineSourceOptions::max_line_bytes
  std::string excerpt;  // up to kLongLineExcerpt first bytes
};
inline constexpr size_t kLongLineExcerpt = 200;

class FileMapping;

class Chunk {
 public:
  Chunk() = default;
  Chunk(Chunk&&) = default;
  Chunk& operator=(Chunk&&) = default;
  ~Chunk();

  // Complete lines: every line but possibly the last ends with '\n' (the last
  // line of a file may lack it). May be empty (e.g. a chunk holding only a
  // too-long line, or the call after the end).
  std::string_view data() const noexcept { return {data_, size_}; }
  // True when data() views a mapping of the input file, not the chunk's own
  // buffer.
  bool mapped() const noexcept { return mapping_ != nullptr; }
  // 1-based line number of the first line of data().
  uint64_t first_line() const noexcept { return first_line_; }
  // Number of lines in data() (a last line without '\n' counts).
  uint64_t line_count() const noexcept { return line_count_; }
  // End offset in data() of each line (at its '\n', or data().size() for a
  // last line without one), line_count() entries: the reader finds line
  // breaks once, so consumers need not search again.
  const std::vector<uint32_t>& line_ends() const noexcept { return line_ends_; }
  // A too-long line that came just before data() (its number is
  // first_line() - 1), if any. At most one per chunk.
  bool has_long_line() const noexcept { return has_long_line_; }
  const LongLine& long_line() const noexcept { return long_line_; }
  bool empty() const noexcept { return size_ == 0 && !has_long_line_; }
  size_t capacity() const noexcept { return capacity_; }

 private:
  friend class LineSource;
  // Ensures capacity() >= bytes, keeping the first `keep` bytes.
  void Reserve(size_t bytes, size_t keep);
  // Stops viewing a mapping, letting its pages go from this process.
  void Unmap() noexcept;
  struct Free {
    void operator()(char* p) const noexcept;
  };
  std::unique_ptr<char[], Free> buf_;
  size_t capacity_ = 0;         // usable bytes, excluding the kPadding slack
  const char* data_ = nullptr;  // buf_, or into mapping_
  std::shared_ptr<const FileMapping> mapping_;
  size_t size_ = 0;
  uint64_t first_line_ = 1;
  uint64_t line_count_ = 0;
  std::vector<uint32_t> line_ends_;
  bool has_long_line_ = false;
  LongLine long_line_;
};

struct LineSourceOptions {
  // Target bytes per chunk. A chunk's buffer grows past it only to hold one
  // line longer than it (up to max_line_bytes + 1) or the bytes carried over
  // after a too-long line; grown buffers are kept when a chunk is reused.
  size_t chunk_bytes = size_t{16} << 20;
  // Longest line accepted (without its '\n'); longer lines are skipped and
  // reported as LongLine.
  size_t max_line_bytes = size_t{8} << 20;
  // Size of each read from the file (compressed input).
  size_t read_bytes = size_t{1} << 20;
  // Map plain regular files instead of reading them (see the contract
  // above): saves the copy of every byte from the page cache.
  bool map_files = true;
};

enum class Compression : uint8_t { kNone, kGzip, kZstd };

class ByteReader;
class Decompressor;

class LineSource {
 public:
  // Opens `path` ("-" is stdin). Compression is detected from the first
  // bytes: 1f 8b is gzip (concatenated members are read in sequence), 28 b5
  // 2f fd is zstd (concatenated frames likewise), anything else is plain.
  static Result<std::unique_ptr<LineSource>> Open(const std::string& path,
                                                  const LineSourceOptions& options = {});
  // Reads from memory (for tests and fuzzing); `name` is used in messages.
  static Result<std::unique_ptr<LineSource>> FromMemory(std::string name, std::string data,
                                                        const LineSourceOptions& options = {});
  ~LineSource();

  // Fills `chunk` with the next complete lines (about chunk_bytes). eof()
  // becomes true with the call that returns the last lines; later calls
  // return ok with an empty chunk. On a read or decompression error, the
  // lines complete before the error are delivered first (ok), then the next
  // call returns the error, whose message names the file and the line
  // reached, and eof() becomes true. Typical loop:
  //   while (!src->eof()) {
  //     if (Status s = src->Next(&chunk); !s.ok()) { report(s); break; }
  //     hand chunk to a worker;
  //   }
  Status Next(Chunk* chunk);
  bool eof() const noexcept { return eof_; }

  const std::string& name() const noexcept { return name_; }
  Compression compression() const noexcept { return compression_; }
  // Number of the next line to be delivered.
  uint64_t next_line() const noexcept { return line_no_; }

 private:
  LineSource(std::string name, std::unique_ptr<ByteReader> reader,
             const LineSourceOptions& options);
  Status Init();
  // Maps the file behind fd_ when it is a plain regular file with lines to
  // map; otherwise leaves the input to Read.
  void MapFile();
  // Fills `chunk` with lines of the mapping, from map_pos_.
  Status NextMapped(Chunk* chunk);
  // Reads the rest of the file, from map_end_, through Read.
  Status EndMapping();
  // Reads decompressed bytes into [dst, dst + n); returns bytes read, 0 only
  // at the end of input. Sets input_error_ on failure.
  size_t Read(char* dst, size_t n);
  Status MakeError(std::string_view what) const;
  void StartLongLine(uint64_t line, const char* p, size_t n);

  std::string name_;
  LineSourceOptions options_;
  std::unique_ptr<ByteReader> reader_;
  std::unique_ptr<Decompressor> decompressor_;
  Compression compression_ = Compression::kNone;
  int fd_ = -1;  // the file's descriptor (owned by reader_), -1 for stdin and memory

  // The mapped part of a plain regular file: [0, map_end_) holds whole lines
  // (it ends after a '\n') with at least kPadding bytes of the file after
  // each; [map_pos_, map_end_) is not handed out yet.
  std::shared_ptr<const FileMapping> mapping_;
  size_t map_pos_ = 0;
  size_t map_end_ = 0;

  // Bytes read but not yet handed out (a partial line, or the lines after a
  // too-long line), copied to the start of the next chunk.
  std::string carry_;
  uint64_t line_no_ = 1;
  bool input_done_ = false;  // Read returned 0 or failed
  bool eof_ = false;
  std::string input_error_;  // set when the input failed; reported after the good lines
  // A too-long line being skipped (skipping_) or completely skipped and not
  // yet handed out (long_pending_).
  bool skipping_ = false;
  bool long_pending_ = false;
  LongLine long_line_;
};

// Calls fn(line_number, line) for each line of the chunk. `line` excludes the
// '\n' and a '\r' before it; a line may be empty or blank.
template <typename Fn>
void ForEachLine(const Chunk& chunk, Fn&& fn) {
  std::string_view data = chunk.data();
  uint64_t line_no = chunk.first_line();
  const char* p = data.data();
  const char* const end = p + data.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    size_t len = static_cast<size_t>(line_end - p);
    if (len > 0 && p[len - 1] == '\r') --len;
    fn(line_no, std::string_view(p, len));
    ++line_no;
    p = nl ? nl + 1 : end;
  }
}

}  // namespace hw::decode
