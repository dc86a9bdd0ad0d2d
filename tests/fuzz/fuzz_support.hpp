#pragma once

// Shared by the fuzz targets: the input as text, and a check that turns a broken invariant into a crash
// libFuzzer reports (and the corpus replay fails on).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace kipvs::fuzz {

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void check(bool holds, const char* invariant) {
  if (!holds) {
    std::fprintf(stderr, "fuzz: invariant broken: %s\n", invariant);
    std::abort();
  }
}

}  // namespace kipvs::fuzz

// Every target defines this (libFuzzer's entry point; replay_main.cpp calls it under g++).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
