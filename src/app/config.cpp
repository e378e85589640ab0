#include "convene/app/config.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <filesystem>

#include "convene/domain/account_service.hpp"
#include "convene/domain/validation.hpp"
#include "convene/http/router.hpp"
#include "convene/storage/migrator.hpp"
#include "convene/util/logging.hpp"

namespace convene::app {
namespace {

/// One flag: its name, its variable, and how it is applied to the Config.
struct Option {
    std::string_view flag;
    std::string_view env;
    std::string_view value_name;
    std::string_view help;
    /// Applies `value`; returns an error sentence, or empty on success.
    std::string (*apply)(Config&, const std::string&);
};

template <typename T>
bool ParseNumber(const std::string& text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

std::string ApplyListen(Config& config, const std::string& value) {
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0) return "expected HOST:PORT, like 127.0.0.1:8080";
    std::string host = value.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    unsigned port = 0;
    if (!ParseNumber(value.substr(colon + 1), port) || port > 65535) {
        return "the port must be a number from 0 to 65535";
    }
    config.host = host;
    config.port = static_cast<std::uint16_t>(port);
    return {};
}

std::string ApplyDb(Config& config, const std::string& value) {
    if (value.empty()) return "expected a file path or a postgres:// URL";
    config.db_path = value;
    return {};
}

std::string ApplyBaseUrl(Config& config, const std::string& value) {
    auto url = value;
    while (url.ends_with('/')) url.pop_back();
    if (http::OriginOf(url).empty()) return "expected an absolute http:// or https:// URL";
    if (url.find_first_of("?#") != std::string::npos) return "the URL must not have ? or #";
    config.base_url = url;
    return {};
}

std::string ApplySmtpUrl(Config& config, const std::string& value) {
    if (!value.empty() && !value.starts_with("smtp://") && !value.starts_with("smtps://")) {
        return "expected smtp://[user:password@]host[:port] or smtps://…";
    }
    config.smtp_url = value;
    return {};
}

std::string ApplySmtpCaFile(Config& config, const std::string& value) {
    std::error_code ec;
    if (!value.empty() && !std::filesystem::is_regular_file(value, ec)) return "no such file";
    config.smtp_ca_file = value;
    return {};
}

std::string ApplyMailFrom(Config& config, const std::string& value) {
    if (!value.empty() && !domain::IsValidEmail(value)) return "expected an email address";
    config.mail_from = value;
    return {};
}

std::string ApplyWebDir(Config& config, const std::string& value) {
    std::error_code ec;
    if (!std::filesystem::is_directory(value, ec)) return "no such folder";
    config.web_dir = value;
    return {};
}

std::string ApplyThreads(Config& config, const std::string& value) {
    std::size_t threads = 0;
    if (!ParseNumber(value, threads) || threads < 1 || threads > 256) {
        return "expected a number of threads from 1 to 256";
    }
    config.threads = threads;
    return {};
}

std::string ApplyLogLevel(Config& config, const std::string& value) {
    if (!util::IsLogLevel(value)) return "expected trace, debug, info, warn, error or off";
    config.log_level = value;
    return {};
}

std::string ApplyLogFormat(Config& config, const std::string& value) {
    const auto format = util::ParseLogFormat(value);
    if (!format) return "expected text or json";
    config.log_format = *format;
    return {};
}

std::string ApplySqliteSynchronous(Config& config, const std::string& value) {
    if (value != "normal" && value != "full") return "expected normal or full";
    config.sqlite_synchronous_full = value == "full";
    return {};
}

std::string ApplyMaxBody(Config& config, const std::string& value) {
    std::size_t bytes = 0;
    if (!ParseNumber(value, bytes) || bytes < 1024 || bytes > 64 * 1024 * 1024) {
        return "expected a number of bytes from 1024 to 67108864";
    }
    config.max_body = bytes;
    return {};
}

std::string ApplyTrustedProxies(Config& config, const std::string& value) {
    config.trusted_proxies.clear();
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        const auto address = value.substr(start, end - start);
        unsigned char buffer[16];
        if (inet_pton(AF_INET, address.c_str(), buffer) != 1 &&
            inet_pton(AF_INET6, address.c_str(), buffer) != 1) {
            return "expected IP addresses separated by commas, like 127.0.0.1,::1";
        }
        config.trusted_proxies.push_back(address);
        start = end + 1;
    }
    return {};
}

std::string ApplySignup(Config& config, const std::string& value) {
    if (!domain::ParseSignupMode(value)) return "expected open, invite or closed";
    config.signup = value;
    return {};
}

std::string ApplyWsPingInterval(Config& config, const std::string& value) {
    std::size_t seconds = 0;
    if (!ParseNumber(value, seconds) || seconds < 1 || seconds > 300) {
        return "expected seconds from 1 to 300";
    }
    config.ws_ping_interval_s = seconds;
    return {};
}

std::string ApplyRequestTimeout(Config& config, const std::string& value) {
    std::size_t ms = 0;
    if (!ParseNumber(value, ms) || ms < 100 || ms > 600'000) {
        return "expected milliseconds from 100 to 600000";
    }
    config.request_timeout_ms = ms;
    return {};
}

constexpr Option kOptions[] = {
    {"--listen", "CONVENE_LISTEN", "HOST:PORT", "address to listen on (127.0.0.1:8080)",
     ApplyListen},
    {"--db", "CONVENE_DB", "PATH",
     "SQLite database file (./convene.db), or a postgres:// URL (one node for now)", ApplyDb},
    {"--sqlite-synchronous", "CONVENE_SQLITE_SYNCHRONOUS", "MODE",
     "normal|full: FULL waits for the disk at every commit (normal)", ApplySqliteSynchronous},
    {"--base-url", "CONVENE_BASE_URL", "URL",
     "absolute URL used in links, QR codes and emails (http://<listen>)", ApplyBaseUrl},
    {"--smtp-url", "CONVENE_SMTP_URL", "URL", "SMTP server for outgoing email (none)",
     ApplySmtpUrl},
    {"--smtp-ca-file", "CONVENE_SMTP_CA_FILE", "FILE",
     "CA certificate (PEM) to trust for the SMTP server's TLS (the system's)", ApplySmtpCaFile},
    {"--mail-from", "CONVENE_MAIL_FROM", "ADDRESS",
     "sender of every email (convene@<base URL host>)", ApplyMailFrom},
    {"--web-dir", "CONVENE_WEB_DIR", "DIR", "serve web assets from DIR (embedded copy)",
     ApplyWebDir},
    {"--threads", "CONVENE_THREADS", "N", "I/O threads (one per core)", ApplyThreads},
    {"--log-level", "CONVENE_LOG_LEVEL", "LEVEL", "trace|debug|info|warn|error|off (info)",
     ApplyLogLevel},
    {"--log-format", "CONVENE_LOG_FORMAT", "FORMAT",
     "text, or json: one object a line with time, level, request_id, msg (text)", ApplyLogFormat},
    {"--max-body", "CONVENE_MAX_BODY", "BYTES", "largest request body accepted (1048576)",
     ApplyMaxBody},
    {"--signup", "CONVENE_SIGNUP", "MODE",
     "who may sign up: open, invite (invited addresses only) or closed (open)",
     ApplySignup},
    {"--trusted-proxy", "CONVENE_TRUSTED_PROXY", "ADDRS",
     "reverse proxies (IPs, comma-separated) whose X-Forwarded-For/-Proto are believed (none)",
     ApplyTrustedProxies},
    {"--ws-ping-interval", "CONVENE_WS_PING_INTERVAL", "SECONDS",
     "ping silent live sockets this often; drop them after twice as long (20)",
     ApplyWsPingInterval},
    {"--request-timeout", "CONVENE_REQUEST_TIMEOUT", "MS",
     "time a request may take to arrive, and keep-alive idle time (30000)", ApplyRequestTimeout},
};

const Option* FindOption(std::string_view flag) {
    for (const auto& option : kOptions) {
        if (option.flag == flag) return &option;
    }
    return nullptr;
}

std::string Invalid(std::string_view source, const std::string& value, const std::string& why) {
    return "invalid " + std::string(source) + " '" + value + "': " + why;
}

}  // namespace

std::string HelpText() {
    std::string text =
        "Convene: live audience sessions and recurring events.\n\n"
        "Usage: convene [serve] [flags]\n"
        "       convene mail test ADDRESS [flags]\n"
        "       convene backup FILE [--db PATH]\n"
        "       convene restore FILE [--db PATH]\n"
        "       convene migrate [--dry-run] [--db PATH]\n"
        "       convene user create EMAIL [--admin] [--name NAME] [--db PATH]\n"
        "       convene --help | --version\n\n"
        "Commands:\n"
        "  serve                run the server (the default)\n"
        "  mail test ADDRESS    send a test email with --smtp-url and --mail-from, and print\n"
        "                       what the mail server answered\n"
        "  backup FILE          copy the database into FILE, safely while a server runs\n"
        "  restore FILE         replace the database with the backup FILE (stop the server\n"
        "                       first; it refuses while one runs on the database)\n"
        "  migrate [--dry-run]  bring the database to this version's schema (start-up does\n"
        "                       it too); --dry-run lists what would be applied\n"
        "  user create EMAIL    make an account (--admin: an administrator; --name: its name,\n"
        "                       else the address's local part), whatever --signup says; the\n"
        "                       password is read from standard input (asked twice on a\n"
        "                       terminal)\n\n"
        "Flags (each also read from its environment variable; a flag wins):\n";
    for (const auto& option : kOptions) {
        std::string left = "  " + std::string(option.flag) + " " + std::string(option.value_name);
        left.resize(std::max<std::size_t>(left.size() + 1, 28), ' ');
        text += left + std::string(option.help) + " [" + std::string(option.env) + "]\n";
    }
    text += "  --help                    show this help\n";
    text += "  --version                 show the version and the database schema version\n";
    return text;
}

std::string VersionText() {
    return "convene " CONVENE_VERSION " (schema " +
           std::to_string(storage::LatestSchemaVersion()) + ")";
}

Command ParseCommandLine(const std::vector<std::string>& args, const Getenv& getenv) {
    Config config;
    for (const auto& option : kOptions) {
        if (auto value = getenv(std::string(option.env))) {
            if (auto error = option.apply(config, *value); !error.empty()) {
                return UsageError{Invalid(option.env, *value, error)};
            }
        }
    }
    std::size_t i = 0;
    std::optional<std::string> mail_test_address;
    std::string file_command;
    std::string file;
    if (!args.empty() && !args[0].starts_with("-")) {
        if (args[0] == "help") return HelpCommand{};
        if (args[0] == "version") return VersionCommand{};
        if (args[0] == "migrate") {
            file_command = args[0];
            i = 1;
        } else if (args[0] == "user") {
            if (args.size() < 3 || args[1] != "create" || args[2].starts_with("-")) {
                return UsageError{"usage: convene user create EMAIL [--admin] [--name NAME]"};
            }
            if (!domain::IsValidEmail(args[2])) {
                return UsageError{"'" + args[2] + "' is not an email address"};
            }
            file_command = "user create";
            file = args[2];
            i = 3;
        } else if (args[0] == "backup" || args[0] == "restore") {
            if (args.size() < 2 || args[1].starts_with("-")) {
                return UsageError{"usage: convene " + args[0] + " FILE [--db PATH]"};
            }
            file_command = args[0];
            file = args[1];
            i = 2;
        } else if (args[0] == "mail") {
            if (args.size() < 3 || args[1] != "test" || args[2].starts_with("-")) {
                return UsageError{"usage: convene mail test ADDRESS [flags]"};
            }
            if (!domain::IsValidEmail(args[2])) {
                return UsageError{"'" + args[2] + "' is not an email address"};
            }
            mail_test_address = args[2];
            i = 3;
        } else if (args[0] == "serve") {
            i = 1;
        } else {
            return UsageError{"unknown command '" + args[0] + "' (try convene --help)"};
        }
    }
    bool dry_run = false;
    bool admin = false;
    std::string name;
    for (; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (arg == "--help" || arg == "-h") return HelpCommand{};
        if (arg == "--version") return VersionCommand{};
        if (arg == "--dry-run" && file_command == "migrate") {
            dry_run = true;
            continue;
        }
        if (file_command == "user create") {
            if (arg == "--admin") {
                admin = true;
                continue;
            }
            if (arg == "--name" || arg.starts_with("--name=")) {
                if (arg == "--name" && i + 1 == args.size()) {
                    return UsageError{"flag --name needs a value (NAME)"};
                }
                name = arg == "--name" ? args[++i] : arg.substr(7);
                continue;
            }
        }
        const auto eq = arg.find('=');
        const auto flag = arg.substr(0, eq);
        const Option* option = FindOption(flag);
        if (option == nullptr) return UsageError{"unknown flag '" + flag + "' (try convene --help)"};
        std::string value;
        if (eq != std::string::npos) {
            value = arg.substr(eq + 1);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return UsageError{"flag " + flag + " needs a value (" +
                              std::string(option->value_name) + ")"};
        }
        if (auto error = option->apply(config, value); !error.empty()) {
            return UsageError{Invalid(flag, value, error)};
        }
    }
    if (mail_test_address) return MailTestCommand{std::move(config), *mail_test_address};
    if (file_command == "backup") return BackupCommand{std::move(config), std::move(file)};
    if (file_command == "restore") return RestoreCommand{std::move(config), std::move(file)};
    if (file_command == "migrate") return MigrateCommand{std::move(config), dry_run};
    if (file_command == "user create") {
        if (name.empty()) name = file.substr(0, file.find('@'));
        return UserCreateCommand{std::move(config), std::move(file), std::move(name), admin};
    }
    return ServeCommand{std::move(config)};
}

}  // namespace convene::app
