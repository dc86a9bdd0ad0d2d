#pragma once

// The one error type of the IPVS layer: an errno plus what was being attempted, e.g.
// "add virtual service TCP 10.0.0.1:80: File exists". Malformed kernel replies carry EBADMSG,
// values that cannot be encoded carry EINVAL.

#include <string>
#include <system_error>

namespace kipvs::ipvs {

class IpvsError : public std::system_error {
 public:
  IpvsError(int errnum, const std::string& attempted)
      : std::system_error(errnum, std::system_category(), attempted), attempted_(attempted) {}

  int errnum() const { return code().value(); }
  const std::string& attempted() const { return attempted_; }

 private:
  std::string attempted_;
};

}  // namespace kipvs::ipvs
