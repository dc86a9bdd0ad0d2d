// D-Bus method arguments (virtual service keys, drain targets, log levels) as any client may send them:
// malformed ones throw a named sdbus::Error, canonical keys survive a print and a parse.

#include <sdbus-c++/Error.h>

#include <string>

#include "bus/arguments.hpp"
#include "fuzz_support.hpp"

using namespace kipvs;

namespace {

template <typename F>
void expectOnlyBusError(F&& call) {
  try {
    call();
  } catch (const sdbus::Error& e) {
    fuzz::check(!e.getName().empty() && !e.getMessage().empty(), "a bus error has a name and a message");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  if (const auto key = bus::parseKey(text)) {
    const auto reparsed = bus::parseKey(key->toString());
    fuzz::check(reparsed && *reparsed == *key, "a parsed key prints as a key that parses the same");
  }
  expectOnlyBusError([&] { bus::requireKey(text); });
  expectOnlyBusError([&] { bus::requireLogLevel(text); });

  // Two-argument methods: the input split at its first '|' (scope|target, protocol|address).
  const std::size_t bar = text.find('|');
  const std::string_view first = text.substr(0, bar);
  const std::string_view second = bar == std::string_view::npos ? std::string_view{} : text.substr(bar + 1);
  expectOnlyBusError([&] { bus::requireDrainTarget(first, second); });
  for (const char* scope : {"node", "service", "endpoint"}) {
    expectOnlyBusError([&] { bus::requireDrainTarget(scope, text); });
  }
  const auto port = static_cast<std::uint16_t>(size > 1 ? data[0] << 8 | data[1] : size);
  expectOnlyBusError([&] { bus::requireEndpointKey(second, port, first); });
  return 0;
}
