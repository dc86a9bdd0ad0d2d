#pragma once

// The one logging facade of kipvs. Every layer logs through it; the daemon installs a journal sink
// (structured fields such as KIPVS_SERVICE=, ERRNO=), tests install a capturing sink. Default: stderr
// with a syslog-style "<N>" priority prefix, which journald understands, and no timestamp.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kipvs::log {

// syslog priorities.
enum class Level : int { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

using Field = std::pair<std::string, std::string>;  // e.g. {"KIPVS_SERVICE", "shop/web"}
using Fields = std::vector<Field>;
using Sink = std::function<void(Level, std::string_view message, const Fields& fields)>;

void setSink(Sink sink);  // nullptr restores the stderr sink
void setLevel(Level maximum);
Level level();
bool enabled(Level level);
std::optional<Level> parseLevel(std::string_view name);  // "error" … "debug"
std::string_view toString(Level level);

void write(Level level, std::string_view message, const Fields& fields = {});

inline void error(std::string_view message, const Fields& fields = {}) {
  write(Level::Error, message, fields);
}
inline void warning(std::string_view message, const Fields& fields = {}) {
  write(Level::Warning, message, fields);
}
inline void notice(std::string_view message, const Fields& fields = {}) {
  write(Level::Notice, message, fields);
}
inline void info(std::string_view message, const Fields& fields = {}) {
  write(Level::Info, message, fields);
}
inline void debug(std::string_view message, const Fields& fields = {}) {
  write(Level::Debug, message, fields);
}

}  // namespace kipvs::log
