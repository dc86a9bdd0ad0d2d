#include "core/log.hpp"

#include <atomic>
#include <iostream>
#include <mutex>

namespace kipvs::log {
namespace {

std::atomic<int> gMaximum{static_cast<int>(Level::Info)};
std::mutex gSinkMutex;
Sink gSink;  // guarded by gSinkMutex; empty = stderr

void writeStderr(Level level, std::string_view message, const Fields& fields) {
  std::string line = "<" + std::to_string(static_cast<int>(level)) + ">" + std::string(message);
  for (const auto& [key, value] : fields) {
    line.append(" ").append(key).append("=").append(value);
  }
  line += '\n';
  std::cerr << line << std::flush;
}

}  // namespace

void setSink(Sink sink) {
  const std::lock_guard lock(gSinkMutex);
  gSink = std::move(sink);
}

void setLevel(Level maximum) {
  gMaximum = static_cast<int>(maximum);
}

Level level() {
  return static_cast<Level>(gMaximum.load());
}

bool enabled(Level candidate) {
  return static_cast<int>(candidate) <= gMaximum.load();
}

std::optional<Level> parseLevel(std::string_view name) {
  for (const auto candidate : {Level::Error, Level::Warning, Level::Notice, Level::Info, Level::Debug}) {
    if (name == toString(candidate)) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::string_view toString(Level level) {
  switch (level) {
    case Level::Error:
      return "error";
    case Level::Warning:
      return "warning";
    case Level::Notice:
      return "notice";
    case Level::Info:
      return "info";
    case Level::Debug:
      return "debug";
  }
  return "?";
}

void write(Level level, std::string_view message, const Fields& fields) {
  if (!enabled(level)) {
    return;
  }
  const std::lock_guard lock(gSinkMutex);
  if (gSink) {
    gSink(level, message, fields);
  } else {
    writeStderr(level, message, fields);
  }
}

}  // namespace kipvs::log
