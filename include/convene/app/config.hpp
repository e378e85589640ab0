#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "convene/util/logging.hpp"

namespace convene::app {

/// Everything `convene serve` can be told, from flags or CONVENE_* variables.
struct Config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string db_path = "convene.db";
    /// SQLite's `synchronous` setting: NORMAL (the default; in WAL mode a power cut may lose
    /// the last commits, never consistency) or FULL (each commit waits for the disk).
    bool sqlite_synchronous_full = false;
    /// Absolute URL used in links, QR codes and emails; empty: http://<listen address>.
    std::string base_url;
    std::string smtp_url;
    /// CA certificate (PEM) to trust for the SMTP server's TLS; empty: the system's.
    std::string smtp_ca_file;
    /// The sender of every email; empty: convene@<host of the base URL>.
    std::string mail_from;
    /// Serve web assets from this folder instead of the embedded copy.
    std::string web_dir;
    /// I/O threads; 0 means one per core.
    std::size_t threads = 0;
    std::string log_level = "info";
    util::LogFormat log_format = util::LogFormat::kText;
    std::size_t max_body = 1024 * 1024;
    /// Who may sign up: open, invite or closed (domain::ParseSignupMode).
    std::string signup = "open";
    /// Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.
    std::vector<std::string> trusted_proxies;
    /// Live sockets: a ping after this many seconds of silence, dropped after twice as long.
    std::size_t ws_ping_interval_s = 20;
    /// How long a request may take to arrive, in milliseconds.
    std::size_t request_timeout_ms = 30'000;
};

/// What the command line asks for.
struct ServeCommand {
    Config config;
};
/// `convene mail test ADDRESS`: one email through the configured mailer, now.
struct MailTestCommand {
    Config config;
    std::string address;
};
/// `convene backup FILE`: an online copy of the database (--db) into FILE.
struct BackupCommand {
    Config config;
    std::string file;
};
/// `convene restore FILE`: the database (--db) replaced by the backup FILE.
struct RestoreCommand {
    Config config;
    std::string file;
};
/// `convene migrate [--dry-run]`: the database (--db) brought to this binary's schema, or,
/// with --dry-run, the migrations that would be applied listed and nothing changed.
struct MigrateCommand {
    Config config;
    bool dry_run = false;
};
/// `convene user create EMAIL [--admin] [--name NAME]`: an account made from the command
/// line, its password read from standard input.
struct UserCreateCommand {
    Config config;
    std::string email;
    std::string name;
    bool admin = false;
};
struct HelpCommand {};
struct VersionCommand {};
/// A bad command line: one line for the user, exit code 2.
struct UsageError {
    std::string message;
};
using Command = std::variant<ServeCommand, MailTestCommand, BackupCommand, RestoreCommand,
                             MigrateCommand, UserCreateCommand, HelpCommand, VersionCommand, UsageError>;

/// Reads the environment through `getenv` (injectable for tests).
using Getenv = std::function<std::optional<std::string>(const std::string&)>;

/// Parses `convene [serve] [flags]`. Flags win over CONVENE_* variables, which win over
/// defaults. Every value is checked here, so that a bad one stops start-up with one line.
Command ParseCommandLine(const std::vector<std::string>& args, const Getenv& getenv);

/// The text of `convene --help`.
std::string HelpText();
/// The text of `convene --version`: `convene X.Y.Z (schema N)`.
std::string VersionText();

}  // namespace convene::app
