#pragma once

#include <future>
#include <string>
#include <string_view>

namespace convene::domain {

/// Hashes and checks passwords with argon2id (libsodium). Thread-safe.
class PasswordHasher {
public:
    struct Cost {
        unsigned long long ops;
        std::size_t memory_bytes;
    };
    /// libsodium's "interactive" cost: about 70 ms and 64 MiB per hash on this hardware.
    static Cost Interactive();
    /// The cheapest cost libsodium allows; for unit tests only.
    static Cost MinimumForTest();

    explicit PasswordHasher(Cost cost = Interactive());

    /// An encoded `$argon2id$v=19$m=…` string with its own salt and parameters.
    std::string Hash(std::string_view password) const;
    /// True when `password` matches `encoded` (constant time). False for a malformed hash.
    bool Verify(std::string_view encoded, std::string_view password) const;
    /// A hash of a random password: verifying against it costs the same time as a real one,
    /// so that an unknown email and a wrong password cannot be told apart by timing. Made on
    /// a thread of its own when the hasher is built: start-up does not wait ~100 ms for it.
    const std::string& DummyHash() const { return dummy_.get(); }

private:
    Cost cost_;
    std::shared_future<std::string> dummy_;
};

}  // namespace convene::domain
