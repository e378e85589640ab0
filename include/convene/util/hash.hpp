#pragma once

#include <string>
#include <string_view>

namespace convene::util {

/// SHA-256 of `data` as 64 lowercase hex characters. Used to store secrets (session ids,
/// API tokens) so that a copy of the database does not hand out live credentials.
std::string Sha256Hex(std::string_view data);

/// Compares two strings in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace convene::util
