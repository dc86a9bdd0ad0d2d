#include "app/journal.hpp"

#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/log.hpp"

namespace kipvs::app {
namespace {

void sendToJournal(log::Level level, std::string_view message, const log::Fields& fields) {
  std::vector<std::string> lines;
  lines.reserve(fields.size() + 3);
  lines.push_back("MESSAGE=" + std::string(message));
  lines.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
  lines.emplace_back("SYSLOG_IDENTIFIER=kipvsd");
  for (const auto& [key, value] : fields) {
    std::string line = key;
    line += '=';
    line += value;
    lines.push_back(std::move(line));
  }
  std::vector<iovec> iov;
  iov.reserve(lines.size());
  for (auto& line : lines) {
    iov.push_back({line.data(), line.size()});
  }
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

void send(const std::string& state) {
  sd_notify(0, state.c_str());
}

}  // namespace

bool installJournalSink() {
  std::error_code ec;
  if (std::getenv("JOURNAL_STREAM") == nullptr &&
      !std::filesystem::exists("/run/systemd/journal/socket", ec)) {
    return false;
  }
  log::setSink(sendToJournal);
  return true;
}

namespace notify {

void ready(std::string_view status) {
  send("READY=1\nSTATUS=" + std::string(status));
}

void reloading(std::string_view status) {
  // systemd 252 has no Type=notify-reload; MONOTONIC_USEC is harmless there and needed by later versions.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1'000'000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=" + std::string(status));
}

void stopping(std::string_view status) {
  send("STOPPING=1\nSTATUS=" + std::string(status));
}

void status(std::string_view status) {
  send("STATUS=" + std::string(status));
}

}  // namespace notify
}  // namespace kipvs::app
