#include "convene/app/app.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "convene/domain/account_service.hpp"
#include "convene/domain/event_service.hpp"
#include "convene/domain/facilitator_service.hpp"
#include "convene/domain/invitation_service.hpp"
#include "convene/domain/join_service.hpp"
#include "convene/domain/mail_budget.hpp"
#include "convene/domain/outbox_service.hpp"
#include "convene/domain/registration_service.hpp"
#include "convene/domain/replay_service.hpp"
#include "convene/domain/session_service.hpp"
#include "convene/domain/slide_service.hpp"
#include "convene/domain/team_service.hpp"
#include "convene/domain/password_hasher.hpp"
#include "convene/http/router.hpp"
#include "convene/http/security.hpp"
#include "convene/jobs/outbox_relay.hpp"
#include "convene/jobs/scheduler.hpp"
#include "convene/live/hub.hpp"
#include "convene/live/release_tracker.hpp"
#include "convene/mail/mailer.hpp"
#include "convene/http/routes.hpp"
#include "convene/http/static_files.hpp"
#include "convene/storage/backup.hpp"
#include "convene/storage/database.hpp"
#include "convene/storage/migrator.hpp"
#include "convene/transport/server.hpp"
#include "convene/util/metrics.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/logging.hpp"
#include "convene/util/random.hpp"

namespace convene::app {
namespace {

std::unique_ptr<storage::Database> OpenDatabase(const Config& config) {
    // Check the schema level before anything writes to the file (even the WAL switch).
    const int found = storage::PeekSchemaVersion(config.db_path);
    const int latest = storage::LatestSchemaVersion();
    if (found > latest) {
        throw std::runtime_error("database " + storage::DisplayName(config.db_path) +
                                 " has schema version " + std::to_string(found) +
                                 ", newer than this Convene (" + std::to_string(latest) +
                                 "); upgrade Convene. The database was not changed.");
    }
    auto database = std::make_unique<storage::Database>(
        storage::Database::Settings{.path = config.db_path,
                                    .synchronous_full = config.sqlite_synchronous_full});
    auto connection = database->Acquire();
    const int applied = storage::Migrate(*connection, storage::EmbeddedMigrationsFor(*connection));
    if (applied != found) {
        spdlog::info("database schema migrated from version {} to {}", found, applied);
    }
    return database;
}

std::unique_ptr<http::StaticFiles> MakeStaticFiles(const Config& config) {
    if (config.web_dir.empty()) return std::make_unique<http::StaticFiles>();
    spdlog::warn("serving web assets from {} instead of the embedded copy", config.web_dir);
    return std::make_unique<http::StaticFiles>(config.web_dir);
}

domain::SignupMode SignupMode(const Config& config) {
    // Checked when the command line was read.
    return domain::ParseSignupMode(config.signup).value_or(domain::SignupMode::kClosed);
}

/// One line from standard input, its line end taken off; on a terminal, asked for with
/// `prompt` on standard error and not echoed.
std::string ReadSecretLine(const std::string& prompt) {
    const bool terminal = isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal) {
        std::cerr << prompt << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    const bool read = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::cerr << "\n";
    }
    if (!read) throw std::runtime_error("no password on standard input");
    if (line.ends_with('\r')) line.pop_back();
    return line;
}

/// The base URL when none is configured: where we listen.
std::string ListenUrl(const Config& config, std::uint16_t port) {
    const bool v6 = config.host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + config.host + "]" : config.host) + ":" + std::to_string(port);
}

/// The sender of every email: --mail-from, else convene@ the base URL's mail domain.
std::string MailSender(const Config& config, const std::string& base_url) {
    if (!config.mail_from.empty()) return config.mail_from;
    auto from = "convene@" + domain::MailDomain(base_url);
    if (!config.smtp_url.empty()) {
        spdlog::warn("no --mail-from: email is sent as {}, which mail servers may refuse", from);
    }
    return from;
}

/// SMTP when --smtp-url is set, else .eml files in a folder beside the database (in the
/// working directory for a PostgreSQL database).
std::unique_ptr<mail::Mailer> MakeMailer(const Config& config) {
    if (config.smtp_url.empty()) {
        const auto folder =
            storage::IsPostgresUrl(config.db_path) ? "convene-mail" : config.db_path + "-mail";
        spdlog::warn("no --smtp-url: email is written as .eml files to {}", folder);
        return std::make_unique<mail::FileMailer>(folder);
    }
    return std::make_unique<mail::SmtpMailer>(
        mail::SmtpMailer::Settings{.url = config.smtp_url, .ca_file = config.smtp_ca_file});
}

}  // namespace

struct App::Parts {
    Config config;
    std::unique_ptr<util::Clock> own_clock;
    std::unique_ptr<util::Random> own_random;
    const util::Clock* clock;
    util::Random* random;
    /// Held while the server runs: no restore, and no second server, on the same file.
    std::optional<storage::ExclusiveUse> exclusive;
    std::unique_ptr<storage::Database> database;
    /// Before everything that counts into it; GET /metrics renders it.
    std::unique_ptr<util::Metrics> metrics;
    util::Counter* auto_closed = nullptr;  ///< in `metrics`
    std::unique_ptr<domain::PasswordHasher> hasher;
    std::unique_ptr<domain::AccountService> accounts;
    /// Before the hub: the hub's flushing thread records attendance through it until the
    /// hub is gone.
    std::unique_ptr<domain::ReplayService> replays;
    std::unique_ptr<live::Hub> hub;
    std::unique_ptr<domain::SessionService> sessions;
    std::unique_ptr<domain::JoinService> joins;
    std::unique_ptr<domain::SlideService> slides;
    /// Emails to addresses people type, per user and hour, across every service that sends
    /// them.
    std::unique_ptr<domain::MailBudget> mail_budget;
    std::unique_ptr<domain::FacilitatorService> facilitators;
    std::unique_ptr<domain::InvitationService> invitations;
    std::unique_ptr<domain::OutboxService> outbox;
    std::unique_ptr<domain::EventService> events;
    std::unique_ptr<domain::RegistrationService> registrations;
    std::unique_ptr<domain::TeamService> team;
    std::unique_ptr<jobs::Scheduler> scheduler;
    std::unique_ptr<mail::Mailer> mailer;
    std::unique_ptr<jobs::OutboxRelay> relay;
    /// The outbox has its own thread: a slow SMTP server never delays auto-close.
    std::unique_ptr<jobs::Scheduler> mail_scheduler;
    std::unique_ptr<http::Services> services;
    std::unique_ptr<http::StaticFiles> static_files;
    std::unique_ptr<http::Router> router;
    std::unique_ptr<transport::Server> server;
    std::string base_url;
    std::chrono::seconds mail_first_retry{30};
    bool stopped = false;
};

namespace {

/// Everything that runs on a timer. Each job's state is in the database.
std::vector<jobs::Job> MakeJobs(App::Parts& p) {
    return {
        {"auto-close",
         [&p](util::Instant now) {
             const auto closed = p.sessions->CloseExpired(now);
             for (const auto& session : closed) {
                 spdlog::info("session {} closed at its end date", session.id);
             }
             p.auto_closed->Add(static_cast<std::int64_t>(closed.size()));
             return p.sessions->NextEndDate();
         }},
        {"housekeeping",
         [&p](util::Instant now) -> std::optional<util::Instant> {
             if (const int n = p.sessions->PurgeTrash(now); n > 0) {
                 spdlog::info("purged {} sessions from the trash", n);
             }
             if (const int n = p.accounts->PurgeExpiredSessions(); n > 0) {
                 spdlog::info("purged {} expired sign-in sessions", n);
             }
             return now + std::chrono::hours{1};
         }},
        {"forget-idle-clients",
         [&p](util::Instant now) -> std::optional<util::Instant> {
             // A crowd's rate-limit entries outlive it by a window. Forgotten then (not only
             // when a limiter is full), and the memory they held among the crowd's freed
             // memory handed back: a server that once had 10,000 joins does not keep them.
             if (p.router->ForgetIdleClients() >= 1000) malloc_trim(0);
             return now + std::chrono::minutes{1};
         }},
    };
}

/// The metrics read when scraped: what lives in the database or in a service's own counts.
void RegisterReaders(App::Parts& p) {
    using Type = util::Metrics::Type;
    using Samples = std::vector<util::Metrics::Sample>;
    auto& metrics = *p.metrics;
    p.auto_closed = &metrics.CounterFor("convene_sessions_auto_closed_total",
                                        "Sessions closed by themselves at their end date.");
    metrics.Read("convene_sessions_open", "Open sessions (the trash left out).", Type::kGauge,
                 [&p] { return Samples{{{}, static_cast<double>(p.sessions->CountOpen())}}; });
    metrics.Read("convene_websockets_open", "Open WebSockets, by audience.", Type::kGauge, [&p] {
        const auto sockets = p.hub->Sockets();
        return Samples{{{{"audience", "facilitator"}}, static_cast<double>(sockets.facilitators)},
                       {{{"audience", "participant"}}, static_cast<double>(sockets.participants)}};
    });
    metrics.Read("convene_outbox_messages", "Messages in the outbox, by status.", Type::kGauge,
                 [&p] {
                     const auto counts = p.outbox->List(std::nullopt, 0).counts;
                     return Samples{{{{"status", "queued"}}, static_cast<double>(counts.queued)},
                                    {{{"status", "sent"}}, static_cast<double>(counts.sent)},
                                    {{{"status", "failed"}}, static_cast<double>(counts.failed)}};
                 });
    metrics.Read("convene_joins_total", "Participants let into a session (code, link or token).",
                 Type::kCounter, [&p] {
                     return Samples{{{}, static_cast<double>(p.joins->Stats().joins)}};
                 });
    metrics.Read("convene_join_failures_total", "Joins refused, by error code.", Type::kCounter,
                 [&p] {
                     Samples samples;
                     for (const auto& [code, count] : p.joins->Stats().refused) {
                         samples.push_back({{{"code", code}}, static_cast<double>(count)});
                     }
                     return samples;
                 });
    metrics.Read("convene_join_wrong_codes_total", "Session codes typed that match no session.",
                 Type::kCounter, [&p] {
                     return Samples{{{}, static_cast<double>(p.joins->Stats().wrong_codes)}};
                 });
    metrics.Read("convene_join_guessing_alarms_total",
                 "Minutes in which wrong codes from all clients together passed the budget "
                 "(code guessing suspected).",
                 Type::kCounter, [&p] {
                     return Samples{{{}, static_cast<double>(p.joins->Stats().alarms)}};
                 });
}

/// The mailer, the relay and its thread, once the base URL (for the sender) is known.
void StartMail(App::Parts& p) {
    p.mailer = MakeMailer(p.config);
    p.relay = std::make_unique<jobs::OutboxRelay>(
        *p.database, *p.mailer,
        jobs::OutboxRelay::Settings{.from = MailSender(p.config, p.base_url),
                                    .first_retry = p.mail_first_retry});
    p.mail_scheduler = std::make_unique<jobs::Scheduler>(
        *p.clock, std::vector<jobs::Job>{
                      {"outbox", [&p](util::Instant now) { return p.relay->RunOnce(now); }}});
    auto wake = [scheduler = p.mail_scheduler.get()] { scheduler->Wake(); };
    p.facilitators->SetMailQueued(wake);
    p.invitations->SetMailQueued(wake);
    p.outbox->SetMailQueued(wake);
    p.events->SetMailQueued(wake);
    p.registrations->SetMailQueued(wake);
    p.team->SetMailQueued(wake);
    p.mail_scheduler->Start();
}

}  // namespace

App::App(Config config) : App(std::move(config), Overrides{}) {}

App::App(Config config, Overrides overrides) : parts_(std::make_unique<Parts>()) {
    auto& p = *parts_;
    p.config = std::move(config);
    if (overrides.clock == nullptr) p.own_clock = std::make_unique<util::SystemClock>();
    if (overrides.random == nullptr) p.own_random = std::make_unique<util::SecureRandom>();
    p.clock = overrides.clock ? overrides.clock : p.own_clock.get();
    p.random = overrides.random ? overrides.random : p.own_random.get();

    if (p.config.db_path != ":memory:" && !p.config.db_path.starts_with("file:")) {
        p.exclusive = storage::ExclusiveUse::TryTake(p.config.db_path);
        if (!p.exclusive && storage::IsPostgresUrl(p.config.db_path)) {
            throw std::runtime_error("another Convene server is running on " +
                                     storage::DisplayName(p.config.db_path) +
                                     " (this version runs one server per PostgreSQL database)");
        }
        if (!p.exclusive) {
            throw std::runtime_error("another Convene server is running on " + p.config.db_path +
                                     " (it holds " + p.config.db_path + ".lock)");
        }
    }
    p.database = OpenDatabase(p.config);
    p.metrics = std::make_unique<util::Metrics>();
    p.hasher = std::make_unique<domain::PasswordHasher>(
        overrides.cheap_password_hashing ? domain::PasswordHasher::MinimumForTest()
                                         : domain::PasswordHasher::Interactive());
    p.accounts = std::make_unique<domain::AccountService>(*p.database, *p.clock, *p.random,
                                                          *p.hasher,
                                                          domain::AccountService::Settings{
                                                              .signup = SignupMode(p.config)});
    // The hub reads snapshots through the session service, built right after it; the hub
    // only reads once a client subscribes, long after both exist.
    p.hub = std::make_unique<live::Hub>(
        [parts = parts_.get()](std::string_view id) { return parts->sessions->Snapshot(id); },
        live::Hub::Settings{.counted = [parts = parts_.get(),
                                        departures = live::ReleaseTracker(1000)](
                                           const auto& counts) mutable {
            if (parts->replays) parts->replays->RecordAttendance(counts);
            // A crowd left: give the memory their connections used back to the system.
            if (departures.Report(counts)) malloc_trim(0);
        },
                              .broadcast_seconds = &p.metrics->HistogramFor(
                                  "convene_broadcast_seconds",
                                  "From a change to a session to its message handed to every "
                                  "socket of its room.")});
    // The scheduler is built after the service it drives; until then there is nothing to wake.
    p.sessions = std::make_unique<domain::SessionService>(
        *p.database, *p.clock, *p.random, *p.hub,
        [parts = parts_.get()] {
            if (parts->scheduler) parts->scheduler->Wake();
        },
        domain::SessionService::Settings{});
    p.joins = std::make_unique<domain::JoinService>(*p.database, *p.clock, *p.random,
                                                    util::Throttle::Settings{});
    p.slides = std::make_unique<domain::SlideService>(*p.database, *p.clock, *p.random, *p.hub);
    p.mail_budget = std::make_unique<domain::MailBudget>(*p.clock);
    p.facilitators = std::make_unique<domain::FacilitatorService>(*p.database, *p.clock,
                                                                  *p.random, *p.hub,
                                                                  *p.mail_budget);
    p.invitations = std::make_unique<domain::InvitationService>(
        *p.database, *p.clock, *p.random, *p.mail_budget, domain::InvitationService::Settings{});
    p.outbox = std::make_unique<domain::OutboxService>(*p.database, *p.clock);
    p.events =
        std::make_unique<domain::EventService>(*p.database, *p.clock, *p.random, *p.sessions);
    p.registrations = std::make_unique<domain::RegistrationService>(
        *p.database, *p.clock, *p.random, *p.events, *p.joins, *p.mail_budget);
    p.replays = std::make_unique<domain::ReplayService>(*p.database, *p.clock, *p.events);
    p.team = std::make_unique<domain::TeamService>(*p.database, *p.clock, *p.random, *p.events,
                                                   *p.accounts, *p.mail_budget);
    if (overrides.mail_first_retry) p.mail_first_retry = *overrides.mail_first_retry;
    p.scheduler = std::make_unique<jobs::Scheduler>(*p.clock, MakeJobs(p));
    p.services = std::make_unique<http::Services>(http::Services{
        .accounts = *p.accounts,
        .sessions = *p.sessions,
        .joins = *p.joins,
        .slides = *p.slides,
        .facilitators = *p.facilitators,
        .invitations = *p.invitations,
        .outbox = *p.outbox,
        .events = *p.events,
        .registrations = *p.registrations,
        .team = *p.team,
        .replays = *p.replays,
        .metrics = *p.metrics,
        .ready = [db = p.database.get()] { return db->Ping(); },
        .probe = [db = p.database.get(), clock = p.clock] {
            return db->Probe(clock->Now().time_since_epoch().count());
        },
    });
    RegisterReaders(p);
    p.static_files = MakeStaticFiles(p.config);
    p.router = std::make_unique<http::Router>(
        http::ApiRoutes(), http::RateBuckets(), *p.services, *p.clock, *p.random,
        http::RouterSettings{.base_url = p.config.base_url,
                             .max_body = p.config.max_body,
                             .trusted_proxies = p.config.trusted_proxies},
        *p.static_files);
    p.server = std::make_unique<transport::Server>(
        transport::Server::Settings{
            .host = p.config.host,
            .port = p.config.port,
            .io_threads = p.config.threads,
            .request_timeout = std::chrono::milliseconds{p.config.request_timeout_ms},
            .ws_ping_interval = std::chrono::seconds{p.config.ws_ping_interval_s},
        },
        *p.router, *p.hub);
}

App::~App() { Stop(); }

std::uint16_t App::Start() {
    auto& p = *parts_;
    const auto port = p.server->Listen();
    p.base_url = p.config.base_url;
    if (p.base_url.empty()) {
        p.base_url = ListenUrl(p.config, port);
        if (p.config.host == "0.0.0.0" || p.config.host == "::") {
            spdlog::warn("listening on all interfaces without --base-url: links will point to {}",
                         p.base_url);
        }
    }
    for (const auto& warning : http::BaseUrlWarnings(p.base_url)) spdlog::warn("{}", warning);
    p.router->SetBaseUrl(p.base_url);
    p.hub->SetBaseUrl(p.base_url);
    p.facilitators->SetBaseUrl(p.base_url);
    p.invitations->SetBaseUrl(p.base_url);
    p.events->SetBaseUrl(p.base_url);
    StartMail(p);
    if (const int n = p.events->RealignStarts(); n > 0) {
        spdlog::warn("{} event sessions moved with their zone's new rules", n);
    }
    p.scheduler->Start();
    p.server->Start();
    return port;
}

void App::WaitForSignal() { parts_->server->WaitForSignal(); }

void App::Stop() {
    auto& p = *parts_;
    if (p.stopped) return;
    p.stopped = true;
    p.hub->CloseAll();  // live sockets get a clean close (1001) before the server drains
    p.server->Stop();
    p.scheduler->Stop();
    if (p.relay) p.relay->Stop();  // an SMTP server that hangs must not hold up the exit
    if (p.mail_scheduler) p.mail_scheduler->Stop();
    try {
        p.database->Checkpoint();
    } catch (const std::exception& e) {
        spdlog::warn("final checkpoint failed: {}", e.what());
    }
}

const std::string& App::BaseUrl() const { return parts_->base_url; }

int RunServer(const Config& config) {
    util::SetUpLogging(config.log_level, config.log_format);
    try {
        App app(config);
        const auto port = app.Start();
        spdlog::info("convene {} listening on {}:{}, database {} (schema {}), base URL {}",
                     CONVENE_VERSION, config.host, port, storage::DisplayName(config.db_path),
                     storage::LatestSchemaVersion(), app.BaseUrl());
        app.WaitForSignal();
        app.Stop();
        spdlog::info("stopped");
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "convene: " << e.what() << "\n";
        return 1;
    }
}

namespace {

/// Runs a one-shot command that returns its one-line report: 0 and the report on standard
/// output, or 1 and why on standard error.
template <typename Command>
int Report(std::string_view name, Command command) {
    try {
        std::cout << command() << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "convene: " << name << " failed: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace

int RunBackup(const Config& config, const std::string& file) {
    return Report("backup", [&] {
        const auto copied = storage::Backup(config.db_path, file);
        return "backed up " + config.db_path + " (schema " +
               std::to_string(copied.schema_version) + ", " + std::to_string(copied.pages) +
               " pages) to " + file + ", " + std::to_string(copied.bytes) + " bytes";
    });
}

int RunRestore(const Config& config, const std::string& file) {
    return Report("restore", [&] {
        const auto restored = storage::Restore(file, config.db_path);
        return "restored " + config.db_path + " from " + file + " (schema " +
               std::to_string(restored.schema_version) + ", " + std::to_string(restored.pages) +
               " pages); the next start migrates it if it is older";
    });
}

int RunMigrate(const Config& config, bool dry_run) {
    util::SetUpLogging(config.log_level, config.log_format);
    return Report("migrate", [&] {
        const int found = storage::PeekSchemaVersion(config.db_path);
        const int latest = storage::LatestSchemaVersion();
        if (found > latest) {
            throw std::runtime_error("database " + storage::DisplayName(config.db_path) +
                                     " has schema version " + std::to_string(found) +
                                     ", newer than this Convene (" + std::to_string(latest) +
                                     "); nothing was changed");
        }
        std::string pending;
        for (const auto& migration : storage::EmbeddedMigrations()) {
            if (migration.version > found) {
                pending += fmt::format("\n  {:04}_{}", migration.version, migration.name);
            }
        }
        const auto head = storage::DisplayName(config.db_path) + " is at schema " + std::to_string(found) + " of " +
                          std::to_string(latest);
        if (pending.empty()) return head + ": nothing to apply";
        if (dry_run) return head + "; would apply:" + pending;
        const auto use = storage::ExclusiveUse::TryTake(config.db_path);
        if (!use) {
            throw std::runtime_error("a Convene server is running on " +
                                     storage::DisplayName(config.db_path) +
                                     ": stop it first (or let it migrate at its start)");
        }
        OpenDatabase(config);
        return head + "; applied:" + pending;
    });
}

int RunUserCreate(const UserCreateCommand& command) {
    util::SetUpLogging(command.config.log_level, command.config.log_format);
    return Report("user create", [&] {
        auto password = ReadSecretLine("Password for " + command.email + ": ");
        if (isatty(STDIN_FILENO) == 1 && ReadSecretLine("The same again: ") != password) {
            throw std::runtime_error("the two passwords differ; nothing was created");
        }
        const auto database = OpenDatabase(command.config);
        util::SystemClock clock;
        util::SecureRandom random;
        const domain::PasswordHasher hasher;
        domain::AccountService accounts(*database, clock, random, hasher, {});
        const auto role = command.admin ? model::Role::kAdmin : model::Role::kMember;
        const auto user = accounts.CreateAccount({command.email, password, command.name}, role);
        if (!user) throw std::runtime_error(user.error().message);
        return std::string(command.admin ? "admin" : "member") + " account " + user->email +
               " created (id " + user->id + ")";
    });
}

int RunMailTest(const Config& config, const std::string& address) {
    util::SetUpLogging(config.log_level, config.log_format);
    try {
        const auto base_url = config.base_url.empty() ? ListenUrl(config, config.port)
                                                      : config.base_url;
        const auto from = MailSender(config, base_url);
        util::SecureRandom random;
        const auto now = util::SystemClock{}.Now();
        const std::string text =
            "This is a test message from Convene at " + base_url +
            ".\n\nIf you can read it, email from Convene reaches this address.\n";
        const auto message = domain::NewEmail(
            random, now, base_url, address, "Convene test message", text,
            "<!doctype html><html><body><p>" + domain::HtmlEscape(text) + "</p></body></html>",
            "test", std::nullopt);
        auto mailer = MakeMailer(config);
        const auto delivery =
            mailer->Send(from, address, mail::RenderMime(message, from, now), message.message_id);
        if (!delivery.ok) {
            std::cerr << "convene: the test message to " << address << " was not sent: "
                      << delivery.detail << "\n";
            return 1;
        }
        std::cout << "test message " << message.message_id << " from " << from << " to "
                  << address << ": " << delivery.detail << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "convene: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace convene::app
