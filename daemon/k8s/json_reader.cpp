#include "k8s/json_reader.hpp"

#include <charconv>
#include <cstring>

namespace kipvs::k8s {

namespace {

bool isWs(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

void JsonReader::fail(const std::string& what) const {
  throw JsonError(what, pos_);
}

void JsonReader::skipWs() {
  while (pos_ < text_.size() && isWs(text_[pos_])) {
    ++pos_;
  }
}

char JsonReader::next() {
  skipWs();
  if (pos_ >= text_.size()) {
    fail("unexpected end of JSON");
  }
  return text_[pos_];
}

bool JsonReader::atEnd() {
  skipWs();
  return pos_ >= text_.size();
}

JsonType JsonReader::peek() {
  switch (next()) {
    case 'n':
      return JsonType::Null;
    case 't':
    case 'f':
      return JsonType::Bool;
    case '"':
      return JsonType::String;
    case '[':
      return JsonType::Array;
    case '{':
      return JsonType::Object;
    default:
      break;
  }
  const char c = text_[pos_];
  if (c == '-' || (c >= '0' && c <= '9')) {
    return JsonType::Number;
  }
  fail(std::string("unexpected character '") + c + "'");
}

void JsonReader::expectLiteral(std::string_view literal) {
  if (text_.substr(pos_, literal.size()) != literal) {
    fail("invalid literal");
  }
  pos_ += literal.size();
}

bool JsonReader::tryNull() {
  if (next() != 'n') {
    return false;
  }
  expectLiteral("null");
  return true;
}

bool JsonReader::readBool() {
  const char c = next();
  if (c == 't') {
    expectLiteral("true");
    return true;
  }
  if (c == 'f') {
    expectLiteral("false");
    return false;
  }
  fail("expected a boolean");
}

std::string_view JsonReader::skipNumber() {
  // JSON's grammar exactly: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. On failure nothing is
  // consumed, so a caller that catches the error can still skip() the value (and fail there).
  const std::size_t start = pos_;
  const auto at = [this](char c) { return pos_ < text_.size() && text_[pos_] == c; };
  const auto digits = [this] {
    const std::size_t from = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      ++pos_;
    }
    return pos_ - from;
  };
  const auto bad = [&] {
    pos_ = start;
    fail("expected a number");
  };
  if (at('-')) {
    ++pos_;
  }
  const std::size_t wholeStart = pos_;
  const std::size_t whole = digits();
  if (whole == 0 || (whole > 1 && text_[wholeStart] == '0')) {
    bad();
  }
  if (at('.')) {
    ++pos_;
    if (digits() == 0) {
      bad();
    }
  }
  if (at('e') || at('E')) {
    ++pos_;
    if (at('+') || at('-')) {
      ++pos_;
    }
    if (digits() == 0) {
      bad();
    }
  }
  return text_.substr(start, pos_ - start);
}

std::int64_t JsonReader::readInt() {
  if (peek() != JsonType::Number) {
    fail("expected a number");
  }
  const std::size_t start = pos_;
  const std::string_view digits = skipNumber();
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || end != digits.data() + digits.size()) {
    pos_ = start;
    fail("expected an integer");
  }
  return value;
}

void JsonReader::unescapeInto(std::string& out) {
  // pos_ is at the first backslash; the string's opening quote is behind us.
  while (true) {
    if (pos_ >= text_.size()) {
      fail("unterminated string");
    }
    const char c = text_[pos_++];
    if (c == '"') {
      return;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      fail("control character in string");
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (pos_ >= text_.size()) {
      fail("unterminated escape");
    }
    const char e = text_[pos_++];
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out.push_back(e);
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        auto hex4 = [this]() {
          if (pos_ + 4 > text_.size()) {
            fail("short \\u escape");
          }
          std::uint32_t v = 0;
          const auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, v, 16);
          if (ec != std::errc{} || end != text_.data() + pos_ + 4) {
            fail("bad \\u escape");
          }
          pos_ += 4;
          return v;
        };
        std::uint32_t cp = hex4();
        if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
          pos_ += 2;
          const std::uint32_t low = hex4();
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            appendUtf8(out, 0xFFFD);
            cp = low;
          }
        }
        if (cp >= 0xD800 && cp < 0xE000) {
          cp = 0xFFFD;  // lone surrogate, as Go's decoder does
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        fail("bad escape");
    }
  }
}

std::string_view JsonReader::readString(std::string& scratch) {
  if (next() != '"') {
    fail("expected a string");
  }
  const std::size_t start = ++pos_;
  const char* data = text_.data();
  const std::size_t size = text_.size();
  std::size_t i = pos_;
  while (i < size) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c == '"') {
      pos_ = i + 1;
      return text_.substr(start, i - start);
    }
    if (c == '\\') {
      scratch.assign(data + start, i - start);
      pos_ = i;
      unescapeInto(scratch);
      return scratch;
    }
    if (c < 0x20) {
      pos_ = i;
      fail("control character in string");
    }
    ++i;
  }
  pos_ = size;
  fail("unterminated string");
}

std::string JsonReader::readString() {
  std::string scratch;
  const std::string_view view = readString(scratch);
  return view.data() == scratch.data() ? std::move(scratch) : std::string(view);
}

void JsonReader::beginObject() {
  if (next() != '{') {
    fail("expected an object");
  }
  ++pos_;
  first_ = true;
}

bool JsonReader::nextKey(std::string_view& key) {
  char c = next();
  if (c == '}') {
    ++pos_;
    first_ = false;
    return false;
  }
  if (!first_) {
    if (c != ',') {
      fail("expected ',' or '}'");
    }
    ++pos_;
    c = next();
  }
  first_ = false;
  if (c != '"') {
    fail("expected a key");
  }
  key = readString(keyScratch_);
  if (next() != ':') {
    fail("expected ':'");
  }
  ++pos_;
  return true;
}

void JsonReader::beginArray() {
  if (next() != '[') {
    fail("expected an array");
  }
  ++pos_;
  first_ = true;
}

bool JsonReader::nextElement() {
  const char c = next();
  if (c == ']') {
    ++pos_;
    first_ = false;
    return false;
  }
  if (!first_) {
    if (c != ',') {
      fail("expected ',' or ']'");
    }
    ++pos_;
  }
  first_ = false;
  return true;
}

void JsonReader::skip() {
  switch (peek()) {
    case JsonType::Null:
      expectLiteral("null");
      return;
    case JsonType::Bool:
      readBool();
      return;
    case JsonType::Number:
      skipNumber();
      return;
    case JsonType::String: {
      std::string scratch;
      readString(scratch);
      return;
    }
    case JsonType::Array:
      beginArray();
      while (nextElement()) {
        skip();
      }
      return;
    case JsonType::Object: {
      beginObject();
      std::string_view key;
      while (nextKey(key)) {
        skip();
      }
      return;
    }
  }
}

}  // namespace kipvs::k8s
