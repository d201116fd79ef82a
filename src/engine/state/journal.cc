#include "engine/state/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <system_error>

#include "engine/common/bytes.h"

namespace hw::state {

namespace {

constexpr uint32_t kMagic = 0x314a5748;  // "HWJ1"
constexpr size_t kHeaderBytes = 32;
constexpr size_t kSummedHeaderBytes = 24;  // the header before its checksum
constexpr char kSuffix[] = ".hwj";

Status IoError(const std::string& what) {
  return {ErrorCode::kIoError, what + ": " + std::strerror(errno)};
}

// Chained: each part's hash seeds the next one's.
uint64_t Checksum(const char* header, std::string_view position, std::string_view body) {
  const uint64_t h = XXH3_64bits(header, kSummedHeaderBytes);
  const uint64_t p = XXH3_64bits_withSeed(position.data(), position.size(), h);
  return XXH3_64bits_withSeed(body.data(), body.size(), p);
}

std::string SegmentName(uint64_t first_seq) {
  std::string digits = std::to_string(first_seq);
  return std::string(20 - std::min<size_t>(20, digits.size()), '0') + digits + kSuffix;
}

Status ReadFile(const std::string& path, std::string* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("journal " + path + ": cannot open");
  struct stat sb {};
  if (::fstat(fd, &sb) != 0) {
    Status s = IoError("journal " + path + ": cannot stat");
    ::close(fd);
    return s;
  }
  out->resize(static_cast<size_t>(sb.st_size));
  size_t got = 0;
  while (got < out->size()) {
    const ssize_t n = ::read(fd, out->data() + got, out->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = IoError("journal " + path + ": cannot read");
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out->resize(got);
  ::close(fd);
  return Status::Ok();
}

// How a segment's bytes parse: the bytes of its whole, valid records, and
// why parsing stopped before the end (empty when it did not).
struct Parsed {
  size_t valid = 0;
  std::string why;
};

// Walks the records of `data`, calling fn (when given) for each one; stops
// at the first record that is incomplete or damaged, or when fn fails.
Parsed ParseSegment(std::string_view data, uint64_t* last_seq,
                    const std::function<Status(const JournalRecord&)>* fn, Status* fn_status) {
  Parsed p;
  size_t off = 0;
  while (off < data.size()) {
    const size_t left = data.size() - off;
    if (left < kHeaderBytes) {
      p.why = "record header cut short";
      break;
    }
    ByteReader r(data.substr(off, kHeaderBytes));
    uint32_t magic = 0, position_bytes = 0;
    uint64_t body_bytes = 0, seq = 0, sum = 0;
    r.Get(&magic);
    r.Get(&position_bytes);
    r.Get(&body_bytes);
    r.Get(&seq);
    r.Get(&sum);
    if (magic != kMagic) {
      p.why = "not a journal record (bad magic)";
      break;
    }
    // Each length against what is left, never their sum: a damaged body
    // length near 2^64 would wrap the sum past the check.
    const size_t room = left - kHeaderBytes;
    if (position_bytes > room || body_bytes > room - position_bytes) {
      p.why = "record cut short";
      break;
    }
    const size_t payload = position_bytes + static_cast<size_t>(body_bytes);
    const std::string_view position = data.substr(off + kHeaderBytes, position_bytes);
    const std::string_view body =
        data.substr(off + kHeaderBytes + position_bytes, static_cast<size_t>(body_bytes));
    if (Checksum(data.data() + off, position, body) != sum) {
      p.why = "record checksum mismatch";
      break;
    }
    if (seq <= *last_seq) {
      p.why = "sequence number " + std::to_string(seq) + " not after " + std::to_string(*last_seq);
      break;
    }
    if (fn != nullptr) {
      *fn_status = (*fn)(JournalRecord{seq, position, body});
      if (!fn_status->ok()) break;
    }
    *last_seq = seq;
    off += kHeaderBytes + payload;
    p.valid = off;
  }
  return p;
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& dir, bool read_only, bool sync,
                                               uint64_t after, const RecordFn& fn) {
  std::unique_ptr<Journal> j(new Journal(dir, read_only, sync));
  if (Status s = j->Scan(after, fn); !s.ok()) return s;
  return j;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

Status Journal::Scan(uint64_t after, const RecordFn& fn) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    if (read_only_) return Status::Ok();  // nothing journaled
    fs::create_directories(dir_, ec);
    if (ec) return {ErrorCode::kIoError, "journal " + dir_ + ": cannot create: " + ec.message()};
  }
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().extension() == kSuffix) segments_.push_back(e.path().string());
  }
  if (ec) return {ErrorCode::kIoError, "journal " + dir_ + ": cannot list: " + ec.message()};
  // Names are zero-padded first sequence numbers: name order is journal order.
  std::sort(segments_.begin(), segments_.end());
  const RecordFn wanted = [&](const JournalRecord& r) {
    return r.seq > after ? fn(r) : Status::Ok();
  };
  std::string data;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const std::string& path = segments_[i];
    if (Status s = ReadFile(path, &data); !s.ok()) return s;
    Status fn_status;
    const Parsed p = ParseSegment(data, &last_seq_, fn ? &wanted : nullptr, &fn_status);
    if (!fn_status.ok()) return fn_status;
    const bool last = i + 1 == segments_.size();
    if (!p.why.empty() && !last) {
      return {ErrorCode::kParseError,
              "journal " + path + ": byte " + std::to_string(p.valid) + ": " + p.why};
    }
    if (!last) continue;
    // The last segment's tail after its last whole record: a record torn by
    // a crash inside its append (never answered), as RocksDB's
    // point-in-time recovery treats its write-ahead log.
    last_valid_bytes_ = p.valid;
    torn_bytes_ = data.size() - p.valid;
    if (read_only_) break;
    if (torn_bytes_ != 0 && ::truncate(path.c_str(), static_cast<off_t>(p.valid)) != 0) {
      return IoError("journal " + path + ": cannot cut the torn record at byte " +
                     std::to_string(p.valid));
    }
    fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) return IoError("journal " + path + ": cannot open for appending");
  }
  return Status::Ok();
}

Status Journal::Append(uint64_t seq, std::string_view position, std::string_view body) {
  if (read_only_) return {ErrorCode::kInvalidArgument, "journal " + dir_ + ": opened read-only"};
  if (broken_) {
    return {ErrorCode::kIoError,
            "journal " + dir_ + ": a failed append could not be undone; restart to recover"};
  }
  if (seq <= last_seq_) {
    return {ErrorCode::kInvalidArgument, "journal " + dir_ + ": sequence number " +
                                             std::to_string(seq) + " not after " +
                                             std::to_string(last_seq_)};
  }
  if (fd_ < 0) {
    const std::string path = dir_ + "/" + SegmentName(seq);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return IoError("journal " + path + ": cannot create");
    segments_.push_back(path);
    last_valid_bytes_ = 0;
    if (sync_) {
      // The new file's directory entry, against power loss.
      const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
      }
    }
  }
  char header[kHeaderBytes];
  {
    std::string h;
    ByteWriter w(&h);
    w.Put(kMagic);
    w.Put(static_cast<uint32_t>(position.size()));
    w.Put(static_cast<uint64_t>(body.size()));
    w.Put(seq);
    std::memcpy(header, h.data(), kSummedHeaderBytes);
  }
  const uint64_t sum = Checksum(header, position, body);
  std::memcpy(header + kSummedHeaderBytes, &sum, sizeof sum);

  iovec iov[3] = {{header, kHeaderBytes},
                  {const_cast<char*>(position.data()), position.size()},
                  {const_cast<char*>(body.data()), body.size()}};
  iovec* v = iov;
  int count = 3;
  size_t written = 0;
  const size_t total = kHeaderBytes + position.size() + body.size();
  while (written < total) {
    const ssize_t n = ::writev(fd_, v, count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = IoError("journal " + segments_.back() + ": cannot append");
      if (written != 0) Undo();
      return s;
    }
    written += static_cast<size_t>(n);
    auto done = static_cast<size_t>(n);
    while (count > 0 && done >= v->iov_len) {
      done -= v->iov_len;
      ++v;
      --count;
    }
    if (count > 0) {
      v->iov_base = static_cast<char*>(v->iov_base) + done;
      v->iov_len -= done;
    }
  }
  if (sync_ && ::fdatasync(fd_) != 0) {
    // Refused, so its sequence number will be offered again: the record
    // must not stay (a recovery would stop at the repeated number).
    Status s = IoError("journal " + segments_.back() + ": fdatasync");
    Undo();
    return s;
  }
  last_valid_bytes_ += total;
  last_seq_ = seq;
  return Status::Ok();
}

void Journal::Undo() noexcept {
  // A partial or refused record would hide every later one from a
  // recovery: cut it, or refuse all further appends when that fails too.
  if (::ftruncate(fd_, static_cast<off_t>(last_valid_bytes_)) != 0) broken_ = true;
}

Status Journal::ForEach(uint64_t after, const RecordFn& fn) const {
  std::string data;
  uint64_t seq = 0;
  const RecordFn wanted = [&](const JournalRecord& r) {
    return r.seq > after ? fn(r) : Status::Ok();
  };
  for (size_t i = 0; i < segments_.size(); ++i) {
    const std::string& path = segments_[i];
    if (Status s = ReadFile(path, &data); !s.ok()) return s;
    if (i + 1 == segments_.size()) data.resize(std::min<size_t>(data.size(), last_valid_bytes_));
    Status fs;
    const Parsed p = ParseSegment(data, &seq, &wanted, &fs);
    if (!fs.ok()) return fs;
    if (!p.why.empty()) {
      return {ErrorCode::kParseError,
              "journal " + path + ": byte " + std::to_string(p.valid) + ": " + p.why};
    }
  }
  return Status::Ok();
}

size_t Journal::Seal() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  return segments_.size();
}

std::vector<std::string> Journal::TakeSealed(size_t n) {
  n = std::min(n, segments_.size());
  // A segment appended after the seal stays the last one, with its own
  // valid length; with none, the next Append starts from zero.
  if (n == segments_.size()) last_valid_bytes_ = 0;
  std::vector<std::string> taken(std::make_move_iterator(segments_.begin()),
                                 std::make_move_iterator(segments_.begin() + static_cast<long>(n)));
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<long>(n));
  return taken;
}

Status Journal::Remove(const std::vector<std::string>& paths) {
  Status result;
  for (const std::string& path : paths) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT && result.ok()) {
      result = IoError("journal " + path + ": cannot remove");
    }
  }
  return result;
}

Status Journal::CopyTo(const std::string& dir) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (const std::string& path : segments_) {
    if (ec) break;
    fs::copy_file(path, fs::path(dir) / fs::path(path).filename(), ec);
  }
  if (ec) return {ErrorCode::kIoError, "journal copy to " + dir + ": " + ec.message()};
  return Status::Ok();
}

}  // namespace hw::state
