#pragma once

// HTTP/1.1 requests and responses as plain values: what kipvsd's node HTTP surface (/healthz, /livez,
// /metrics, the Service health-check ports) reads and answers. No I/O here.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kipvs::http {

struct HttpRequest {
  std::string method;    // as sent: methods are case-sensitive (RFC 9110 9.1)
  std::string target;    // the request-target as sent, e.g. "/healthz?verbose"
  std::string path;      // target up to '?' or '#'
  std::string query;     // after '?', without it
  int minorVersion = 1;  // HTTP/1.<minor>
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values trimmed

  // The first header named `name` (lower case), or empty.
  std::string_view header(std::string_view name) const;
  bool operator==(const HttpRequest&) const = default;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length and Connection are added
  std::string body;

  HttpResponse& with(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  bool operator==(const HttpResponse&) const = default;
};

// "OK", "Service Unavailable", … ("" for a code kipvs never sends).
std::string_view reasonPhrase(int status);

// The bytes on the wire: status line, the headers, Content-Length, Connection: close (every connection
// serves one request), the body unless `headOnly` (a HEAD request).
std::string serialize(const HttpResponse& response, bool headOnly = false);

// A small text/plain answer, for errors and 404.
HttpResponse textResponse(int status, std::string_view text);

}  // namespace kipvs::http
