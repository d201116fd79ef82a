// The parse floor for analyze's speed bar: read a JSON Lines file in 16 MiB
// chunks and fully parse every line with simdjson's DOM parser on N threads,
// nothing else. Prints events/s and MB/s.
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parse_floor FILE [threads]\n");
    return 2;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) {
    std::perror(argv[1]);
    return 1;
  }
  constexpr size_t kChunk = size_t{16} << 20;
  const auto start = std::chrono::steady_clock::now();
  std::atomic<uint64_t> lines{0}, bytes{0}, errors{0};
  std::mutex mu;
  // The main thread cuts chunks of complete lines; workers parse them.
  std::vector<std::string> queue;
  std::condition_variable cv;
  bool done = false;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      simdjson::dom::parser parser;
      for (;;) {
        std::string chunk;
        {
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return !queue.empty() || done; });
          if (queue.empty()) return;
          chunk = std::move(queue.back());
          queue.pop_back();
          cv.notify_all();
        }
        const size_t size = chunk.size();
        chunk.resize(size + simdjson::SIMDJSON_PADDING);
        size_t pos = 0;
        while (pos < size) {
          const char* nl =
              static_cast<const char*>(std::memchr(chunk.data() + pos, '\n', size - pos));
          const size_t end = nl ? static_cast<size_t>(nl - chunk.data()) : size;
          if (end > pos) {
            simdjson::dom::element doc;
            if (parser.parse(chunk.data() + pos, end - pos, false).get(doc)) errors++;
            lines++;
          }
          pos = end + 1;
        }
        bytes += size;
      }
    });
  }
  std::string rest;
  std::vector<char> rbuf(kChunk);
  for (;;) {
    const size_t got = std::fread(rbuf.data(), 1, rbuf.size(), f);
    if (got == 0) break;
    std::string chunk = std::move(rest);
    chunk.append(rbuf.data(), got);
    const size_t last = chunk.rfind('\n');
    if (last == std::string::npos) {
      rest = std::move(chunk);
      continue;
    }
    rest = chunk.substr(last + 1);
    chunk.resize(last + 1);
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return queue.size() < static_cast<size_t>(threads) * 2; });
    queue.push_back(std::move(chunk));
    cv.notify_all();
  }
  {
    std::unique_lock lock(mu);
    if (!rest.empty()) queue.push_back(rest + "\n");
    done = true;
    cv.notify_all();
  }
  for (auto& t : pool) t.join();
  std::fclose(f);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "parse_floor: %llu lines, %.1f MB in %.3f s: %.0f events/s, %.0f MB/s (%d threads, %llu "
      "errors)\n",
      static_cast<unsigned long long>(lines.load()), bytes / 1e6, secs, lines / secs,
      bytes / 1e6 / secs, threads, static_cast<unsigned long long>(errors.load()));
  return 0;
}
