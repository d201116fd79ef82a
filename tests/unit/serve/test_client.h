// A small blocking HTTP/1.1 client over loopback for the serve tests: it
// sends raw bytes and reads whole responses (Content-Length bodies), so a
// test controls exactly what goes on the wire (pipelining, chunking, junk).
// Also the client of bench/post_events (the ingest benchmark).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hw::serve::testing {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
  bool Has(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return true;
    }
    return false;
  }
};

class TestClient {
 public:
  explicit TestClient(uint16_t port, int timeout_ms = 5000) : timeout_ms_(timeout_ms) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd_);
      fd_ = -1;
    }
    const int one = 1;
    if (fd_ >= 0) setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TestClient() {
    if (fd_ >= 0) close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // The next response, or nullopt on timeout, close or a malformed reply.
  // `head`: the reply to a HEAD request (no body whatever Content-Length).
  std::optional<HttpReply> Read(bool head_request = false) {
    size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    HttpReply r;
    const std::string head = buf_.substr(0, head_end);
    buf_.erase(0, head_end + 4);
    if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return std::nullopt;
    r.status = std::atoi(head.c_str() + 9);
    size_t pos = head.find("\r\n");
    while (pos != std::string::npos) {
      const size_t next = head.find("\r\n", pos + 2);
      const std::string line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string k = line.substr(0, colon);
        for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t v = colon + 1;
        while (v < line.size() && line[v] == ' ') ++v;
        r.headers.emplace_back(k, line.substr(v));
      }
      pos = next;
    }
    if (r.status == 100) return Read(head_request);
    const size_t len =
        head_request ? 0 : static_cast<size_t>(std::atoll(r.Header("content-length").c_str()));
    while (buf_.size() < len) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buf_.substr(0, len);
    buf_.erase(0, len);
    return r;
  }

  std::optional<HttpReply> Request(std::string_view bytes) {
    if (!Send(bytes)) return std::nullopt;
    return Read();
  }

  // True when the server closed the connection (EOF or reset) within the
  // timeout with nothing more to read.
  bool Closed() {
    if (!buf_.empty()) return false;
    char c;
    if (!WaitReadable()) return false;
    const ssize_t n = recv(fd_, &c, 1, 0);
    return n <= 0;
  }

 private:
  bool WaitReadable() {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, timeout_ms_) == 1;
  }
  bool Fill() {
    if (!WaitReadable()) return false;
    char tmp[65536];
    const ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  int timeout_ms_;
  std::string buf_;
};

inline std::string Get(std::string_view path, std::string_view extra_headers = {}) {
  std::string r = "GET ";
  r += path;
  r += " HTTP/1.1\r\nHost: t\r\n";
  r += extra_headers;
  r += "\r\n";
  return r;
}

}  // namespace hw::serve::testing
