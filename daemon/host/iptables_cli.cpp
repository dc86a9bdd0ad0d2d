#include "host/iptables_cli.hpp"

#include <stdexcept>

#include "host/command.hpp"

namespace kipvs::host {
namespace {

std::string failure(const std::string& what, const CommandResult& result) {
  auto message = result.err.empty() ? result.out : result.err;
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return what + " exited " + std::to_string(result.status) + (message.empty() ? "" : ": " + message);
}

}  // namespace

std::vector<IptablesCli> IptablesCli::installed() {
  std::vector<IptablesCli> found;
  for (const auto* backend : {"iptables-nft", "ip6tables-nft", "iptables-legacy", "ip6tables-legacy"}) {
    if (programExists(std::string(backend) + "-save")) {
      found.emplace_back(backend);
    }
  }
  return found;
}

std::string IptablesCli::save() const {
  const auto result = runCommand({backend_ + "-save"});
  if (!result.ok()) {
    throw std::runtime_error(failure(backend_ + "-save", result));
  }
  return result.out;
}

void IptablesCli::restore(const std::string& script) const {
  const auto result = runCommand({backend_ + "-restore", "--noflush", "--wait=5"}, script);
  if (!result.ok()) {
    throw std::runtime_error(failure(backend_ + "-restore", result));
  }
}

std::optional<std::string> ipsetSave() {
  if (!programExists("ipset")) {
    return std::nullopt;
  }
  const auto result = runCommand({"ipset", "save"});
  if (!result.ok()) {
    throw std::runtime_error(failure("ipset save", result));
  }
  return result.out;
}

void ipsetDestroy(const std::string& name) {
  const auto result = runCommand({"ipset", "destroy", name});
  if (!result.ok()) {
    throw std::runtime_error(failure("ipset destroy " + name, result));
  }
}

}  // namespace kipvs::host
