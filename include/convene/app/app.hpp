#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <memory>
#include <string>

#include "convene/app/config.hpp"

namespace convene::util {
class Clock;
class Random;
}  // namespace convene::util

namespace convene::app {

/// The composition root: the only type that knows every other one. Builds in dependency order
/// (database + migrations → services → router → server), tears down in reverse.
class App {
public:
    /// Test seams; production passes none.
    struct Overrides {
        const util::Clock* clock = nullptr;
        util::Random* random = nullptr;
        /// Use libsodium's cheapest argon2id cost (tests that sign up many users).
        bool cheap_password_hashing = false;
        /// The outbox's first retry delay (30 s); tests of a mail server coming back shorten it.
        std::optional<std::chrono::seconds> mail_first_retry;
    };

    /// Opens and migrates the database. Throws std::runtime_error (with a message for a
    /// person) when the configuration cannot work: unwritable database, newer schema…
    explicit App(Config config);
    App(Config config, Overrides overrides);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    /// Binds and starts serving; returns the bound port. Throws when the address is taken.
    std::uint16_t Start();
    /// Blocks until SIGINT/SIGTERM (or Stop from another thread).
    void WaitForSignal();
    /// Stops serving gracefully and checkpoints the database. Idempotent.
    void Stop();

    const std::string& BaseUrl() const;

    struct Parts;

private:
    std::unique_ptr<Parts> parts_;
};

/// `convene serve`: sets up logging, runs an App until a signal, returns the exit code.
/// Start-up failures print one line and return 1.
int RunServer(const Config& config);

/// `convene mail test ADDRESS`: sends one message through the mailer `config` describes (SMTP,
/// or an .eml file without --smtp-url), prints what the server answered, returns 0 when it
/// accepted the message, else 1.
int RunMailTest(const Config& config, const std::string& address);
/// `convene backup FILE` and `convene restore FILE`: 0 when done, 1 with one line on
/// standard error otherwise.
int RunBackup(const Config& config, const std::string& file);
int RunRestore(const Config& config, const std::string& file);
/// `convene migrate [--dry-run]`: 0 when done (or listed), 1 with one line otherwise.
int RunMigrate(const Config& config, bool dry_run);
/// `convene user create EMAIL`: reads the password from standard input (asked twice, without
/// echo, on a terminal) and makes the account; 0 when made, 1 with one line otherwise.
int RunUserCreate(const UserCreateCommand& command);

}  // namespace convene::app
