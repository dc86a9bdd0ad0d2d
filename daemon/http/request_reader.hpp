#pragma once

// Reading one HTTP/1.1 request head from untrusted bytes (RFC 9112 sections 2-5), without I/O: the
// request line and the header fields, CRLF or bare LF line ends, bounded in size and in header count.
// Bodies are never read: every handler of kipvsd answers from the request line alone, and the
// connection closes after the answer.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "http/message.hpp"

namespace kipvs::http {

struct HeadLimits {
  std::size_t maxHeadBytes = 8192;  // the request line, every header line and the empty line ending them
  std::size_t maxHeaders = 64;
};

// Why a request is refused, and with which status.
struct ParseError {
  int status = 400;
  std::string reason;

  bool operator==(const ParseError&) const = default;
};

// Parses a complete head: optional empty lines, the request line, header lines, the empty line.
std::variant<HttpRequest, ParseError> parseRequestHead(std::string_view head, std::size_t maxHeaders);

// Accumulates bytes as they arrive until the head is complete, refused, or over the limit. Each byte is
// looked at once (a client sending one byte at a time costs O(n), not O(n^2)); it never keeps more than
// maxHeadBytes.
class RequestReader {
 public:
  enum class State { NeedMore, Complete, Failed };

  explicit RequestReader(HeadLimits limits = {}) : limits_(limits) {}

  // Bytes after a complete head (a body, a pipelined request) are ignored.
  State feed(std::string_view bytes);
  State state() const { return state_; }
  const HttpRequest& request() const { return request_; }  // when Complete
  const ParseError& error() const { return error_; }       // when Failed
  std::size_t buffered() const { return buffer_.size(); }

 private:
  State fail(int status, std::string reason);

  HeadLimits limits_;
  State state_ = State::NeedMore;
  std::string buffer_;
  std::size_t scanned_ = 0;    // bytes of buffer_ already looked at
  std::size_t lineStart_ = 0;  // where the current line begins
  bool sawRequestLine_ = false;
  HttpRequest request_;
  ParseError error_;
};

}  // namespace kipvs::http
