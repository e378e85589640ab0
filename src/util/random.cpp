#include "convene/util/random.hpp"

#include <sodium.h>

#include <array>
#include <span>
#include <stdexcept>

namespace convene::util {
namespace {

constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kHex = "0123456789abcdef";

/// Appends `raw` to `out` in `bits`-bit groups from `alphabet` (2^bits letters), no padding.
void EncodeBits(std::span<const unsigned char> raw, int bits, std::string_view alphabet,
                std::string& out) {
    const unsigned mask = (1u << bits) - 1;
    unsigned buffer = 0;
    int pending = 0;
    for (unsigned char c : raw) {
        buffer = (buffer << 8) | c;
        pending += 8;
        while (pending >= bits) {
            pending -= bits;
            out.push_back(alphabet[(buffer >> pending) & mask]);
        }
    }
    if (pending > 0) out.push_back(alphabet[(buffer << (bits - pending)) & mask]);
}

}  // namespace

std::uint32_t Random::Uniform(std::uint32_t bound) {
    // Rejection sampling: drop the top values that would make some results more likely.
    const std::uint32_t limit = UINT32_MAX - (UINT32_MAX % bound);
    std::uint32_t value = 0;
    do {
        Fill(&value, sizeof value);
    } while (value >= limit);
    return value % bound;
}

std::string Random::Hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    Fill(raw.data(), raw.size());
    std::string out;
    out.reserve(bytes * 2);
    for (char byte : raw) {
        const auto c = static_cast<unsigned char>(byte);
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0x0f]);
    }
    return out;
}

std::string Random::Id() {
    std::array<unsigned char, 16> raw{};
    Fill(raw.data(), raw.size());
    std::string out;
    EncodeBits(raw, 5, kBase32, out);
    return out;
}

std::string Random::Token(std::string_view prefix) {
    std::array<unsigned char, 32> raw{};
    Fill(raw.data(), raw.size());
    std::string out(prefix);
    EncodeBits(raw, 6, kBase64Url, out);
    return out;
}

SecureRandom::SecureRandom() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

void SecureRandom::Fill(void* out, std::size_t size) { randombytes_buf(out, size); }

}  // namespace convene::util
