#include "engine/serve/router.h"

#include <exception>

#include "engine/serve/metrics.h"

namespace hw::serve {

void Router::Add(std::string name, uint32_t methods, std::string path, bool prefix,
                 Handler handler) {
  const int id = metrics_ ? metrics_->Endpoint(name) : -1;
  routes_.push_back(
      Route{std::move(name), methods, std::move(path), prefix, std::move(handler), id});
}

void Router::Handle(const Request& req, Response& resp) const {
  const Route* path_match = nullptr;
  const Route* route = nullptr;
  for (const Route& r : routes_) {
    const bool match =
        r.prefix ? req.path().substr(0, r.path.size()) == r.path : req.path() == r.path;
    if (!match) continue;
    if (!path_match) path_match = &r;
    if (r.methods & MethodBit(req.method())) {
      route = &r;
      break;
    }
  }
  if (route) {
    try {
      route->handler(req, resp);
    } catch (const std::exception& e) {
      // Handlers report errors as statuses; an exception here is a bug or
      // memory exhaustion, answered without taking the server down.
      resp.Reset();
      resp.Error(500, "internal error");
    }
  } else if (path_match) {
    resp.Error(405, "method not allowed");
  } else {
    resp.Error(404, "not found");
  }
  if (metrics_) {
    const Route* counted = route ? route : path_match;
    metrics_->CountRequest(req.worker(), counted ? counted->metric_id : 0, resp.status());
  }
}

void Router::CountError(int worker, int status) const {
  if (metrics_) metrics_->CountRequest(worker, metrics_->Endpoint("malformed"), status);
}

}  // namespace hw::serve
