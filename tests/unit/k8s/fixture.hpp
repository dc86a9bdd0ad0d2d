#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace kipvs::k8s::testing {

inline std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(KIPVS_FIXTURES_DIR) + "/" + name, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open fixture " + name);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace kipvs::k8s::testing
