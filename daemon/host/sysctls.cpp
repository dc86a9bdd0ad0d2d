#include "host/sysctls.hpp"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <system_error>

#include "host/file_util.hpp"

namespace kipvs::host {
namespace {

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  return std::string(text.substr(begin, text.find_last_not_of(" \t\n") - begin + 1));
}

[[noreturn]] void fail(int error, std::string_view key, std::string_view action,
                       const std::filesystem::path& path) {
  std::string what = "sysctl " + std::string(key) + ": " + std::string(action) + " " + path.string();
  if (error == ENOENT && key.starts_with("net/ipv4/vs/")) {
    what += " (is the ip_vs module loaded?)";
  }
  throw std::system_error(error, std::generic_category(), what);
}

}  // namespace

std::string Sysctls::read(std::string_view key) const {
  const auto path = root_ / key;
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    fail(errno, key, "open", path);
  }
  std::string content;
  if (const int error = readAll(fd.get(), content); error != 0) {
    fail(error, key, "read", path);
  }
  return trim(content);
}

void Sysctls::write(std::string_view key, std::string_view value) const {
  const auto path = root_ / key;
  const Fd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (fd.get() < 0) {
    fail(errno, key, "open", path);
  }
  const std::string line = std::string(value) + "\n";
  const auto n = ::write(fd.get(), line.data(), line.size());
  if (n < 0) {
    fail(errno, key, "write " + std::string(value) + " to", path);
  }
  if (static_cast<std::size_t>(n) != line.size()) {
    fail(EIO, key, "short write to", path);
  }
}

std::optional<KernelVersion> KernelVersion::parse(std::string_view release) {
  KernelVersion version;
  const char* at = release.data();
  const char* const end = release.data() + release.size();
  auto number = [&](int& out) {
    const auto [next, error] = std::from_chars(at, end, out);
    at = next;
    return error == std::errc{};
  };
  auto dot = [&] { return at != end && *at == '.' && ++at != nullptr; };
  if (!number(version.major) || !dot() || !number(version.minor)) {
    return std::nullopt;
  }
  if (dot() && !number(version.patch)) {
    version.patch = 0;  // "5.10.-rc1" and the like: the patch level is optional
  }
  return version;
}

KernelVersion KernelVersion::running() {
  utsname name{};
  if (::uname(&name) != 0) {
    throw std::system_error(errno, std::generic_category(), "uname");
  }
  if (auto version = parse(name.release)) {
    return *version;
  }
  throw std::system_error(EINVAL, std::generic_category(),
                          std::string("cannot parse kernel release '") + name.release + "'");
}

bool needsConnReuseModeZero(KernelVersion kernel) {
  return kernel >= KernelVersion{4, 1, 0} && kernel < KernelVersion{5, 9, 0};
}

std::vector<std::pair<std::string, std::string>> wantedSysctls(const KernelSettings& settings,
                                                               KernelVersion kernel) {
  std::vector<std::pair<std::string, std::string>> wanted{
      {"net/ipv4/vs/conntrack", "1"},  // IPVS keeps conntrack entries, so masquerade (nft) works
      {"net/ipv4/vs/expire_nodest_conn", "1"},
      {"net/ipv4/vs/expire_quiescent_template", "1"},
      {"net/ipv4/ip_forward", "1"},
  };
  if (needsConnReuseModeZero(kernel)) {
    wanted.emplace_back("net/ipv4/vs/conn_reuse_mode", "0");
  }
  if (settings.ipv6Forwarding) {
    wanted.emplace_back("net/ipv6/conf/all/forwarding", "1");
  }
  if (settings.strictArp) {
    wanted.emplace_back("net/ipv4/conf/all/arp_ignore", "1");
    wanted.emplace_back("net/ipv4/conf/all/arp_announce", "2");
  }
  return wanted;
}

std::vector<SysctlChange> applyKernelSettings(
    const Sysctls& sysctls, const KernelSettings& settings, KernelVersion kernel,
    const std::function<void(const IpvsTimeouts&)>& setIpvsTimeouts) {
  std::vector<SysctlChange> changes;
  for (const auto& [key, value] : wantedSysctls(settings, kernel)) {
    auto before = sysctls.read(key);
    if (before != value) {
      sysctls.write(key, value);
      changes.push_back({.key = key, .before = std::move(before), .after = value});
    }
  }
  if (settings.timeouts.any() && setIpvsTimeouts) {
    setIpvsTimeouts(settings.timeouts);
  }
  return changes;
}

}  // namespace kipvs::host
