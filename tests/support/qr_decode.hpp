#pragma once

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "temp_dir.hpp"

namespace convene::testing {

/// Decodes a QR image with zbarimg (a real decoder, not ours); "" when it finds none.
inline std::string DecodeQr(const std::string& image_bytes, const std::string& extension = "png") {
    TempDir dir;
    const auto path = dir.File("qr." + extension);
    std::ofstream(path, std::ios::binary) << image_bytes;
    const std::string command = "zbarimg --quiet --raw '" + path + "' 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) return {};
    std::string out;
    char buffer[256];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

}  // namespace convene::testing
