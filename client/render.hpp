#pragma once

// Text tables (coloured only when asked) and the documented JSON for each command.

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "model.hpp"

namespace kipvs::ctl {

struct Style {
  bool colour = false;
  std::string paint(const std::string& text, const char* code) const;  // code: "1" bold, "31" red, ...
};

struct ShownService {
  ServiceRow row;
  std::optional<ServiceStats> stats;  // nullopt when the kernel could not say
};

void renderStatus(std::ostream& out, const StatusView& status, const Style& style);
void renderStatusJson(std::ostream& out, const StatusView& status);

void renderList(std::ostream& out, const std::vector<ServiceRow>& rows, const Style& style);
void renderListJson(std::ostream& out, const std::vector<ServiceRow>& rows);

void renderShow(std::ostream& out, const std::vector<ShownService>& shown, const Style& style);
void renderShowJson(std::ostream& out, const std::vector<ShownService>& shown);

// One line per (key, counters), named from `rows` when published.
void renderStatistics(std::ostream& out, const std::vector<std::pair<std::string, Counters>>& stats,
                      const std::vector<ServiceRow>& rows, const Style& style);
void renderStatisticsJson(std::ostream& out, const std::vector<std::pair<std::string, Counters>>& stats,
                          const std::vector<ServiceRow>& rows);

void renderExplain(std::ostream& out, const std::vector<ExplainView>& views, const Style& style);
void renderExplainJson(std::ostream& out, const std::vector<ExplainView>& views);

}  // namespace kipvs::ctl
