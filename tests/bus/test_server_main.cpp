// kipvs-bus-test-server: the publisher over the fake ControlPort on a given bus, for busctl/gdbus/kipvsctl
// runs by hand and for the scale measurement.
//   kipvs-bus-test-server --address unix:path=... [--services N]   (N synthetic services, else the known
//   state)
// Prints "ready <pid>" once the name is owned; exits on SIGTERM or SIGINT.

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "known_state.hpp"
#include "test_server.hpp"

int main(int argc, char** argv) {
  std::string address;
  long services = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--address") {
      address = argv[i + 1];
    } else if (flag == "--services") {
      services = std::strtol(argv[i + 1], nullptr, 10);
    }
  }
  if (address.empty()) {
    std::cerr << "usage: kipvs-bus-test-server --address ADDRESS [--services N]\n";
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the loop thread exists, so it inherits the mask
  const auto state = services >= 0 ? kipvs::test::syntheticState(static_cast<std::size_t>(services))
                                   : kipvs::test::knownState();
  kipvs::test::TestServer server(address, state);
  std::cout << "ready " << getpid() << std::endl;
  int received = 0;
  sigwait(&set, &received);
  return 0;
}
