#pragma once

// The post-sync listener that tells systemd what the daemon serves: READY=1 with the first status line
// once the first sync is applied (or ready-timeout has passed without one), then STATUS= each time the
// line changes (never twice the same). Before READY only failures are told: the start's "waiting for …"
// line is sent by the caller.

#include <string>

#include "app/sync_listener.hpp"

namespace kipvs::app {

class StatusAnnouncements {
 public:
  virtual ~StatusAnnouncements() = default;
  virtual void ready(const std::string& line) = 0;   // once
  virtual void status(const std::string& line) = 0;  // each change
};

class StatusLine final : public SyncListener {
 public:
  explicit StatusLine(StatusAnnouncements& out) : out_(out) {}

  void statusChanged(const DaemonStatus& status) override;

 private:
  StatusAnnouncements& out_;
  bool readySent_ = false;
  std::string last_;
};

}  // namespace kipvs::app
