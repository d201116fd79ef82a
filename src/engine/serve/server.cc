#include "engine/serve/server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "engine/serve/metrics.h"
#include "engine/serve/mono_clock.h"

namespace hw::serve {

namespace {

constexpr int64_t kLingerNs = 2'000'000'000;  // reading a closed connection's leftovers
constexpr int64_t kSweepNs = 100'000'000;
constexpr size_t kReadSize = 64 * 1024;
constexpr size_t kPoolLimit = 1024;  // idle connection objects kept per listener

enum class Kind : uint8_t { kListener, kConnection, kWake };

struct Pollable {
  Kind kind;
};

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

const std::string kDefaultOverload =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
    "32\r\nConnection: close\r\n\r\n{\"error\":\"too many connections\"}";

// Binds and listens on `host:port` (port 0: any free port); one socket per
// listener, shared by every loop. Without SO_REUSEPORT a port another
// process serves is refused by bind itself.
Result<int> Listen(const ListenerSpec& spec, const std::string& host, uint16_t port) {
  const std::string where = "listener '" + spec.name + "' (" + spec.address + ")";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port_text = std::to_string(port);
  const int gai =
      getaddrinfo(host.empty() ? nullptr : host.c_str(), port_text.c_str(), &hints, &res);
  if (gai != 0) return Status(ErrorCode::kIoError, where + ": " + gai_strerror(gai));
  const int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    return Status(ErrorCode::kIoError, where + ": " + Errno("socket"));
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const int rc = bind(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0 || listen(fd, 4096) != 0) {
    const Status s(ErrorCode::kIoError, where + ": " + Errno("bind/listen"));
    close(fd);
    return s;
  }
  return fd;
}

uint16_t BoundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

}  // namespace

bool SplitAddress(std::string_view address, std::string* host, uint16_t* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = address.substr(0, colon);
  const std::string_view p = address.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return false;  // an IPv6 address needs brackets
  }
  unsigned v = 0;
  const auto r = std::from_chars(p.data(), p.data() + p.size(), v);
  if (p.empty() || r.ec != std::errc() || r.ptr != p.data() + p.size() || v > 65535) return false;
  *host = std::string(h);
  *port = static_cast<uint16_t>(v);
  return true;
}

class HttpServer::Loop {
 public:
  // `group`: loops of one group share their listeners' connections; the
  // shared pool is group 0, a listener with loops of its own is its index + 1.
  Loop(HttpServer* server, int index, size_t group)
      : server_(server), index_(index), group_(group) {}
  ~Loop() {
    if (epoll_ >= 0) close(epoll_);
    if (wake_.fd >= 0) close(wake_.fd);
  }

  Status Init() {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) return Status(ErrorCode::kIoError, Errno("epoll_create1"));
    wake_.kind = Kind::kWake;
    wake_.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_.fd < 0) return Status(ErrorCode::kIoError, Errno("eventfd"));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &wake_;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_.fd, &ev);
    free_.resize(server_->listeners_.size());
    return Status::Ok();
  }

  // Watches every listening socket. EPOLLEXCLUSIVE: a new connection wakes
  // one loop waiting in epoll_wait (an idle one first), not all of them.
  void Arm() {
    listeners_.reserve(server_->listen_fds_.size());
    for (size_t i = 0; i < server_->listen_fds_.size(); ++i) {
      if (server_->GroupOf(i) != group_) continue;
      listeners_.push_back(ListenerFd{{Kind::kListener}, server_->listen_fds_[i], i});
    }
    for (auto& l : listeners_) {
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLEXCLUSIVE;
      ev.data.ptr = &l;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, l.fd, &ev);
    }
  }

  // Connections this loop holds or has been handed and not yet closed.
  size_t live() const noexcept { return live_.load(std::memory_order_relaxed); }
  size_t group() const noexcept { return group_; }

  // Gives this loop an accepted connection (from another loop's Accept);
  // false once the loop has exited, and then the caller keeps it.
  bool Hand(int fd, size_t listener) {
    {
      std::lock_guard lock(inbox_mu_);
      if (exited_) return false;
      inbox_.push_back(Handed{fd, listener});
    }
    Wake();
    return true;
  }

  void Wake() {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(wake_.fd, &one, sizeof one);
  }

  void Run() {
    epoll_event events[256];
    int64_t next_sweep = MonotonicNs() + kSweepNs;
    while (true) {
      const int n = epoll_wait(epoll_, events, 256, 100);
      now_ = MonotonicNs();
      for (int i = 0; i < n; ++i) {
        auto* p = static_cast<Pollable*>(events[i].data.ptr);
        switch (p->kind) {
          case Kind::kWake: {
            uint64_t v;
            [[maybe_unused]] const ssize_t r = read(wake_.fd, &v, sizeof v);
            TakeHanded();
            break;
          }
          case Kind::kListener:
            Accept(*static_cast<ListenerFd*>(p));
            break;
          case Kind::kConnection:
            OnEvent(static_cast<Conn*>(p), events[i].events);
            break;
        }
      }
      if (!draining_ && server_->stopped_.load(std::memory_order_acquire)) StartDrain();
      if (now_ >= next_sweep) {
        Sweep();
        next_sweep = now_ + kSweepNs;
      }
      graveyard_.clear();
      // A quiescent point: nothing read during this pass is in use any more.
      passes_.fetch_add(1, std::memory_order_seq_cst);
      if (draining_ && conns_.empty() && Exit()) break;
    }
    gone_.store(true, std::memory_order_seq_cst);
  }

  // Passes this loop has completed; see HttpServer::AwaitGracePeriod.
  uint64_t passes() const noexcept { return passes_.load(std::memory_order_seq_cst); }
  bool gone() const noexcept { return gone_.load(std::memory_order_seq_cst); }

 private:
  struct ListenerFd : Pollable {
    int fd;
    size_t index;
  };
  struct WakeFd : Pollable {
    int fd = -1;
  };
  struct Handed {
    int fd;
    size_t listener;
  };
  struct Conn : Pollable {
    Conn(const Router* router, const HttpLimits* limits, int worker)
        : Pollable{Kind::kConnection}, session(router, limits, worker) {}
    HttpSession session;
    int fd = -1;
    size_t listener = 0;
    size_t slot = 0;  // index in conns_
    std::string in;   // bytes read and not yet parsed
    size_t out_off = 0;
    int64_t last_active = 0;
    int64_t request_start = 0;
    bool lingering = false;
    int64_t linger_until = 0;
    uint32_t interest = 0;
  };

  // Accepts what is pending and gives each connection to the loop holding
  // the fewest (this one on a tie): the kernel's choice of the loop that
  // accepts says nothing about how busy the loops are. While draining,
  // connections stay here and are answered "Connection: close".
  void Accept(const ListenerFd& l) {
    const ListenerSpec& spec = server_->listeners_[l.index];
    while (true) {
      const int fd = accept4(l.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR) continue;
        return;  // EAGAIN, out of descriptors (retried on the next event), or shut down
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (server_->connections_.fetch_add(1) >= server_->options_.max_connections) {
        server_->connections_.fetch_sub(1);
        Shed(fd, spec);
        continue;
      }
      if (server_->options_.metrics) server_->options_.metrics->CountConnection(index_, false);
      Loop* target = draining_ ? this : server_->LeastLoaded(this);
      target->live_.fetch_add(1, std::memory_order_relaxed);
      if (target != this && !target->Hand(fd, l.index)) {
        target->live_.fetch_sub(1, std::memory_order_relaxed);
        live_.fetch_add(1, std::memory_order_relaxed);
        target = this;
      }
      if (target == this) Register(fd, l.index);
    }
  }

  // Serves `fd` on this loop; live_ already counts it.
  void Register(int fd, size_t listener) {
    Conn* c = NewConn(listener);
    c->fd = fd;
    c->last_active = now_;
    c->slot = conns_.size();
    conns_.push_back(c);
    c->interest = EPOLLIN;
    epoll_event ev{};
    ev.events = c->interest;
    ev.data.ptr = c;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
    if (draining_) {
      c->session.Drain();
      Pump(c);
    }
  }

  void TakeHanded() {
    {
      std::lock_guard lock(inbox_mu_);
      taken_.swap(inbox_);
    }
    for (const Handed& h : taken_) Register(h.fd, h.listener);
    taken_.clear();
  }

  // The loop may exit once nothing was handed to it since its last look;
  // later hand-offs are refused (the acceptor serves them itself).
  bool Exit() {
    std::lock_guard lock(inbox_mu_);
    if (!inbox_.empty()) return false;
    exited_ = true;
    return true;
  }

  // Over the connection limit: the listener's overload answer, then close.
  void Shed(int fd, const ListenerSpec& spec) {
    if (server_->options_.metrics) server_->options_.metrics->CountConnection(index_, true);
    const std::string& r =
        spec.overload_response.empty() ? kDefaultOverload : spec.overload_response;
    [[maybe_unused]] const ssize_t n = send(fd, r.data(), r.size(), MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    // Reading what the client already sent avoids a reset that could drop
    // the answer before the client reads it.
    char buf[4096];
    while (recv(fd, buf, sizeof buf, 0) > 0) {
    }
    close(fd);
  }

  Conn* NewConn(size_t listener) {
    auto& pool = free_[listener];
    Conn* c;
    if (!pool.empty()) {
      c = pool.back().release();
      pool.pop_back();
      c->session.Reset();
    } else {
      c = new Conn(server_->listeners_[listener].router, &server_->options_.http, index_);
    }
    c->listener = listener;
    c->in.clear();
    c->out_off = 0;
    c->request_start = 0;
    c->lingering = false;
    return c;
  }

  void Close(Conn* c) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c->fd, nullptr);
    close(c->fd);
    c->fd = -1;
    server_->connections_.fetch_sub(1);
    live_.fetch_sub(1, std::memory_order_relaxed);
    Conn* last = conns_.back();
    conns_[c->slot] = last;
    last->slot = c->slot;
    conns_.pop_back();
    // Never deleted here: callers may still look at c->fd (now -1) after a
    // Pump that closed it. Surplus objects are freed after the event batch.
    auto& pool = free_[c->listener];
    if (pool.size() < kPoolLimit && c->in.capacity() <= 4 * kReadSize) {
      pool.emplace_back(c);
    } else {
      graveyard_.emplace_back(c);
    }
  }

  void SetInterest(Conn* c, uint32_t want) {
    if (want == c->interest) return;
    c->interest = want;
    epoll_event ev{};
    ev.events = want;
    ev.data.ptr = c;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c->fd, &ev);
  }

  void OnEvent(Conn* c, uint32_t events) {
    if (events & EPOLLOUT) {
      Pump(c);
      if (c->fd < 0) return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) Read(c);
  }

  void Read(Conn* c) {
    const ssize_t n = recv(c->fd, buf_, kReadSize, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      Close(c);
      return;
    }
    if (c->lingering) {
      if (n == 0) Close(c);
      return;
    }
    if (n == 0) {
      // The peer is done sending: answer what is complete, then close.
      c->session.Eof();
      c->in.clear();
      Pump(c);
      return;
    }
    c->last_active = now_;
    const auto got = static_cast<size_t>(n);
    if (c->in.empty() && !c->session.closing()) {
      // Nothing buffered: parse straight from the read buffer and keep only
      // what the session leaves (it stops early only while its output is
      // over the limit), so that a request body is not copied twice.
      const bool was_idle = c->session.idle();
      const size_t used = c->session.Feed(buf_, got, now_);
      if (!c->session.idle() && was_idle) c->request_start = now_;
      c->in.append(buf_ + used, got - used);
    } else {
      c->in.append(buf_, got);
    }
    Pump(c);
  }

  // Parses what is buffered, writes what is produced, and starts the close
  // once a closing session's output is written.
  void Pump(Conn* c) {
    std::string& out = c->session.output();
    while (true) {
      if (!c->in.empty() && !c->session.closing()) {
        const bool was_idle = c->session.idle();
        const size_t used = c->session.Feed(c->in.data(), c->in.size(), now_);
        c->in.erase(0, used);
        if (!c->session.idle() && was_idle) c->request_start = now_;
      }
      if (c->session.closing()) c->in.clear();
      while (c->out_off < out.size()) {
        const ssize_t n =
            send(c->fd, out.data() + c->out_off, out.size() - c->out_off, MSG_NOSIGNAL);
        if (n > 0) {
          c->out_off += static_cast<size_t>(n);
          c->last_active = now_;
          continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n < 0 && errno == EINTR) continue;
        Close(c);
        return;
      }
      const bool flushed = c->out_off == out.size();
      if (flushed) {
        out.clear();
        c->out_off = 0;
      }
      if (!flushed || c->in.empty() || c->session.closing()) break;
    }
    if (c->session.closing() && out.empty()) {
      shutdown(c->fd, SHUT_WR);
      c->lingering = true;
      c->linger_until = now_ + kLingerNs;
      SetInterest(c, EPOLLIN);
      return;
    }
    uint32_t want = 0;
    if (!c->session.closing() &&
        out.size() - c->out_off <= server_->options_.http.max_pending_output)
      want |= EPOLLIN;
    if (c->out_off < out.size()) want |= EPOLLOUT;
    SetInterest(c, want);
  }

  void StartDrain() {
    draining_ = true;
    drain_until_ = now_ + server_->options_.drain_timeout_ms * 1'000'000;
    TakeHanded();
    for (auto& l : listeners_) {
      Accept(l);
      epoll_ctl(epoll_, EPOLL_CTL_DEL, l.fd, nullptr);
    }
    server_->StopListening();
    for (size_t i = conns_.size(); i-- > 0;) {
      Conn* c = conns_[i];
      if (c->lingering) continue;
      c->session.Drain();
      Pump(c);
    }
  }

  void Sweep() {
    const ServerOptions& o = server_->options_;
    for (size_t i = conns_.size(); i-- > 0;) {
      if (i >= conns_.size()) continue;
      Conn* c = conns_[i];
      if (c->lingering) {
        if (now_ >= c->linger_until || draining_) Close(c);
        continue;
      }
      if (draining_ && now_ >= drain_until_) {
        Close(c);
        continue;
      }
      if (c->session.in_headers() && now_ - c->request_start > o.header_timeout_ms * 1'000'000) {
        c->session.Abort(408, "request header timeout");
        Pump(c);
        continue;
      }
      if (now_ - c->last_active > o.idle_timeout_ms * 1'000'000) {
        if (c->session.idle() && c->out_off == c->session.output().size()) {
          Close(c);
        } else {
          c->session.Abort(408, "idle timeout");
          Pump(c);
          // A peer that reads nothing is not waited for.
          if (c->fd >= 0 && !c->lingering) Close(c);
        }
      }
    }
  }

  HttpServer* server_;
  int index_;
  size_t group_;
  int epoll_ = -1;
  WakeFd wake_;
  std::vector<ListenerFd> listeners_;  // the server's sockets, watched by this loop
  // Written by any loop (the acceptor reserves, this loop releases on
  // close); read by acceptors to pick the least loaded loop.
  std::atomic<size_t> live_{0};
  // Written by this loop once per pass and when it exits; read by
  // AwaitGracePeriod on another thread.
  std::atomic<uint64_t> passes_{0};
  std::atomic<bool> gone_{false};
  std::mutex inbox_mu_;
  std::vector<Handed> inbox_;  // connections other loops accepted for this one
  bool exited_ = false;        // under inbox_mu_
  std::vector<Handed> taken_;
  std::vector<Conn*> conns_;
  std::vector<std::vector<std::unique_ptr<Conn>>> free_;
  std::vector<std::unique_ptr<Conn>> graveyard_;
  bool draining_ = false;
  int64_t drain_until_ = 0;
  int64_t now_ = MonotonicNs();
  char buf_[kReadSize];

 public:
  void DeleteAll() {
    for (Conn* c : conns_) {
      if (c->fd >= 0) close(c->fd);
      delete c;
    }
    conns_.clear();
    std::lock_guard lock(inbox_mu_);
    for (const Handed& h : inbox_) close(h.fd);
    inbox_.clear();
    exited_ = true;
  }
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options,
                                                      std::vector<ListenerSpec> listeners) {
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->options_ = options;
  if (s->options_.threads < 1) s->options_.threads = 1;
  s->listeners_ = std::move(listeners);
  auto add_loops = [&](int count, size_t group) -> Status {
    for (int i = 0; i < count; ++i) {
      s->loops_.push_back(
          std::make_unique<Loop>(s.get(), static_cast<int>(s->loops_.size()), group));
      if (Status st = s->loops_.back()->Init(); !st.ok()) return st;
    }
    return Status::Ok();
  };
  const bool pooled = std::any_of(s->listeners_.begin(), s->listeners_.end(),
                                  [](const ListenerSpec& l) { return l.own_threads <= 0; });
  if (Status st = add_loops(pooled ? s->options_.threads : 0, 0); !st.ok()) return st;
  for (size_t i = 0; i < s->listeners_.size(); ++i) {
    if (Status st = add_loops(s->listeners_[i].own_threads, s->GroupOf(i)); !st.ok()) return st;
  }
  for (const ListenerSpec& spec : s->listeners_) {
    std::string host;
    uint16_t port = 0;
    if (!spec.router || !SplitAddress(spec.address, &host, &port)) {
      return Status(ErrorCode::kInvalidArgument,
                    "listener '" + spec.name + "': '" + spec.address +
                        "' is not an address like 127.0.0.1:8080 or [::1]:8080");
    }
    auto fd = Listen(spec, host, port);
    if (!fd.ok()) return fd.status();
    s->listen_fds_.push_back(*fd);
    s->ports_.push_back(BoundPort(*fd));
  }
  for (auto& loop : s->loops_) loop->Arm();
  for (auto& loop : s->loops_) {
    Loop* l = loop.get();
    s->threads_.emplace_back([l] { l->Run(); });
  }
  return s;
}

size_t HttpServer::GroupOf(size_t listener) const noexcept {
  return listeners_[listener].own_threads > 0 ? listener + 1 : 0;
}

HttpServer::Loop* HttpServer::LeastLoaded(Loop* self) noexcept {
  Loop* best = self;
  size_t fewest = self->live();
  for (auto& loop : loops_) {
    if (loop->group() != self->group()) continue;
    const size_t n = loop->live();
    if (n < fewest) {
      best = loop.get();
      fewest = n;
    }
  }
  return best;
}

void HttpServer::StopListening() noexcept {
  std::lock_guard lock(listen_mu_);
  if (listening_stopped_) return;
  listening_stopped_ = true;
  // shutdown() stops a listening socket at once (new connections are
  // refused) while its descriptor stays valid for the loops that still
  // watch it; the descriptors are closed once every loop has exited.
  for (int fd : listen_fds_) shutdown(fd, SHUT_RDWR);
}

void HttpServer::AwaitGracePeriod() const {
  // seq_cst on both sides: the caller's unpublishing store comes before these
  // loads, so a pass that ends after them began after the store was visible,
  // and the pass that was running at the snapshot has finished.
  std::vector<uint64_t> seen;
  seen.reserve(loops_.size());
  for (const auto& loop : loops_) seen.push_back(loop->passes());
  for (size_t i = 0; i < loops_.size(); ++i) {
    while (loops_[i]->passes() == seen[i] && !loops_[i]->gone()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

std::vector<size_t> HttpServer::loop_connections() const {
  std::vector<size_t> n;
  for (const auto& loop : loops_) n.push_back(loop->live());
  return n;
}

void HttpServer::CloseListeners() noexcept {
  for (int& fd : listen_fds_) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
}

void HttpServer::Stop() {
  if (stopped_.exchange(true)) {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    return;
  }
  for (auto& loop : loops_) loop->Wake();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  for (auto& loop : loops_) loop->DeleteAll();
  CloseListeners();
}

HttpServer::~HttpServer() {
  if (!threads_.empty()) Stop();
  for (auto& loop : loops_) loop->DeleteAll();
  CloseListeners();
}

}  // namespace hw::serve
