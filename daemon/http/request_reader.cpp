#include "http/request_reader.hpp"

#include <algorithm>
#include <optional>

namespace kipvs::http {
namespace {

// tchar (RFC 9110 5.6.2): the characters of methods and header names.
bool isTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

// Bytes allowed in a field value: visible ASCII, space, tab and obs-text (0x80-0xFF); no other control.
bool isFieldValueChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte == '\t' || (byte >= 0x20 && byte != 0x7F);
}

// Bytes allowed in a request-target: visible ASCII only (no spaces, no controls, no obs-text).
bool isTargetChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte > 0x20 && byte < 0x7F;
}

std::string_view trimWhitespace(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string lowerCase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

// The path of an origin-form ("/a?b"), absolute-form ("http://host/a?b") or asterisk-form ("*") target.
std::optional<std::string_view> pathPart(std::string_view target) {
  if (target == "*" || target.front() == '/') {
    return target;
  }
  const auto scheme = target.find("://");
  if (scheme == std::string_view::npos || !isToken(target.substr(0, scheme))) {
    return std::nullopt;
  }
  const auto slash = target.find('/', scheme + 3);
  return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
}

struct Lines {
  std::string_view rest;

  // The next line without its LF (and CR before it); nullopt when a CR stands alone.
  std::optional<std::string_view> next() {
    const auto lf = rest.find('\n');
    auto line = rest.substr(0, lf);
    rest = lf == std::string_view::npos ? std::string_view{} : rest.substr(lf + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.find('\r') != std::string_view::npos) {
      return std::nullopt;
    }
    return line;
  }
};

std::optional<ParseError> parseRequestLine(std::string_view line, HttpRequest& request) {
  const auto firstSpace = line.find(' ');
  const auto lastSpace = line.rfind(' ');
  if (firstSpace == std::string_view::npos || firstSpace == lastSpace) {
    return ParseError{400, "malformed request line"};
  }
  const auto method = line.substr(0, firstSpace);
  const auto target = line.substr(firstSpace + 1, lastSpace - firstSpace - 1);
  const auto version = line.substr(lastSpace + 1);
  if (!isToken(method)) {
    return ParseError{400, "malformed method"};
  }
  if (target.empty() || !std::all_of(target.begin(), target.end(), isTargetChar)) {
    return ParseError{400, "malformed request target"};
  }
  const auto path = pathPart(target);
  if (!path) {
    return ParseError{400, "malformed request target"};
  }
  const bool shaped = version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[6] == '.' &&
                      version[5] >= '0' && version[5] <= '9' && version[7] >= '0' && version[7] <= '9';
  if (!shaped) {
    return ParseError{400, "malformed HTTP version"};
  }
  if (version[5] != '1') {
    return ParseError{505, "only HTTP/1.x is served"};
  }
  request.method = std::string(method);
  request.target = std::string(target);
  const auto end = path->find_first_of("?#");
  request.path = std::string(path->substr(0, end));
  if (end != std::string_view::npos && (*path)[end] == '?') {
    const auto query = path->substr(end + 1);
    request.query = std::string(query.substr(0, query.find('#')));
  }
  request.minorVersion = version[7] - '0';
  return std::nullopt;
}

std::optional<ParseError> parseHeaderLine(std::string_view line, HttpRequest& request) {
  if (line.front() == ' ' || line.front() == '\t') {
    return ParseError{400, "obsolete line folding is not accepted"};
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || !isToken(line.substr(0, colon))) {
    return ParseError{400, "malformed header field"};
  }
  const auto value = trimWhitespace(line.substr(colon + 1));
  if (!std::all_of(value.begin(), value.end(), isFieldValueChar)) {
    return ParseError{400, "malformed header value"};
  }
  request.headers.emplace_back(lowerCase(line.substr(0, colon)), std::string(value));
  return std::nullopt;
}

}  // namespace

std::variant<HttpRequest, ParseError> parseRequestHead(std::string_view head, std::size_t maxHeaders) {
  HttpRequest request;
  Lines lines{head};
  auto line = lines.next();
  while (line && line->empty() && !lines.rest.empty()) {
    line = lines.next();  // empty lines before the request line are ignored (RFC 9112 2.2)
  }
  if (!line) {
    return ParseError{400, "stray carriage return"};
  }
  if (auto error = parseRequestLine(*line, request)) {
    return *error;
  }
  std::size_t hosts = 0;
  while (true) {
    line = lines.next();
    if (!line) {
      return ParseError{400, "stray carriage return"};
    }
    if (line->empty()) {
      break;
    }
    if (request.headers.size() == maxHeaders) {
      return ParseError{431, "too many header fields"};
    }
    if (auto error = parseHeaderLine(*line, request)) {
      return *error;
    }
    hosts += request.headers.back().first == "host" ? 1 : 0;
  }
  if (!lines.rest.empty()) {
    return ParseError{400, "bytes after the end of the head"};
  }
  // RFC 9112 3.2: a server must answer 400 to an HTTP/1.1 request without exactly one Host.
  if (request.minorVersion >= 1 && hosts != 1) {
    return ParseError{400, hosts == 0 ? "missing Host header" : "more than one Host header"};
  }
  return request;
}

RequestReader::State RequestReader::feed(std::string_view bytes) {
  if (state_ != State::NeedMore) {
    return state_;
  }
  const auto room = limits_.maxHeadBytes - buffer_.size();
  buffer_.append(bytes.substr(0, room));
  for (auto lf = buffer_.find('\n', scanned_); lf != std::string::npos; lf = buffer_.find('\n', scanned_)) {
    const auto lineEnd = lf > lineStart_ && buffer_[lf - 1] == '\r' ? lf - 1 : lf;
    const bool empty = lineEnd == lineStart_;
    scanned_ = lineStart_ = lf + 1;
    if (empty && sawRequestLine_) {
      auto parsed = parseRequestHead(std::string_view(buffer_).substr(0, lf + 1), limits_.maxHeaders);
      if (auto* error = std::get_if<ParseError>(&parsed)) {
        return fail(error->status, std::move(error->reason));
      }
      request_ = std::move(std::get<HttpRequest>(parsed));
      buffer_.clear();
      buffer_.shrink_to_fit();
      return state_ = State::Complete;
    }
    sawRequestLine_ = sawRequestLine_ || !empty;
  }
  scanned_ = buffer_.size();
  if (buffer_.size() == limits_.maxHeadBytes) {
    return sawRequestLine_
               ? fail(431, "request head over " + std::to_string(limits_.maxHeadBytes) + " bytes")
               : fail(414, "request line over " + std::to_string(limits_.maxHeadBytes) + " bytes");
  }
  return state_;
}

RequestReader::State RequestReader::fail(int status, std::string reason) {
  error_ = {status, std::move(reason)};
  buffer_.clear();
  buffer_.shrink_to_fit();
  return state_ = State::Failed;
}

}  // namespace kipvs::http
