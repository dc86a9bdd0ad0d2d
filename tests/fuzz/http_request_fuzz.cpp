// The HTTP request head reader: any bytes, fed whole or split in two at any point, give the same
// outcome; it never holds more than its limit; a parsed request has a path; a refusal has a 4xx/5xx
// status and a reason.

#include <string>

#include "fuzz_support.hpp"
#include "http/request_reader.hpp"

using namespace kipvs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  const http::HeadLimits limits{.maxHeadBytes = 1024, .maxHeaders = 16};

  http::RequestReader whole(limits);
  const auto state = whole.feed(text);
  fuzz::check(whole.buffered() <= limits.maxHeadBytes, "the reader keeps at most its limit");
  if (state == http::RequestReader::State::Complete) {
    fuzz::check(!whole.request().path.empty(), "a request has a path");
    fuzz::check(whole.request().headers.size() <= limits.maxHeaders, "header count is bounded");
  }
  if (state == http::RequestReader::State::Failed) {
    fuzz::check(whole.error().status >= 400 && whole.error().status < 600, "a refusal is 4xx or 5xx");
    fuzz::check(!whole.error().reason.empty(), "a refusal says why");
  }

  const std::size_t split = size == 0 ? 0 : data[0] % size;
  http::RequestReader pieces(limits);
  pieces.feed(text.substr(0, split));
  pieces.feed(text.substr(split));
  fuzz::check(pieces.state() == state, "splitting the bytes does not change the outcome");
  if (state == http::RequestReader::State::Complete) {
    fuzz::check(pieces.request() == whole.request(), "splitting the bytes does not change the request");
  }
  if (state == http::RequestReader::State::Failed) {
    fuzz::check(pieces.error() == whole.error(), "splitting the bytes does not change the refusal");
  }

  http::parseRequestHead(text, limits.maxHeaders);
  return 0;
}
