#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace convene::util {

/// Source of randomness. Production uses the OS CSPRNG (libsodium); tests use a seeded fake.
/// Implementations are thread-safe.
class Random {
public:
    virtual ~Random() = default;
    /// Fills `size` bytes at `out`.
    virtual void Fill(void* out, std::size_t size) = 0;

    /// A uniformly distributed number in [0, bound), bound > 0, without modulo bias.
    std::uint32_t Uniform(std::uint32_t bound);
    /// `bytes` random bytes as lowercase hex (2 * bytes characters).
    std::string Hex(std::size_t bytes);
    /// An opaque identifier: 16 random bytes, 26 characters of lowercase base32.
    std::string Id();
    /// A secret bearer value: 32 random bytes in base64url without padding, after `prefix`.
    std::string Token(std::string_view prefix = {});
};

/// The operating system's CSPRNG (libsodium's randombytes_buf).
class SecureRandom final : public Random {
public:
    SecureRandom();
    void Fill(void* out, std::size_t size) override;
};

}  // namespace convene::util
