#include "convene/domain/password_hasher.hpp"

#include <sodium.h>

#include <stdexcept>

namespace convene::domain {
namespace {

std::string HashWith(PasswordHasher::Cost cost, std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops,
                              cost.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("argon2id hashing ran out of memory");
    }
    return out;
}

}  // namespace

PasswordHasher::Cost PasswordHasher::Interactive() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHasher::Cost PasswordHasher::MinimumForTest() {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

PasswordHasher::PasswordHasher(Cost cost) : cost_(cost) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    dummy_ = std::async(std::launch::async, [cost] {
        unsigned char random[24];
        randombytes_buf(random, sizeof random);
        return HashWith(cost, std::string_view(reinterpret_cast<const char*>(random),
                                               sizeof random));
    });
}

std::string PasswordHasher::Hash(std::string_view password) const {
    return HashWith(cost_, password);
}

bool PasswordHasher::Verify(std::string_view encoded, std::string_view password) const {
    const std::string hash(encoded);  // must be NUL-terminated
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace convene::domain
