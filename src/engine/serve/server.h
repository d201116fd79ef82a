// The HTTP/1.1 server: one epoll event loop per thread, non-blocking
// sockets, keep-alive and pipelining, and the limits of ServerOptions.
//
// One listening socket per listener, watched by every loop of its group
// (the shared loops, or the listener's own: ListenerSpec::own_threads)
// (EPOLLEXCLUSIVE: a new connection wakes one waiting loop). The loop that
// accepts gives the connection to the loop of its group holding the fewest
// connections, so the loops hold
// equal shares (to within one) of connections opened one after another.
// SO_REUSEPORT sockets per loop were not: the kernel hashes each connection
// to a socket (8 connections split 7/1 or 6/2, 64 over 4 loops 9 to 23), and
// the connections of the fuller loop wait for one another
// (bench/RESULTS.md, "Check endpoint"). A connection lives on one loop from
// its hand-off to its close, so its session needs no lock.
//
// Stop() is graceful: listeners close, idle connections close, requests in
// flight are answered (with Connection: close) and written, then the loops
// exit; connections still mid-request after drain_timeout are cut.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/common/result.h"
#include "engine/serve/http.h"
#include "engine/serve/router.h"

namespace hw::serve {

class Metrics;

struct ServerOptions {
  int threads = 1;
  size_t max_connections = 10000;  // over all listeners
  HttpLimits http;
  int64_t header_timeout_ms = 10'000;  // to receive a request's headers
  int64_t idle_timeout_ms = 60'000;    // with no byte received or sent
  int64_t drain_timeout_ms = 10'000;   // for requests in flight on Stop()
  Metrics* metrics = nullptr;          // connection counters (may be null)
};

struct ListenerSpec {
  std::string name;     // "check", "admin"
  std::string address;  // "127.0.0.1:8080", "[::1]:0", "localhost:8080", ":8080"
  const Router* router = nullptr;
  // What a connection over max_connections is told before it is closed (a
  // whole HTTP response; empty: a 503).
  std::string overload_response;
  // > 0: the listener is served by this many event loops of its own, which
  // serve nothing else, so that slow work on it (an ingest batch, a console
  // page) never delays another listener's requests; 0: by the shared loops
  // (ServerOptions::threads).
  int own_threads = 0;
};

// "host:port" to a host and a port; false when malformed.
bool SplitAddress(std::string_view address, std::string* host, uint16_t* port);

class HttpServer {
 public:
  // Binds every listener and starts the loops. Errors (bad address, port in
  // use) name the listener and address.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options,
                                                   std::vector<ListenerSpec> listeners);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port of listener `i` (the real one when the spec said :0).
  uint16_t port(size_t i) const { return ports_.at(i); }
  // Graceful stop; returns when every loop has exited. Idempotent.
  void Stop();
  size_t connections() const noexcept { return connections_.load(); }
  // A grace period: returns once every event loop has finished the pass it
  // was in when the call began, so a pointer unpublished (with a seq_cst
  // store) before the call is no longer read by any request and may be
  // freed. An idle loop passes at least every 100 ms (its epoll timeout).
  // Never call it from a loop's thread: it would wait for itself.
  void AwaitGracePeriod() const;
  // The connections each event loop holds (accepted and handed to it, not
  // yet closed), by loop index: the shared loops first, then each
  // listener's own loops in listener order.
  std::vector<size_t> loop_connections() const;

 private:
  class Loop;
  HttpServer() = default;
  // The loop of `self`'s group holding the fewest connections; `self`
  // unless another holds fewer.
  Loop* LeastLoaded(Loop* self) noexcept;
  // The group of loops serving `listener`: 0 for the shared loops, the
  // listener's index + 1 when it has loops of its own.
  size_t GroupOf(size_t listener) const noexcept;
  // Stops accepting on every listener (the first draining loop calls it).
  void StopListening() noexcept;
  void CloseListeners() noexcept;

  ServerOptions options_;
  std::vector<ListenerSpec> listeners_;
  std::vector<uint16_t> ports_;
  std::vector<int> listen_fds_;  // by listener; closed after the loops exit
  std::mutex listen_mu_;
  bool listening_stopped_ = false;  // under listen_mu_
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> connections_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace hw::serve
