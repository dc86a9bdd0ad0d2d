#include "test_pki.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kipvs::k8s::testing {

namespace {

void run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("test PKI: command failed: " + command);
  }
}

TestPki generate() {
  std::string pattern = (std::filesystem::temp_directory_path() / "kipvs-pki-XXXXXX").string();
  TestPki pki;
  pki.dir = mkdtemp(pattern.data());
  const std::string d = pki.dir + "/";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  run("openssl req -x509 " + ec + " -keyout " + d + "ca.key -out " + d +
      "ca.crt -days 2 -subj /CN=kipvs-test-ca");
  run("openssl req -x509 " + ec + " -keyout " + d + "other.key -out " + d +
      "other.crt -days 2 -subj /CN=other-ca");
  std::ofstream(d + "server.ext") << "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:api.kipvs.test\n"
                                  << "extendedKeyUsage=serverAuth\n";
  std::ofstream(d + "client.ext") << "extendedKeyUsage=clientAuth\n";
  for (const std::string name : {"server", "client"}) {
    run("openssl req " + ec + " -keyout " + d + name + ".key -out " + d + name +
        ".csr -subj /CN=" + (name == "server" ? "kube-apiserver" : "system:kube-proxy"));
    run("openssl x509 -req -in " + d + name + ".csr -CA " + d + "ca.crt -CAkey " + d +
        "ca.key -CAcreateserial -out " + d + name + ".crt -days 2 -extfile " + d + name + ".ext");
  }
  pki.caCert = d + "ca.crt";
  pki.caKey = d + "ca.key";
  pki.serverCert = d + "server.crt";
  pki.serverKey = d + "server.key";
  pki.clientCert = d + "client.crt";
  pki.clientKey = d + "client.key";
  pki.otherCaCert = d + "other.crt";
  return pki;
}

}  // namespace

const TestPki& TestPki::get() {
  static const TestPki pki = generate();
  static const struct Cleanup {
    ~Cleanup() { std::filesystem::remove_all(pki.dir); }
  } cleanup;
  return pki;
}

std::string TestPki::read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace kipvs::k8s::testing
