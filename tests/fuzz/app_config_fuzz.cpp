// kipvsd.conf and its drop-ins: any text yields a Config plus a list of problems, never an exception;
// every `key=value` line is also tried as a command-line override.

#include <string>

#include "app/config.hpp"
#include "fuzz_support.hpp"

using namespace kipvs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  app::Config config;
  for (const auto& error : app::applyConfigText(config, text, "fuzz.conf")) {
    fuzz::check(!error.toString().empty(), "a config error says why");
  }
  app::Config again;
  app::applyConfigText(again, text, "fuzz.conf");
  fuzz::check(again == config, "parsing is deterministic");

  app::Config overridden;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    if (const auto error = app::applyConfigOverride(overridden, line)) {
      fuzz::check(!error->toString().empty(), "an override error says why");
    }
    app::parseDuration(line);
    start = end + 1;
  }
  return 0;
}
