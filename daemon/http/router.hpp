#pragma once

// Handlers by exact path, with an optional fallback for every other path (a Service health-check port
// answers on every path, as kube-proxy's do). Unrouted paths get 404.

#include <functional>
#include <map>
#include <string>

#include "http/message.hpp"

namespace kipvs::http {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

class Router {
 public:
  Router& route(std::string path, Handler handler) {
    routes_[std::move(path)] = std::move(handler);
    return *this;
  }
  Router& fallback(Handler handler) {
    fallback_ = std::move(handler);
    return *this;
  }
  bool empty() const { return routes_.empty() && !fallback_; }

  HttpResponse operator()(const HttpRequest& request) const {
    if (const auto it = routes_.find(request.path); it != routes_.end()) {
      return it->second(request);
    }
    return fallback_ ? fallback_(request) : textResponse(404, "404 page not found");
  }

 private:
  std::map<std::string, Handler, std::less<>> routes_;
  Handler fallback_;
};

}  // namespace kipvs::http
