#pragma once

// How to reach the API server (client-go rest/config.go, tools/clientcmd): from a kubeconfig (current context
// or a named one) or in-cluster (service-account token + ca.crt), with an explicit API server address for a
// proxy that must not reach the API through a ClusterIP it implements itself.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kipvs::k8s {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ClusterConfig {
  std::string server;  // https://host:port (IPv6 hosts bracketed)
  std::string caPem;   // empty: system trust store
  bool insecureSkipTlsVerify = false;
  std::string tlsServerName;  // SNI and the name verified in the server certificate
  std::string clientCertPem;
  std::string clientKeyPem;
  std::string token;      // static bearer token (wins over tokenFile)
  std::string tokenFile;  // re-read: bound service-account tokens rotate
  bool disableCompression = false;
  std::string origin;  // for logs: "kubeconfig /etc/kipvs/kubeconfig (context x)" or "in-cluster"
};

// Loads `path`; `context` empty = current-context. Relative file paths resolve against the
// kubeconfig's directory; *-data wins over the file form; token wins over tokenFile;
// insecure-skip-tls-verify together with a CA is an error (as in client-go).
ClusterConfig loadKubeconfig(const std::string& path, const std::string& context = {});

// Reads a file the kubeconfig names (`what`: "certificate-authority", ...); throws ConfigError.
using KubeconfigFileReader = std::function<std::string(const std::string& path, const std::string& what)>;
// loadKubeconfig on text already read from `path` (which only names it and anchors relative paths);
// files it refers to are read through `fileReader` (nullptr: the filesystem).
ClusterConfig parseKubeconfig(std::string_view text, const std::string& path, const std::string& context = {},
                              const KubeconfigFileReader& fileReader = nullptr);

struct InClusterPaths {
  std::string tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string caFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
};
// KUBERNETES_SERVICE_HOST/PORT through `getenv`, unless `server` is given explicitly.
ClusterConfig inClusterConfig(const std::function<const char*(const char*)>& getenv,
                              const std::string& server = {}, const InClusterPaths& paths = {});

// "https://" + host + ":" + port with IPv6 hosts bracketed.
std::string joinHostPort(const std::string& host, const std::string& port);

// A bearer token from a static string or a file re-read at most once per `period` and at once after
// invalidate() (a 401). Whitespace is trimmed; an empty or unreadable file keeps the previous token.
class TokenSource {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  TokenSource(std::string token, std::string file, Clock clock = std::chrono::steady_clock::now,
              std::chrono::seconds period = std::chrono::seconds(60));
  std::string token();
  void invalidate();
  bool empty() const { return staticToken_.empty() && file_.empty(); }

 private:
  std::mutex mutex_;
  std::string staticToken_;
  std::string file_;
  Clock clock_;
  std::chrono::seconds period_;
  std::string cached_;
  std::optional<std::chrono::steady_clock::time_point> readAt_;
};

}  // namespace kipvs::k8s
