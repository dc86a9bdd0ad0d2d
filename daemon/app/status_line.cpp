#include "app/status_line.hpp"

namespace kipvs::app {

void StatusLine::statusChanged(const DaemonStatus& status) {
  auto line = statusLineOf(status);
  if (!readySent_ && (status.ready || status.readyTimedOut)) {
    readySent_ = true;
    last_ = line;
    out_.ready(line);
    return;
  }
  if (!readySent_ && status.lastSyncOk) {
    return;
  }
  if (line != last_) {
    last_ = std::move(line);
    out_.status(last_);
  }
}

}  // namespace kipvs::app
