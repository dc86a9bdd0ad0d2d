#pragma once

// The systemd side of kipvsd's logging and lifecycle: a log sink writing structured journal entries, and
// sd_notify() messages (READY, RELOADING, STOPPING, STATUS). Both are no-ops outside systemd.

#include <string_view>

namespace kipvs::app {

// Installs the journal sink when the journal is reachable (JOURNAL_STREAM set or the socket present);
// otherwise leaves the stderr sink. Returns whether the journal is used.
bool installJournalSink();

namespace notify {
void ready(std::string_view status);
void reloading(std::string_view status);
void stopping(std::string_view status);
void status(std::string_view status);
}  // namespace notify

}  // namespace kipvs::app
