#pragma once

// Splits a watch body into complete JSON documents as bytes arrive (watch edge cases 1-5, daemon/README.md):
// events may share a chunk or span many, be separated by "\n", "\r\n" or nothing. A partial document at the
// end of the stream stays buffered (and is dropped by the caller) — half an object is never applied.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace kipvs::k8s {

class JsonStreamFramer {
 public:
  explicit JsonStreamFramer(std::size_t maxDocument = 64U << 20) : maxDocument_(maxDocument) {}

  // Calls onDocument for every document completed by `bytes`. Throws JsonError on bytes that cannot
  // start a document (garbage between events) or on a document larger than maxDocument.
  void feed(std::string_view bytes, const std::function<void(std::string_view)>& onDocument);
  bool hasPartial() const { return !buffer_.empty(); }
  std::size_t partialSize() const { return buffer_.size(); }

 private:
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ already scanned
  int depth_ = 0;
  bool inString_ = false;
  bool escape_ = false;
  std::size_t maxDocument_;
};

}  // namespace kipvs::k8s
