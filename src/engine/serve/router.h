// Routes requests to handlers by path. Built before the server starts and
// immutable after, so the event loops read it without locks. Later stages
// (event ingest) add their endpoints with Add() on the listener's router.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/serve/http.h"

namespace hw::serve {

class Metrics;

using Handler = std::function<void(const Request&, Response&)>;

// Which methods a route accepts.
enum class MethodMask : uint32_t { kAny = 0xffffffffu };
constexpr uint32_t MethodBit(Method m) { return 1u << static_cast<uint32_t>(m); }

class Router {
 public:
  // `metrics` (may be null) counts every answered request by route name and
  // status; it must outlive the router.
  explicit Router(Metrics* metrics = nullptr) : metrics_(metrics) {}

  // `path` matches exactly; with `prefix`, any path starting with it.
  // Routes are tried in the order added; `name` labels the route in
  // /metrics. `methods` is a set of MethodBit(...) or MethodMask::kAny.
  void Add(std::string name, uint32_t methods, std::string path, bool prefix, Handler handler);
  void Add(std::string name, Method method, std::string path, Handler handler) {
    Add(std::move(name), MethodBit(method), std::move(path), false, std::move(handler));
  }

  // Runs the matching handler; 404 when no path matches, 405 when the path
  // matches but not the method. A handler that throws is answered 500 (or
  // the route's fail response).
  void Handle(const Request& req, Response& resp) const;

  // A request the session itself answered (400, 413, 431, 408, ...).
  void CountError(int worker, int status) const;

  struct Route {
    std::string name;
    uint32_t methods;
    std::string path;
    bool prefix;
    Handler handler;
    int metric_id;
  };
  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  Metrics* metrics_;
  std::vector<Route> routes_;
};

}  // namespace hw::serve
