#pragma once

#include <span>
#include <string_view>

namespace convene::util {

/// A file compiled into the binary (migrations, web assets). `path` is relative to its folder.
struct EmbeddedFile {
    std::string_view path;
    std::string_view content;
};

}  // namespace convene::util
