// kubeconfig parsing: anything but a usable config is a ConfigError naming the file. Files the
// kubeconfig names are never read here (the reader refuses them), so inputs stay hermetic.

#include "fuzz_support.hpp"
#include "k8s/config.hpp"

using namespace kipvs;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  const k8s::KubeconfigFileReader noFiles = [](const std::string& path,
                                               const std::string& what) -> std::string {
    throw k8s::ConfigError("cannot read " + what + " " + path + " (the fuzzer reads no files)");
  };
  for (const char* context : {"", "fuzz"}) {
    try {
      const k8s::ClusterConfig config = k8s::parseKubeconfig(text, "/fuzz/kubeconfig", context, noFiles);
      fuzz::check(!config.server.empty(), "a parsed config has a server");
      fuzz::check(!(config.insecureSkipTlsVerify && !config.caPem.empty()),
                  "insecure and a CA never together");
      fuzz::check(config.clientCertPem.empty() == config.clientKeyPem.empty(),
                  "certificate and key together");
    } catch (const k8s::ConfigError& e) {
      fuzz::check(e.what()[0] != '\0', "a config error says why");
    }
  }
  return 0;
}
