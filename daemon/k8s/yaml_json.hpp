#pragma once

// YAML manifests → JSON text, so static manifests go through the same decoder as the API server's
// objects. Plain scalars become numbers, booleans or null when YAML 1.2's core schema says so;
// quoted scalars always stay strings ("80" is a string, 80 a number).

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kipvs::k8s {

struct YamlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Every document of a (multi-document) YAML stream as JSON; empty documents are skipped.
// Throws YamlError with the line of the problem.
std::vector<std::string> yamlDocumentsToJson(std::string_view yaml);

}  // namespace kipvs::k8s
