#include "k8s/json_stream.hpp"

#include "k8s/json_reader.hpp"

namespace kipvs::k8s {

void JsonStreamFramer::feed(std::string_view bytes, const std::function<void(std::string_view)>& onDocument) {
  buffer_.append(bytes);
  std::size_t start = 0;  // start of the current document within buffer_
  std::size_t i = scanned_;
  while (i < buffer_.size()) {
    const char c = buffer_[i];
    if (depth_ == 0) {
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        start = ++i;
        continue;
      }
      if (c != '{') {
        buffer_.clear();
        scanned_ = 0;
        throw JsonError(std::string("unexpected '") + c + "' between watch events", i);
      }
      depth_ = 1;
      ++i;
      continue;
    }
    if (inString_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        inString_ = false;
      }
    } else if (c == '"') {
      inString_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) {
        onDocument(std::string_view(buffer_).substr(start, i + 1 - start));
        start = i + 1;
      }
    }
    ++i;
  }
  buffer_.erase(0, start);
  scanned_ = buffer_.size();
  if (buffer_.size() > maxDocument_) {
    buffer_.clear();
    scanned_ = 0;
    depth_ = 0;
    inString_ = escape_ = false;
    throw JsonError("watch event larger than " + std::to_string(maxDocument_) + " bytes", 0);
  }
}

}  // namespace kipvs::k8s
