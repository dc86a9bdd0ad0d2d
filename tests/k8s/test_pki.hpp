#pragma once

// Test certificates generated at test time with the openssl CLI (never committed): a CA, a server
// certificate for 127.0.0.1/localhost, a client certificate, and an unrelated CA.

#include <string>

namespace kipvs::k8s::testing {

struct TestPki {
  std::string dir;
  std::string caCert, caKey;
  std::string serverCert, serverKey;
  std::string clientCert, clientKey;
  std::string otherCaCert;

  static const TestPki& get();  // generated once per test process
  static std::string read(const std::string& path);
};

}  // namespace kipvs::k8s::testing
