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
// cores with the server under test: each batch goes out from the file's
// pages, with no copy and no interpreter, so the figures measure the
// server, not the client. HTTP is the serve tests' client
// (tests/unit/serve/test_client.h).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "test_client.h"

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

void RunClient(int k, int clients, int port, const std::string& path, const std::string& token,
               const std::vector<Batch>& batches, double pace, Clock::time_point t0,
               ClientTotals* t) {
  const std::string who = "client " + std::to_string(k) + ": ";
  // A batch may wait behind others for a while on a loaded machine.
  hw::serve::testing::TestClient c(static_cast<uint16_t>(port), 120000);
  if (!c.connected()) {
    t->error = who + "cannot connect";
    return;
  }
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
      if (!c.Send(head) || !c.Send(b.body)) {
        t->error = who + "send: " + std::strerror(errno);
        return;
      }
      const auto r = c.Read();
      if (!r) {
        t->error = who + "no answer (closed, malformed or timed out)";
        return;
      }
      if (r->status == 429) {
        ++t->busy;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      if (r->status != 200) {
        t->error = "POST " + path + ": " + std::to_string(r->status) + " " + r->body.substr(0, 200);
        return;
      }
      if (path == "/v1/events") {
        const size_t j = r->body.find("\"accepted\":");
        if (j == std::string::npos) {
          t->error = "POST " + path + ": no \"accepted\" in " + r->body.substr(0, 200);
          return;
        }
        t->accepted += std::strtoull(r->body.c_str() + j + 11, nullptr, 10);
      }
      break;
    }
  }
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
