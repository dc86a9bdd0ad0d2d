#pragma once

// Heap accounting for benchmarks: global operator new/delete count live bytes and their peak.

#include <cstddef>

namespace kipvs::bench {

std::size_t liveBytes();
std::size_t peakBytes();
void resetPeak();  // peak := live

}  // namespace kipvs::bench
