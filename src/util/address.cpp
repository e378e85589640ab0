#include "convene/util/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace convene::util {

std::string AddressKey(std::string_view address) {
    const std::string text(address);
    in6_addr v6{};
    if (text.find(':') == std::string::npos || inet_pton(AF_INET6, text.c_str(), &v6) != 1) {
        return text;
    }
    // An IPv4-mapped address (::ffff:a.b.c.d) is one IPv4 client.
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.s6_addr, kMapped, sizeof kMapped) == 0) {
        char v4[INET_ADDRSTRLEN] = {};
        inet_ntop(AF_INET, v6.s6_addr + 12, v4, sizeof v4);
        return v4;
    }
    std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);
    char shown[INET6_ADDRSTRLEN] = {};
    inet_ntop(AF_INET6, &v6, shown, sizeof shown);
    return std::string(shown) + "/64";
}

}  // namespace convene::util
