#pragma once

#include <string>
#include <string_view>

namespace convene::util {

/// The key a per-client limit counts an address under: an IPv4 address as it is, an IPv6
/// address by its /64 network (one home or phone gets a whole /64, so counting single IPv6
/// addresses would give one guesser 2^64 fresh tries). Anything else is returned unchanged.
std::string AddressKey(std::string_view address);

}  // namespace convene::util
