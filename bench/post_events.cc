// The ingest benchmark's client (bench/run_ingest.sh): posts a JSON Lines
// file as batches of at most 1 MiB (cut at line ends) over CLIENTS
// keep-alive HTTP/1.1 connections to 127.0.0.1:PORT, batch k from client
// k mod CLIENTS, each client waiting for an answer before it sends its next
// batch, as a log shipper does. A 429 is retried after 1 ms. Prints
// "seconds accepted busy batches late": seconds from the first send to the
// last answer, the sum of the answers' "accepted" (for PATH /v1/events),
// the 429s, the batches, and with a PACE (events/s) the most any batch was
// sent after its due time (lines before it / PACE after the start).
//
// Written in C++ rather than Python because it shares the benchmark's two
// cores with the server under test: each batch goes out with one writev
// from the file's pages, with no copy and no interpreter, so the figures
// measure the server, not the client.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Batch {
  std::string_view body;
  uint64_t lines_before = 0;
};

struct ClientTotals {
  uint64_t accepted = 0;
  uint64_t busy = 0;
  double late_s = 0;
  std::string error;  // empty when the client finished
};

bool SendAll(int fd, const std::string& head, std::string_view body) {
  size_t done = 0;
  const size_t total = head.size() + body.size();
  while (done < total) {
    iovec iov[2];
    int n = 0;
    if (done < head.size()) {
      iov[n++] = {const_cast<char*>(head.data() + done), head.size() - done};
      iov[n++] = {const_cast<char*>(body.data()), body.size()};
    } else {
      const size_t off = done - head.size();
      iov[n++] = {const_cast<char*>(body.data() + off), body.size() - off};
    }
    const ssize_t w = writev(fd, iov, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

// Reads one answer with a Content-Length body; `buf` keeps what follows it.
bool ReadAnswer(int fd, std::string* buf, int* status, std::string* body, std::string* why) {
  size_t head_end;
  char tmp[1 << 16];
  while ((head_end = buf->find("\r\n\r\n")) == std::string::npos) {
    const ssize_t r = read(fd, tmp, sizeof tmp);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      *why = "connection closed before an answer";
      return false;
    }
    buf->append(tmp, static_cast<size_t>(r));
  }
  const std::string head = buf->substr(0, head_end);
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) {
    *why = "not an HTTP answer: " + head.substr(0, 80);
    return false;
  }
  *status = std::atoi(head.c_str() + 9);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const size_t cl = lower.find("\r\ncontent-length:");
  if (cl == std::string::npos) {
    *why = "answer without Content-Length: " + head.substr(0, 80);
    return false;
  }
  const size_t length = std::strtoull(head.c_str() + cl + 17, nullptr, 10);
  const size_t body_at = head_end + 4;
  while (buf->size() < body_at + length) {
    const ssize_t r = read(fd, tmp, sizeof tmp);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      *why = "connection closed inside an answer";
      return false;
    }
    buf->append(tmp, static_cast<size_t>(r));
  }
  body->assign(*buf, body_at, length);
  buf->erase(0, body_at + length);
  return true;
}

void RunClient(int k, int clients, int port, const std::string& path, const std::string& token,
               const std::vector<Batch>& batches, double pace, Clock::time_point t0,
               ClientTotals* t) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    t->error = "client " + std::to_string(k) + ": connect: " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::string buf, body, why;
  for (size_t i = static_cast<size_t>(k); i < batches.size(); i += static_cast<size_t>(clients)) {
    const Batch& b = batches[i];
    if (pace > 0) {
      const auto due = t0 + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(double(b.lines_before) / pace));
      const auto now = Clock::now();
      if (due > now) {
        std::this_thread::sleep_until(due);
      } else {
        t->late_s = std::max(t->late_s, std::chrono::duration<double>(now - due).count());
      }
    }
    const std::string head = "POST " + path +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                             "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " +
                             std::to_string(b.body.size()) + "\r\n\r\n";
    for (;;) {
      int status = 0;
      if (!SendAll(fd, head, b.body)) {
        t->error = "client " + std::to_string(k) + ": send: " + std::strerror(errno);
        close(fd);
        return;
      }
      if (!ReadAnswer(fd, &buf, &status, &body, &why)) {
        t->error = "client " + std::to_string(k) + ": " + why;
        close(fd);
        return;
      }
      if (status == 429) {
        ++t->busy;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      if (status != 200) {
        t->error = "POST " + path + ": " + std::to_string(status) + " " + body.substr(0, 200);
        close(fd);
        return;
      }
      if (path == "/v1/events") {
        const size_t j = body.find("\"accepted\":");
        if (j == std::string::npos) {
          t->error = "POST " + path + ": no \"accepted\" in " + body.substr(0, 200);
          close(fd);
          return;
        }
        t->accepted += std::strtoull(body.c_str() + j + 11, nullptr, 10);
      }
      break;
    }
  }
  close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: post_events PORT PATH FILE PACE CLIENTS [TOKEN]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string path = argv[2];
  const double pace = std::atof(argv[4]);
  const int clients = std::max(1, std::atoi(argv[5]));
  const std::string token = argc > 6 ? argv[6] : "bench-admin";
  const int fd = open(argv[3], O_RDONLY);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::fprintf(stderr, "post_events: %s: %s\n", argv[3], std::strerror(errno));
    return 1;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  const char* data = static_cast<const char*>(
      size > 0 ? mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : nullptr);
  if (size > 0 && data == MAP_FAILED) {
    std::fprintf(stderr, "post_events: mmap %s: %s\n", argv[3], std::strerror(errno));
    return 1;
  }
  const std::string_view all(data, size);
  std::vector<Batch> batches;
  uint64_t lines = 0;
  for (size_t pos = 0; pos < size;) {
    size_t end = all.find('\n', std::min(size, pos + (size_t{1} << 20)) - 1);
    end = end == std::string_view::npos ? size : end + 1;
    const std::string_view body = all.substr(pos, end - pos);
    batches.push_back({body, lines});
    lines += static_cast<uint64_t>(std::count(body.begin(), body.end(), '\n'));
    pos = end;
  }
  std::vector<ClientTotals> totals(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  const auto t0 = Clock::now();
  for (int k = 0; k < clients; ++k) {
    threads.emplace_back(RunClient, k, clients, port, std::cref(path), std::cref(token),
                         std::cref(batches), pace, t0, &totals[static_cast<size_t>(k)]);
  }
  for (auto& th : threads) th.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  uint64_t accepted = 0, busy = 0;
  double late = 0;
  for (const ClientTotals& t : totals) {
    if (!t.error.empty()) {
      std::fprintf(stderr, "post_events: %s\n", t.error.c_str());
      return 1;
    }
    accepted += t.accepted;
    busy += t.busy;
    late = std::max(late, t.late_s);
  }
  std::printf("%.3f %llu %llu %zu %.3f\n", seconds, static_cast<unsigned long long>(accepted),
              static_cast<unsigned long long>(busy), batches.size(), late);
  return 0;
}
