// Kernel replies: a datagram split into netlink messages, and attribute payloads decoded as each IPVS
// reply kind. Only IpvsError (EBADMSG) may come out of hostile bytes.

#include <linux/ip_vs.h>

#include "fuzz_support.hpp"
#include "ipvs/codec.hpp"
#include "ipvs/ipvs_error.hpp"
#include "ipvs/message.hpp"

using namespace kipvs;

namespace {

template <typename F>
void expectOnlyIpvsError(F&& decode) {
  try {
    decode();
  } catch (const ipvs::IpvsError& e) {
    fuzz::check(e.errnum() != 0, "an IPVS error carries an errno");
  }
}

void decodeAll(std::span<const std::uint8_t> attributes) {
  expectOnlyIpvsError([&] { ipvs::decodeService(attributes); });
  expectOnlyIpvsError([&] { ipvs::decodeRealServer(attributes, core::IpFamily::V4); });
  expectOnlyIpvsError([&] { ipvs::decodeRealServer(attributes, core::IpFamily::V6); });
  expectOnlyIpvsError([&] { ipvs::decodeInfo(attributes); });
  expectOnlyIpvsError([&] { ipvs::decodeConfig(attributes); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  decodeAll(bytes);  // the fuzzer reaches the attribute decoders directly, without framing first
  expectOnlyIpvsError([&] {
    for (const auto& message : ipvs::splitMessages(bytes)) {
      fuzz::check(
          message.payload.data() >= data && message.payload.data() + message.payload.size() <= data + size,
          "a message payload lies inside the datagram");
      if (message.isError() || message.isDone()) {
        expectOnlyIpvsError([&] { fuzz::check(message.errnum() >= 0, "errno is positive"); });
        continue;
      }
      expectOnlyIpvsError([&] {
        message.genlCommand();
        decodeAll(message.genlAttributes());
      });
    }
  });
  return 0;
}
