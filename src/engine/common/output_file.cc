#include "engine/common/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace hw {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Status IoError(const std::string& path, const char* what) {
  return Status(ErrorCode::kIoError, path + ": " + what + ": " + std::strerror(errno));
}

class PlainFile final : public OutputFile {
 public:
  PlainFile(std::string path, FILE* f, bool owned)
      : OutputFile(std::move(path)), f_(f), owned_(owned) {}
  ~PlainFile() override {
    if (f_ && owned_) std::fclose(f_);
  }
  Status Write(std::string_view data) override {
    if (std::fwrite(data.data(), 1, data.size(), f_) != data.size())
      return IoError(path_, "write failed");
    return Status::Ok();
  }
  Status Close() override {
    if (!f_) return Status::Ok();
    const int rc = owned_ ? std::fclose(f_) : std::fflush(f_);
    f_ = nullptr;
    if (rc != 0) return IoError(path_, "close failed");
    return Status::Ok();
  }

 private:
  FILE* f_;
  bool owned_;
};

class GzipFile final : public OutputFile {
 public:
  GzipFile(std::string path, gzFile f) : OutputFile(std::move(path)), f_(f) {}
  ~GzipFile() override {
    if (f_) gzclose(f_);
  }
  Status Write(std::string_view data) override {
    while (!data.empty()) {
      const unsigned n = static_cast<unsigned>(std::min<size_t>(data.size(), 1u << 30));
      if (gzwrite(f_, data.data(), n) != static_cast<int>(n))
        return IoError(path_, "gzip write failed");
      data.remove_prefix(n);
    }
    return Status::Ok();
  }
  Status Close() override {
    if (!f_) return Status::Ok();
    const int rc = gzclose(f_);
    f_ = nullptr;
    if (rc != Z_OK) return IoError(path_, "gzip close failed");
    return Status::Ok();
  }

 private:
  gzFile f_;
};

class ZstdFile final : public OutputFile {
 public:
  ZstdFile(std::string path, FILE* f)
      : OutputFile(std::move(path)), f_(f), cctx_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, 3);
    buf_.resize(ZSTD_CStreamOutSize());
  }
  ~ZstdFile() override {
    ZSTD_freeCCtx(cctx_);
    if (f_) std::fclose(f_);
  }
  Status Write(std::string_view data) override { return Pump(data, ZSTD_e_continue); }
  Status Close() override {
    if (!f_) return Status::Ok();
    Status s = Pump({}, ZSTD_e_end);
    const int rc = std::fclose(f_);
    f_ = nullptr;
    if (!s.ok()) return s;
    if (rc != 0) return IoError(path_, "close failed");
    return Status::Ok();
  }

 private:
  Status Pump(std::string_view data, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{buf_.data(), buf_.size(), 0};
      const size_t rem = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(rem)) {
        return Status(ErrorCode::kIoError, path_ + ": zstd: " + ZSTD_getErrorName(rem));
      }
      if (out.pos && std::fwrite(buf_.data(), 1, out.pos, f_) != out.pos)
        return IoError(path_, "write failed");
      if (mode == ZSTD_e_end ? rem == 0 : in.pos == in.size) return Status::Ok();
    }
  }
  FILE* f_;
  ZSTD_CCtx* cctx_;
  std::vector<char> buf_;
};

}  // namespace

void EnlargePipe(int fd) noexcept {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
#ifdef F_SETPIPE_SZ
  (void)::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#endif
}

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path) {
  if (path == "-") {
    EnlargePipe(1);
    return std::unique_ptr<OutputFile>(new PlainFile(path, stdout, false));
  }
  if (EndsWith(path, ".gz")) {
    gzFile f = gzopen(path.c_str(), "wb6");
    if (!f) return IoError(path, "cannot open for writing");
    return std::unique_ptr<OutputFile>(new GzipFile(path, f));
  }
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return IoError(path, "cannot open for writing");
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  if (EndsWith(path, ".zst")) return std::unique_ptr<OutputFile>(new ZstdFile(path, f));
  return std::unique_ptr<OutputFile>(new PlainFile(path, f, true));
}

Status WriteFile(const std::string& path, std::string_view data) {
  auto f = OutputFile::Open(path);
  if (!f.ok()) return f.status();
  Status s = (*f)->Write(data);
  if (!s.ok()) return s;
  return (*f)->Close();
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status(ErrorCode::kIoError, path + ": cannot create directory: " + ec.message());
  return Status::Ok();
}

}  // namespace hw
