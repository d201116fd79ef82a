#include "engine/serve/follow.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "engine/decode/reject_log.h"
#include "engine/serve/log.h"

namespace hw::serve {

struct Follower::Source {
  std::string path;  // empty: standard input
  int fd = -1;
  uint64_t inode = 0;
  uint64_t offset = 0;  // bytes consumed (folded), always at a line end
  uint64_t lines = 0;   // lines consumed
  std::string buf;      // read but not yet consumed (a partial last line)
  bool eof = false;     // stdin closed
};

Follower::Follower(IngestService* ingest, FollowOptions options)
    : ingest_(ingest), options_(std::move(options)) {}

Follower::~Follower() { Stop(); }

void Follower::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void Follower::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

FollowTotals Follower::totals() const {
  return {blocks_.load(), lines_.load(), rotations_.load(), truncations_.load()};
}

bool Follower::Fold(Source& src, std::string_view block, uint64_t consumed, uint64_t lines) {
  state::SourcePosition after;
  after.source = src.path;
  after.inode = src.inode;
  after.offset = src.offset + consumed;
  after.lines = src.lines + lines;
  std::vector<pipeline::LineReject> rejects;
  pipeline::IngestStats st;
  if (!ingest_->IngestFrom(block, after, src.lines + 1, &rejects, &st)) return false;
  const std::string name = src.path.empty() ? "<stdin>" : src.path;
  for (const pipeline::LineReject& r : rejects) {
    LogEvent("rejected", name + ":" + std::to_string(r.line) + ": " +
                             decode::RejectReasonCode(r.reason) + ": " + r.message);
  }
  src.offset = after.offset;
  src.lines = after.lines;
  blocks_.fetch_add(1, std::memory_order_relaxed);
  lines_.fetch_add(lines, std::memory_order_relaxed);
  return true;
}

bool Follower::Poll(Source& src) {
  if (src.fd < 0) {
    if (src.path.empty()) {
      if (src.eof) return false;
      src.fd = 0;
    } else {
      src.fd = open(src.path.c_str(), O_RDONLY | O_CLOEXEC);
      if (src.fd < 0) return false;  // not there (yet): looked for again next poll
      struct stat sb {};
      fstat(src.fd, &sb);
      src.inode = static_cast<uint64_t>(sb.st_ino);
      src.offset = 0;
      src.lines = 0;
      src.buf.clear();
      // Resume where the last journaled block of this very file ended.
      if (auto pos = ingest_->Position(src.path);
          pos && pos->inode == src.inode && pos->offset <= static_cast<uint64_t>(sb.st_size)) {
        src.offset = pos->offset;
        src.lines = pos->lines;
      }
      lseek(src.fd, static_cast<off_t>(src.offset), SEEK_SET);
    }
  }
  if (src.path.empty()) {
    pollfd p{0, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) return false;
  }
  const size_t old = src.buf.size();
  src.buf.resize(old + options_.max_block);
  const ssize_t n = read(src.fd, src.buf.data() + old, options_.max_block);
  src.buf.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  if (n > 0) {
    const size_t end = src.buf.rfind('\n');
    if (end == std::string::npos) return true;  // a line longer than this read: read on
    const std::string_view block(src.buf.data(), end + 1);
    const uint64_t lines = static_cast<uint64_t>(std::count(block.begin(), block.end(), '\n'));
    if (!Fold(src, block, end + 1, lines)) {
      // Not journaled, not folded: read the same bytes again later.
      src.buf.resize(old);
      lseek(src.fd, -static_cast<off_t>(n), SEEK_CUR);
      return false;
    }
    src.buf.erase(0, end + 1);
    return true;
  }
  // End of what is there. A last line without its newline counts once its
  // source is finished: stdin closed, or the file rotated away.
  auto flush_partial = [&] {
    if (src.buf.empty()) return;
    const std::string line = src.buf + "\n";
    if (Fold(src, line, src.buf.size(), 1)) src.buf.clear();
  };
  if (src.path.empty()) {
    if (n == 0) {
      flush_partial();
      src.eof = true;
      src.fd = -1;
    }
    return false;
  }
  struct stat now {};
  const bool exists = stat(src.path.c_str(), &now) == 0;
  if (!exists || static_cast<uint64_t>(now.st_ino) != src.inode) {
    if (exists) {
      // Rotated: the old file is finished (drained above); the new one is
      // read from its start.
      flush_partial();
      close(src.fd);
      src.fd = -1;
      rotations_.fetch_add(1, std::memory_order_relaxed);
      LogEvent("rotated", src.path);
      return true;
    }
    return false;  // moved away and not re-created yet: keep the old one open
  }
  if (static_cast<uint64_t>(now.st_size) < src.offset + src.buf.size()) {
    // Truncated in place (copytruncate): start again from its beginning.
    lseek(src.fd, 0, SEEK_SET);
    src.offset = 0;
    src.lines = 0;
    src.buf.clear();
    truncations_.fetch_add(1, std::memory_order_relaxed);
    LogEvent("truncated", src.path);
    return true;
  }
  return false;
}

void Follower::Run() {
  std::vector<Source> sources(options_.paths.size() + (options_.stdin_input ? 1 : 0));
  for (size_t i = 0; i < options_.paths.size(); ++i) sources[i].path = options_.paths[i];
  while (!stop_) {
    bool progress = false;
    for (Source& s : sources) {
      if (stop_) break;
      progress |= Poll(s);
    }
    if (!progress) std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_ms));
  }
  for (Source& s : sources) {
    if (s.fd > 0) close(s.fd);
  }
}

}  // namespace hw::serve
