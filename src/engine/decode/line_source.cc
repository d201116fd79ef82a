#include "engine/decode/line_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "engine/common/huge_pages.h"
#include "engine/common/output_file.h"

namespace hw::decode {

// --- Raw bytes ---------------------------------------------------------------

class ByteReader {
 public:
  virtual ~ByteReader() = default;
  // Reads up to n bytes; returns the count, 0 at the end, -1 on error (with
  // *error set).
  virtual long Read(char* dst, size_t n, std::string* error) = 0;
};

namespace {

class FdReader final : public ByteReader {
 public:
  FdReader(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdReader() override {
    if (owned_) ::close(fd_);
  }
  long Read(char* dst, size_t n, std::string* error) override {
    while (true) {
      const ssize_t r = ::read(fd_, dst, std::min<size_t>(n, size_t{1} << 30));
      if (r >= 0) return static_cast<long>(r);
      if (errno == EINTR) continue;
      *error = std::string("read failed: ") + std::strerror(errno);
      return -1;
    }
  }

 private:
  int fd_;
  bool owned_;
};

class MemoryReader final : public ByteReader {
 public:
  explicit MemoryReader(std::string data) : data_(std::move(data)) {}
  long Read(char* dst, size_t n, std::string*) override {
    const size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(dst, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<long>(k);
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

}  // namespace

// --- Decompression -------------------------------------------------------------

class Decompressor {
 public:
  Decompressor(ByteReader* reader, std::string pending, size_t read_bytes)
      : reader_(reader), in_(std::max(read_bytes, pending.size()), '\0') {
    std::memcpy(in_.data(), pending.data(), pending.size());
    in_size_ = pending.size();
  }
  virtual ~Decompressor() = default;
  // Reads up to n decompressed bytes. Returns the count; 0 means the end of
  // the input, or an error when *error is set. Bytes may be returned together
  // with an error: they are good, the error comes after them.
  virtual size_t Read(char* dst, size_t n, std::string* error) = 0;

 protected:
  // Refills in_ when it is used up. Returns false at the end of the input or
  // on error.
  bool Refill(std::string* error) {
    if (in_pos_ < in_size_) return true;
    if (in_eof_) return false;
    const long r = reader_->Read(in_.data(), in_.size(), error);
    in_pos_ = 0;
    in_size_ = 0;
    if (r <= 0) {
      in_eof_ = true;
      return false;
    }
    in_size_ = static_cast<size_t>(r);
    return true;
  }

  ByteReader* reader_;
  std::string in_;
  size_t in_pos_ = 0;
  size_t in_size_ = 0;
  bool in_eof_ = false;
};

namespace {

class PlainInput final : public Decompressor {
 public:
  using Decompressor::Decompressor;
  size_t Read(char* dst, size_t n, std::string* error) override {
    if (in_pos_ < in_size_) {  // the magic bytes read while detecting the format
      const size_t k = std::min(n, in_size_ - in_pos_);
      std::memcpy(dst, in_.data() + in_pos_, k);
      in_pos_ += k;
      return k;
    }
    if (in_eof_) return 0;
    // Plain input goes straight into the chunk: no copy.
    const long r = reader_->Read(dst, n, error);
    if (r <= 0) {
      in_eof_ = true;
      return 0;
    }
    return static_cast<size_t>(r);
  }
};

class GzipInput final : public Decompressor {
 public:
  GzipInput(ByteReader* reader, std::string pending, size_t read_bytes)
      : Decompressor(reader, std::move(pending), read_bytes) {
    std::memset(&zs_, 0, sizeof zs_);
    ok_ = inflateInit2(&zs_, 16 + MAX_WBITS) == Z_OK;
  }
  ~GzipInput() override { inflateEnd(&zs_); }

  size_t Read(char* dst, size_t n, std::string* error) override {
    if (!ok_) {
      *error = "zlib initialisation failed";
      return 0;
    }
    n = std::min<size_t>(n, size_t{1} << 30);
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(n);
    while (zs_.avail_out > 0) {
      if (in_pos_ == in_size_ && !Refill(error)) break;
      zs_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
      zs_.avail_in = static_cast<uInt>(in_size_ - in_pos_);
      const uInt out_before = zs_.avail_out;
      const size_t in_before = in_pos_;
      const int ret = inflate(&zs_, Z_NO_FLUSH);
      in_pos_ = in_size_ - zs_.avail_in;
      if (ret == Z_STREAM_END) {
        // Concatenated members form one stream (RFC 1952, 2.2): continue with
        // the next member, if any.
        in_member_ = false;
        inflateReset(&zs_);
        continue;
      }
      if (ret == Z_OK || ret == Z_BUF_ERROR) {
        in_member_ = true;
        if (ret == Z_BUF_ERROR && in_pos_ == in_before && zs_.avail_out == out_before) {
          *error = "corrupt gzip data: inflate made no progress";
          ok_ = false;
          return n - zs_.avail_out;
        }
        continue;
      }
      *error = std::string("corrupt gzip data: ") + (zs_.msg ? zs_.msg : "inflate failed");
      ok_ = false;
      return n - zs_.avail_out;
    }
    const size_t produced = n - zs_.avail_out;
    if (in_eof_ && in_pos_ == in_size_ && in_member_ && produced < n && error->empty()) {
      *error = "truncated gzip stream (unexpected end of file)";
    }
    return produced;
  }

 private:
  z_stream zs_;
  bool ok_ = false;
  bool in_member_ = false;  // inside a member that has not ended yet
};

class ZstdInput final : public Decompressor {
 public:
  ZstdInput(ByteReader* reader, std::string pending, size_t read_bytes)
      : Decompressor(reader, std::move(pending), read_bytes), dctx_(ZSTD_createDCtx()) {}
  ~ZstdInput() override { ZSTD_freeDCtx(dctx_); }

  size_t Read(char* dst, size_t n, std::string* error) override {
    if (dctx_ == nullptr) {
      *error = "zstd initialisation failed";
      return 0;
    }
    ZSTD_outBuffer out{dst, n, 0};
    while (out.pos < out.size) {
      if (in_pos_ == in_size_) Refill(error);
      if (!error->empty()) break;
      ZSTD_inBuffer in{in_.data(), in_size_, in_pos_};
      const size_t before = out.pos;
      const size_t in_before = in.pos;
      const size_t ret = ZSTD_decompressStream(dctx_, &out, &in);
      in_pos_ = in.pos;
      if (ZSTD_isError(ret)) {
        *error = std::string("corrupt zstd data: ") + ZSTD_getErrorName(ret);
        failed_ = true;
        return out.pos;
      }
      // 0: a frame is complete and flushed; concatenated frames continue.
      // A call that made no progress says nothing about the frame state.
      if (in.pos != in_before || out.pos != before) last_ret_ = ret;
      if (in_eof_ && in_pos_ == in_size_ && out.pos == before) break;
    }
    if (failed_ && error->empty()) *error = "corrupt zstd data";
    if (in_eof_ && in_pos_ == in_size_ && last_ret_ != 0 && out.pos < out.size && error->empty()) {
      *error = "truncated zstd stream (unexpected end of file)";
    }
    return out.pos;
  }

 private:
  ZSTD_DCtx* dctx_;
  size_t last_ret_ = 0;
  bool failed_ = false;
};

}  // namespace

// --- Mapping --------------------------------------------------------------------

// A read-only mapping of a whole file, shared by the chunks that view it and
// unmapped when the last of them lets go.
class FileMapping {
 public:
  // nullptr when the file cannot be mapped (the caller reads it instead).
  static std::shared_ptr<const FileMapping> Map(int fd, size_t size) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return nullptr;
    // Read once, front to back: more readahead, and no "recently used" mark
    // for pages a chunk is done with.
    ::madvise(p, size, MADV_SEQUENTIAL);
    return std::shared_ptr<const FileMapping>(new FileMapping(static_cast<char*>(p), size));
  }
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;
  ~FileMapping() { ::munmap(data_, size_); }

  const char* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }

  // Maps the pages of [begin, end) in one call instead of a fault per few
  // pages (the reader's line scan is the first to touch them).
  void Populate(size_t begin, size_t end) const noexcept {
#ifdef MADV_POPULATE_READ
    const size_t b = begin / kPage * kPage;
    (void)::madvise(data_ + b, end - b, MADV_POPULATE_READ);  // a hint: faults do the same
#else
    (void)begin;
    (void)end;
#endif
  }
  // Unmaps the whole pages inside [begin, end) from this process (they stay
  // in the page cache): a chunk done with its lines lets them go, so the
  // resident size stays that of the chunks in flight. Pages shared with a
  // neighbouring chunk stay; touching a released page again maps it again.
  void Release(size_t begin, size_t end) const noexcept {
    const size_t b = (begin + kPage - 1) / kPage * kPage;
    const size_t e = end / kPage * kPage;
    if (e > b) (void)::madvise(data_ + b, e - b, MADV_DONTNEED);
  }

 private:
  static constexpr size_t kPage = 4096;  // release and populate only round with it
  FileMapping(char* data, size_t size) : data_(data), size_(size) {}
  char* data_;
  size_t size_;
};

// --- Chunk ----------------------------------------------------------------------

void Chunk::Free::operator()(char* p) const noexcept { std::free(p); }

Chunk::~Chunk() { Unmap(); }

void Chunk::Unmap() noexcept {
  if (mapping_ == nullptr) return;
  const auto begin = static_cast<size_t>(data_ - mapping_->data());
  mapping_->Release(begin, begin + size_);
  mapping_.reset();
  data_ = buf_.get();
  size_ = 0;
}

void Chunk::Reserve(size_t bytes, size_t keep) {
  if (bytes <= capacity_ && buf_) return;
  // On huge pages when large: the reader and the decoders touch each line's
  // start at random.
  std::unique_ptr<char[], Free> fresh(
      static_cast<char*>(AllocateHugePageAligned(bytes + kPadding, 64)));
  if (keep > 0) std::memcpy(fresh.get(), buf_.get(), keep);
  buf_ = std::move(fresh);
  capacity_ = bytes;
}

// --- LineSource -----------------------------------------------------------------

LineSource::LineSource(std::string name, std::unique_ptr<ByteReader> reader,
                       const LineSourceOptions& options)
    : name_(std::move(name)), options_(options), reader_(std::move(reader)) {
  // Chunk offsets (Chunk::line_ends) are 32-bit: a buffer stays below 4 GiB.
  constexpr size_t kMaxBuffer = size_t{1} << 30;
  options_.chunk_bytes = std::clamp<size_t>(options_.chunk_bytes, 1, kMaxBuffer);
  options_.max_line_bytes = std::clamp<size_t>(options_.max_line_bytes, 1, kMaxBuffer);
  options_.read_bytes = std::max<size_t>(options_.read_bytes, 4096);
}

LineSource::~LineSource() = default;

Result<std::unique_ptr<LineSource>> LineSource::Open(const std::string& path,
                                                     const LineSourceOptions& options) {
  std::unique_ptr<ByteReader> reader;
  int file_fd = -1;
  if (path == "-") {
    EnlargePipe(0);
    reader = std::make_unique<FdReader>(0, false);
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int e = errno;
      return Status(e == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError,
                    path + ": cannot open: " + std::strerror(e));
    }
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    reader = std::make_unique<FdReader>(fd, true);
    file_fd = fd;
  }
  std::unique_ptr<LineSource> src(
      new LineSource(path == "-" ? "<stdin>" : path, std::move(reader), options));
  Status s = src->Init();
  if (!s.ok()) return s;
  src->fd_ = file_fd;
  if (file_fd >= 0 && options.map_files && src->compression_ == Compression::kNone) {
    src->MapFile();
  }
  return src;
}

Result<std::unique_ptr<LineSource>> LineSource::FromMemory(std::string name, std::string data,
                                                           const LineSourceOptions& options) {
  std::unique_ptr<LineSource> src(
      new LineSource(std::move(name), std::make_unique<MemoryReader>(std::move(data)), options));
  Status s = src->Init();
  if (!s.ok()) return s;
  return src;
}

Status LineSource::Init() {
  // Read the magic bytes; they are handed to the decompressor as its first
  // input so that stdin works without seeking.
  std::string magic(4, '\0');
  size_t got = 0;
  std::string error;
  while (got < magic.size()) {
    const long r = reader_->Read(magic.data() + got, magic.size() - got, &error);
    if (r < 0) return Status(ErrorCode::kIoError, name_ + ": " + error);
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  magic.resize(got);
  const auto b = [&](size_t i) { return static_cast<unsigned char>(magic[i]); };
  if (got >= 2 && b(0) == 0x1f && b(1) == 0x8b) {
    compression_ = Compression::kGzip;
    decompressor_ =
        std::make_unique<GzipInput>(reader_.get(), std::move(magic), options_.read_bytes);
  } else if (got >= 4 && b(0) == 0x28 && b(1) == 0xb5 && b(2) == 0x2f && b(3) == 0xfd) {
    compression_ = Compression::kZstd;
    decompressor_ =
        std::make_unique<ZstdInput>(reader_.get(), std::move(magic), options_.read_bytes);
  } else {
    compression_ = Compression::kNone;
    decompressor_ =
        std::make_unique<PlainInput>(reader_.get(), std::move(magic), options_.read_bytes);
  }
  return Status::Ok();
}

size_t LineSource::Read(char* dst, size_t n) {
  size_t total = 0;
  while (total < n && !input_done_) {
    std::string error;
    const size_t k = decompressor_->Read(dst + total, n - total, &error);
    total += k;
    if (!error.empty()) {
      input_error_ = std::move(error);
      input_done_ = true;
    } else if (k == 0) {
      input_done_ = true;
    }
  }
  return total;
}

Status LineSource::MakeError(std::string_view what) const {
  return Status(ErrorCode::kIoError,
                name_ + ": line " + std::to_string(line_no_) + ": " + std::string(what));
}

namespace {

// Lines of [p, p + n) (a last line without '\n' counts), stopping at the
// first line longer than max_line.
struct LineScan {
  uint64_t lines = 0;  // complete lines before the long one (or all)
  bool long_found = false;
  size_t long_begin = 0;  // offsets of the long line, end excluding '\n'
  size_t long_end = 0;
};

// Appends the end offset of each complete line to *ends.
LineScan ScanLines(const char* p, size_t n, size_t max_line, std::vector<uint32_t>* ends) {
  LineScan r;
  size_t pos = 0;
  while (pos < n) {
    const void* nl = std::memchr(p + pos, '\n', n - pos);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - p) : n;
    if (end - pos > max_line) {
      r.long_found = true;
      r.long_begin = pos;
      r.long_end = end;
      return r;
    }
    ++r.lines;
    ends->push_back(static_cast<uint32_t>(end));
    pos = end + 1;
  }
  return r;
}

void AppendExcerpt(std::string& excerpt, const char* p, size_t n) {
  if (excerpt.size() < kLongLineExcerpt) {
    excerpt.append(p, std::min(n, kLongLineExcerpt - excerpt.size()));
  }
}

}  // namespace

void LineSource::StartLongLine(uint64_t line, const char* p, size_t n) {
  long_line_ = LongLine{};
  long_line_.line = line;
  long_line_.bytes = n;
  long_line_.limit = options_.max_line_bytes;
  AppendExcerpt(long_line_.excerpt, p, n);
}

void LineSource::MapFile() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return;
  const auto size = static_cast<size_t>(st.st_size);
  if (size <= kPadding) return;
  auto mapping = FileMapping::Map(fd_, size);
  if (mapping == nullptr) return;
  // The mapped lines end at the last '\n' followed by kPadding more bytes
  // of the file (a chunk's data ends after its '\n'); the lines after it are
  // read into a padded buffer.
  const void* nl = memrchr(mapping->data(), '\n', size - kPadding);
  if (nl == nullptr) return;
  mapping_ = std::move(mapping);
  map_end_ = static_cast<size_t>(static_cast<const char*>(nl) - mapping_->data()) + 1;
}

Status LineSource::EndMapping() {
  mapping_.reset();
  // The magic bytes Init read belong to the mapped part: start afresh.
  decompressor_ = std::make_unique<PlainInput>(reader_.get(), std::string(), options_.read_bytes);
  if (::lseek(fd_, static_cast<off_t>(map_end_), SEEK_SET) < 0) {
    const int e = errno;
    input_done_ = true;
    eof_ = true;
    return MakeError(std::string("seek failed: ") + std::strerror(e));
  }
  return Status::Ok();
}

Status LineSource::NextMapped(Chunk* c) {
  // Pages of a file that shrank under its mapping would fault (SIGBUS):
  // check before the scan touches the next ones.
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || static_cast<size_t>(st.st_size) < mapping_->size()) {
    eof_ = true;
    return MakeError("the file shrank while it was read (" + std::to_string(mapping_->size()) +
                     " bytes when opened)");
  }
  if (long_pending_) {
    long_pending_ = false;
    c->has_long_line_ = true;
    std::swap(c->long_line_, long_line_);
    line_no_ = c->long_line_.line + 1;
  }
  const char* const base = mapping_->data();
  while (true) {
    c->first_line_ = line_no_;
    const size_t pos = map_pos_;
    // Whole lines, up to chunk_bytes or the one line that crosses it. Every
    // line before map_end_ ends with '\n', so the search cannot fail.
    const size_t want = std::min(map_end_ - pos, options_.chunk_bytes);
    const void* nl = memrchr(base + pos, '\n', want);
    if (nl == nullptr) nl = std::memchr(base + pos + want, '\n', map_end_ - pos - want);
    const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - base) + 1;
    mapping_->Populate(pos, end);
    c->line_ends_.clear();
    const LineScan scan = ScanLines(base + pos, end - pos, options_.max_line_bytes, &c->line_ends_);
    size_t data_len = end - pos;
    map_pos_ = end;
    if (scan.long_found) {
      data_len = scan.long_begin;
      StartLongLine(line_no_ + scan.lines, base + pos + scan.long_begin,
                    scan.long_end - scan.long_begin);
      map_pos_ = pos + scan.long_end + 1;
      if (scan.lines == 0 && !c->has_long_line_) {
        // The long line comes first: it is this chunk's, its lines follow.
        c->has_long_line_ = true;
        std::swap(c->long_line_, long_line_);
        line_no_ = c->long_line_.line + 1;
        c->first_line_ = line_no_;
        if (map_pos_ < map_end_) continue;
      } else {
        long_pending_ = true;
      }
    }
    c->data_ = base + pos;
    c->size_ = data_len;
    c->mapping_ = mapping_;
    c->line_count_ = scan.lines;
    line_no_ += scan.lines;
    return Status::Ok();
  }
}

Status LineSource::Next(Chunk* c) {
  c->Unmap();
  c->data_ = c->buf_.get();
  c->size_ = 0;
  c->line_count_ = 0;
  c->line_ends_.clear();
  c->has_long_line_ = false;
  c->long_line_.excerpt.clear();
  c->first_line_ = line_no_;
  if (eof_) return Status::Ok();
  if (mapping_ != nullptr) {
    if (map_pos_ < map_end_) return NextMapped(c);
    if (Status s = EndMapping(); !s.ok()) return s;
  }

  size_t target = options_.chunk_bytes;
  c->Reserve(target, 0);
  size_t fill = 0;

  // A too-long line comes first: it precedes this chunk's lines.
  if (long_pending_) {
    long_pending_ = false;
    c->has_long_line_ = true;
    std::swap(c->long_line_, long_line_);
    line_no_ = c->long_line_.line + 1;
  } else if (skipping_) {
    // Discard the rest of the too-long line, using the chunk as scratch.
    // carry_ is empty while skipping.
    bool ended = false;  // by its '\n'
    while (true) {
      const size_t n = Read(c->buf_.get(), c->capacity_);
      if (n == 0) {
        skipping_ = false;
        break;
      }
      const char* nl = static_cast<const char*>(std::memchr(c->buf_.get(), '\n', n));
      const size_t k = nl ? static_cast<size_t>(nl - c->buf_.get()) : n;
      long_line_.bytes += k;
      AppendExcerpt(long_line_.excerpt, c->buf_.get(), k);
      if (nl) {
        fill = n - k - 1;
        std::memmove(c->buf_.get(), nl + 1, fill);
        skipping_ = false;
        ended = true;
        break;
      }
    }
    // A line cut by a read error is dropped like any incomplete line.
    if (ended || input_error_.empty()) {
      c->has_long_line_ = true;
      std::swap(c->long_line_, long_line_);
      line_no_ = c->long_line_.line + 1;
    }
  }
  c->first_line_ = line_no_;

  if (!carry_.empty()) {
    c->Reserve(std::max(target, carry_.size()), 0);
    std::memcpy(c->buf_.get(), carry_.data(), carry_.size());
    fill = carry_.size();
    carry_.clear();
  }

  size_t data_len = 0;
  uint64_t lines = 0;
  size_t scanned = 0;  // bytes [0, scanned) are known to hold no '\n'
  while (true) {
    while (fill < target && !input_done_) fill += Read(c->buf_.get() + fill, target - fill);
    const char* buf = c->buf_.get();
    const char* last_nl = nullptr;
    if (fill > scanned) {
      last_nl = static_cast<const char*>(memrchr(buf + scanned, '\n', fill - scanned));
    }
    const bool good_end = input_done_ && input_error_.empty();
    if (last_nl != nullptr) {
      size_t end = static_cast<size_t>(last_nl - buf) + 1;
      size_t tail = fill - end;
      if (tail > 0 && good_end && tail <= options_.max_line_bytes) {
        end = fill;  // the last line of the input lacks its '\n'
        tail = 0;
      }
      const LineScan scan = ScanLines(buf, end, options_.max_line_bytes, &c->line_ends_);
      if (scan.long_found) {
        // Cut the chunk before the long line; what follows it waits in carry_.
        data_len = scan.long_begin;
        lines = scan.lines;
        StartLongLine(line_no_ + lines, buf + scan.long_begin, scan.long_end - scan.long_begin);
        long_pending_ = true;
        if (scan.long_end < fill) carry_.assign(buf + scan.long_end + 1, fill - scan.long_end - 1);
        break;
      }
      data_len = end;
      lines = scan.lines;
      if (tail > 0) {
        if (tail > options_.max_line_bytes && input_error_.empty()) {
          StartLongLine(line_no_ + lines, buf + end, tail);
          if (input_done_) {
            long_pending_ = true;
          } else {
            skipping_ = true;
          }
        } else if (!input_done_) {
          carry_.assign(buf + end, tail);
        }
        // else: the input failed inside this line, which is dropped.
      }
      break;
    }
    // No '\n' in [0, fill): one partial line.
    scanned = fill;
    if (fill == 0) break;
    if (fill > options_.max_line_bytes) {
      if (input_error_.empty()) {
        StartLongLine(line_no_, buf, fill);
        if (input_done_) {
          long_pending_ = true;
        } else {
          skipping_ = true;
        }
      }
      break;
    }
    if (input_done_) {
      if (input_error_.empty()) {  // a single last line without '\n'
        data_len = fill;
        lines = 1;
        c->line_ends_.push_back(static_cast<uint32_t>(fill));
      }
      break;
    }
    // The buffer is full with one partial line no longer than the limit:
    // grow, up to the limit.
    target = std::min(target * 2, options_.max_line_bytes + 1);
    c->Reserve(target, fill);
  }

  c->data_ = c->buf_.get();
  c->size_ = data_len;
  std::memset(c->buf_.get() + data_len, 0, kPadding);
  c->line_count_ = lines;
  line_no_ += lines;

  if (input_done_ && carry_.empty() && !skipping_ && !long_pending_) {
    if (input_error_.empty()) {
      eof_ = true;
    } else if (c->empty()) {
      eof_ = true;
      return MakeError(input_error_);
    }
    // else: the error is returned by the next call, after these lines.
  }
  return Status::Ok();
}

}  // namespace hw::decode
