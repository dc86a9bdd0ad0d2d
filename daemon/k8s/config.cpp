#include "k8s/config.hpp"

#include <Poco/Base64Decoder.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kipvs::k8s {

namespace {

std::string readFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError("cannot read " + what + " " + path);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string decodeBase64(const std::string& data, const std::string& field) {
  std::istringstream in(data);
  Poco::Base64Decoder decoder(in);
  std::string out;
  try {
    char buffer[4096];
    while (decoder.read(buffer, sizeof buffer) || decoder.gcount() > 0) {
      out.append(buffer, static_cast<std::size_t>(decoder.gcount()));
    }
  } catch (const std::exception& e) {
    throw ConfigError(field + ": invalid base64: " + e.what());
  }
  return out;
}

std::string str(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string{};
}

YAML::Node findNamed(const YAML::Node& root, const char* list, const char* item, const std::string& name) {
  const YAML::Node entries = root[list];
  if (entries && entries.IsSequence()) {
    for (const auto& entry : entries) {
      if (str(entry, "name") == name) {
        return entry[item] ? entry[item] : YAML::Node(YAML::NodeType::Map);
      }
    }
  }
  throw ConfigError(std::string("kubeconfig has no ") + item + " named \"" + name + "\"");
}

// "<field>-data" (base64, wins) or "<field>" (a path relative to the kubeconfig's directory).
std::string dataOrFile(const YAML::Node& node, const std::string& field, const std::filesystem::path& dir,
                       const KubeconfigFileReader& reader) {
  if (const std::string data = str(node, (field + "-data").c_str()); !data.empty()) {
    return decodeBase64(data, field + "-data");
  }
  if (const std::string file = str(node, field.c_str()); !file.empty()) {
    const std::filesystem::path path(file);
    return reader((path.is_absolute() ? path : dir / path).string(), field);
  }
  return {};
}

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return {};
  }
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

std::string joinHostPort(const std::string& host, const std::string& port) {
  const bool v6 = host.find(':') != std::string::npos && host.front() != '[';
  return "https://" + (v6 ? "[" + host + "]" : host) + ":" + port;
}

ClusterConfig loadKubeconfig(const std::string& path, const std::string& context) {
  return parseKubeconfig(readFile(path, "kubeconfig"), path, context);
}

namespace {

ClusterConfig readKubeconfig(std::string_view text, const std::string& path, const std::string& context,
                             const KubeconfigFileReader& fileReader) {
  const KubeconfigFileReader reader = fileReader ? fileReader : KubeconfigFileReader(readFile);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw ConfigError("cannot parse kubeconfig " + path + ": " + e.what());
  }
  const std::string contextName = context.empty() ? str(root, "current-context") : context;
  if (contextName.empty()) {
    throw ConfigError("kubeconfig " + path + " has no current-context");
  }
  const YAML::Node ctx = findNamed(root, "contexts", "context", contextName);
  const YAML::Node cluster = findNamed(root, "clusters", "cluster", str(ctx, "cluster"));
  const std::string userName = str(ctx, "user");
  const YAML::Node user =
      userName.empty() ? YAML::Node(YAML::NodeType::Map) : findNamed(root, "users", "user", userName);
  const std::filesystem::path dir = std::filesystem::absolute(path).parent_path();

  ClusterConfig config;
  config.origin = "kubeconfig " + path + " (context " + contextName + ")";
  config.server = str(cluster, "server");
  if (config.server.empty()) {
    throw ConfigError(config.origin + ": cluster has no server");
  }
  config.caPem = dataOrFile(cluster, "certificate-authority", dir, reader);
  config.insecureSkipTlsVerify =
      cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>();
  if (config.insecureSkipTlsVerify && !config.caPem.empty()) {
    throw ConfigError(config.origin +
                      ": specifying a root certificates file with the insecure flag is not allowed");
  }
  config.tlsServerName = str(cluster, "tls-server-name");
  config.disableCompression = cluster["disable-compression"] && cluster["disable-compression"].as<bool>();
  config.clientCertPem = dataOrFile(user, "client-certificate", dir, reader);
  config.clientKeyPem = dataOrFile(user, "client-key", dir, reader);
  if (config.clientCertPem.empty() != config.clientKeyPem.empty()) {
    throw ConfigError(config.origin + ": client-certificate and client-key must be given together");
  }
  config.token = str(user, "token");
  if (config.token.empty()) {
    if (const std::string file = str(user, "tokenFile"); !file.empty()) {
      const std::filesystem::path p(file);
      config.tokenFile = (p.is_absolute() ? p : dir / p).string();
    }
  }
  return config;
}

}  // namespace

ClusterConfig parseKubeconfig(std::string_view text, const std::string& path, const std::string& context,
                              const KubeconfigFileReader& fileReader) {
  try {
    return readKubeconfig(text, path, context, fileReader);
  } catch (const YAML::Exception& e) {
    // A field of the wrong shape (a scalar where a map belongs, "yes please" for a boolean).
    throw ConfigError("kubeconfig " + path + ": " + e.what());
  }
}

ClusterConfig inClusterConfig(const std::function<const char*(const char*)>& getenv,
                              const std::string& server, const InClusterPaths& paths) {
  ClusterConfig config;
  config.origin = "in-cluster";
  if (!server.empty()) {
    config.server = server;
  } else {
    const char* host = getenv("KUBERNETES_SERVICE_HOST");
    const char* port = getenv("KUBERNETES_SERVICE_PORT");
    if (host == nullptr || port == nullptr || *host == '\0' || *port == '\0') {
      throw ConfigError(
          "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
    }
    config.server = joinHostPort(host, port);
  }
  config.caPem = readFile(paths.caFile, "service-account CA");
  config.tokenFile = paths.tokenFile;
  return config;
}

TokenSource::TokenSource(std::string token, std::string file, Clock clock, std::chrono::seconds period)
    : staticToken_(std::move(token)), file_(std::move(file)), clock_(std::move(clock)), period_(period) {}

std::string TokenSource::token() {
  const std::lock_guard lock(mutex_);
  if (!staticToken_.empty() || file_.empty()) {
    return staticToken_;
  }
  const auto now = clock_();
  if (readAt_ && now - *readAt_ < period_) {
    return cached_;
  }
  readAt_ = now;
  std::ifstream in(file_, std::ios::binary);
  std::ostringstream text;
  if (in) {
    text << in.rdbuf();
  }
  if (std::string fresh = trim(text.str()); !fresh.empty()) {
    cached_ = std::move(fresh);
  } else if (cached_.empty()) {
    readAt_.reset();  // nothing usable yet: try again on the next request
    throw ConfigError("token file " + file_ + " is empty or unreadable");
  }
  return cached_;
}

void TokenSource::invalidate() {
  const std::lock_guard lock(mutex_);
  readAt_.reset();
}

}  // namespace kipvs::k8s
