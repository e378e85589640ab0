// Crash safety: the real `convene` binary is killed with SIGKILL again and again while clients
// write (sessions, joins, invitations, registrations) and the outbox sends to a real SMTP server.
// Nothing that was answered with a 2xx may be lost, the database must stay sound, sessions that
// expired meanwhile must close, and each email must arrive once, or twice with the same
// Message-ID when the kill fell between sending it and recording it.
//
// 50 rounds here; `bench/crash.sh` runs 200 (CONVENE_CRASH_ROUNDS).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "convene_process.hpp"
#include "eventually.hpp"
#include "convene/storage/connection.hpp"
#include "convene/util/time.hpp"
#include "http_client.hpp"
#include "smtp_sink.hpp"
#include "temp_dir.hpp"

namespace convene {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using testing::Eventually;
using testing::HttpClient;
using testing::NowSeconds;

constexpr const char* kBaseUrl = "http://convene.test";
const std::string kOrigin = kBaseUrl;  // cookie-signed writes must come from the site

int Rounds() {
    const char* text = std::getenv("CONVENE_CRASH_ROUNDS");
    return text ? std::max(1, std::atoi(text)) : 50;
}

/// Every write the server acknowledged with a 2xx, shared by the writer threads.
struct Ledger {
    std::mutex mutex;
    std::condition_variable grown;
    std::size_t count = 0;
    std::map<std::string, util::Instant> sessions;  ///< id → end date
    std::set<std::string> participants;
    std::set<std::string> registrants;
    std::set<std::string> invited;  ///< addresses

    template <typename Record>
    void Add(Record record) {
        {
            std::lock_guard lock(mutex);
            record(*this);
            ++count;
        }
        grown.notify_all();
    }
};

/// What the writers need from the set-up round.
struct Fixture {
    std::map<std::string, std::string> cookies;
    std::string main_session;  ///< open for the whole test: joins and invitations go there
    std::string code;
    std::string slug;
    std::string event_session;
};

Fixture Prepare(std::uint16_t port) {
    HttpClient client(port, kOrigin);
    auto signed_up = client.PostJson(
        "/api/auth/signup",
        {{"email", "crash@example.org"}, {"password", "long enough"}, {"name", "Crash Test"}});
    if (signed_up.status != 201) throw std::runtime_error("sign-up: " + signed_up.body);
    auto session = client.PostJson("/api/sessions", {{"title", "Stays open"}});
    auto event = client.PostJson("/api/events", {{"title", "Crash course"}});
    if (session.status != 201 || event.status != 201) {
        throw std::runtime_error("set-up: " + session.body + " " + event.body);
    }
    const std::string start = util::FormatRfc3339(NowSeconds() + std::chrono::days{30}).substr(0, 16);
    auto sessions = client.PostJson("/api/events/" + std::string(event.Json()["id"]) + "/sessions",
                                    {{"start", start}, {"timezone", "Europe/Paris"}});
    if (sessions.status != 201) throw std::runtime_error("event session: " + sessions.body);
    return {client.Cookies(), session.Json()["id"], session.Json()["code"], event.Json()["slug"],
            sessions.Json()["sessions"][0]["id"]};
}

/// One writer: a mix of the four writes until the server goes away or `stop` is set.
void Write(std::uint16_t port, const Fixture& fixture, int round, int writer, Ledger& ledger,
           const std::atomic<bool>& stop) {
    HttpClient client(port, kOrigin);
    client.Cookies() = fixture.cookies;
    const std::string tag = std::to_string(round) + "-" + std::to_string(writer);
    try {
        for (int n = 0; !stop; ++n) {
            const std::string id = tag + "-" + std::to_string(n);
            // Each write claims its own client address so no per-client limit interferes.
            const std::pair<std::string, std::string> forwarded{
                "X-Forwarded-For", "10." + std::to_string(writer) + "." +
                                       std::to_string(round % 256) + "." + std::to_string(n % 256)};
            switch (n % 6) {
                case 0:
                case 1: {
                    // Ends 1–3 s from now: many expire while the server is down.
                    const auto ends_at = NowSeconds() + std::chrono::seconds{1 + n % 3};
                    auto created = client.PostJson(
                        "/api/sessions",
                        {{"title", "Crash " + id}, {"ends_at", util::FormatRfc3339(ends_at)}});
                    if (created.status == 201) {
                        ledger.Add([&](Ledger& l) { l.sessions[created.Json()["id"]] = ends_at; });
                    }
                    break;
                }
                case 2:
                case 3: {
                    auto joined = client.Request("POST", "/api/join",
                                                 json{{"code", fixture.code}}.dump(),
                                                 {{"Content-Type", "application/json"}, forwarded});
                    if (joined.status == 200) {
                        ledger.Add([&](Ledger& l) {
                            l.participants.insert(joined.Json()["participant_id"]);
                        });
                    }
                    break;
                }
                case 4: {
                    const std::string address = "invitee-" + id + "@example.org";
                    auto invited = client.PostJson(
                        "/api/sessions/" + fixture.main_session + "/invitations",
                        {{"emails", json::array({address})}});
                    if (invited.status == 202) {
                        ledger.Add([&](Ledger& l) { l.invited.insert(address); });
                    }
                    break;
                }
                case 5: {
                    auto registered = client.Request(
                        "POST", "/api/public/events/" + fixture.slug + "/registrations",
                        json{{"session_id", fixture.event_session},
                             {"name", "Registrant " + id},
                             {"email", "registrant-" + id + "@example.org"},
                             {"timezone", "America/New_York"}}
                            .dump(),
                        {{"Content-Type", "application/json"}, forwarded});
                    if (registered.status == 201) {
                        ledger.Add([&](Ledger& l) { l.registrants.insert(registered.Json()["id"]); });
                    }
                    break;
                }
            }
        }
    } catch (const std::exception&) {
        // The server was killed under this request: it was never acknowledged.
    }
}

std::set<std::string> Ids(storage::Connection& db, storage::Sql sql) {
    auto rows = db.Prepare(sql).ReadAll([](storage::Statement& s) { return s.Text(0); });
    return {rows.begin(), rows.end()};
}

TEST(Crash, KilledUnderWritesLosesNothingAndSendsEachEmailOnce) {
    testing::TempDir dir;
    testing::SmtpSink sink;
    const auto db_path = dir.File("crash.db");
    testing::ConveneProcess server({"--db", db_path, "--smtp-url", sink.Url(), "--mail-from",
                                    "convene@example.org", "--trusted-proxy", "127.0.0.1",
                                    "--base-url", kBaseUrl});

    const auto seed = std::random_device{}();
    std::mt19937 random(seed);
    SCOPED_TRACE("seed " + std::to_string(seed));

    auto port = server.Start();
    const Fixture fixture = Prepare(port);
    Ledger ledger;
    const int rounds = Rounds();
    int killed = 0;
    for (int round = 0; round < rounds; ++round) {
        if (round > 0) port = server.Start();
        // Kill after a random number of acknowledged writes, with writes still in flight.
        std::size_t target;
        {
            std::lock_guard lock(ledger.mutex);
            target = ledger.count + std::uniform_int_distribution<std::size_t>(1, 40)(random);
        }
        std::atomic<bool> stop = false;
        std::vector<std::thread> writers;
        for (int w = 0; w < 3; ++w) {
            writers.emplace_back(Write, port, std::cref(fixture), round, w, std::ref(ledger),
                                 std::cref(stop));
        }
        {
            std::unique_lock lock(ledger.mutex);
            ledger.grown.wait_for(lock, 30s, [&] { return ledger.count >= target; });
        }
        const auto ended = server.Stop(SIGKILL);
        stop = true;
        for (auto& writer : writers) writer.join();
        ASSERT_EQ(ended, 128 + SIGKILL) << server.Log();
        ++killed;
    }

    // Up once more: it must recover on its own and finish what was due.
    port = server.Start();
    storage::Connection db(db_path, 5000ms);
    util::Instant last_end{};
    for (const auto& [id, ends_at] : ledger.sessions) last_end = std::max(last_end, ends_at);
    EXPECT_TRUE(Eventually(
        [&] {
            return NowSeconds() > last_end &&
                   db.Prepare("SELECT COUNT(*) FROM sessions WHERE status = 'open' AND "
                              "ends_at <= ?")
                           .Bind(1, last_end)
                           .ReadOne([](storage::Statement& s) { return s.Int(0); }) == 0;
        },
        15s))
        << "sessions past their end date still open after the restart";
    EXPECT_TRUE(Eventually(
        [&] {
            return db.Prepare("SELECT COUNT(*) FROM outbox WHERE status = 'queued' AND due_at <= ?")
                       .Bind(1, NowSeconds())
                       .ReadOne([](storage::Statement& s) { return s.Int(0); }) == 0;
        },
        120s))
        << "emails still queued";
    ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();

    EXPECT_EQ(db.Prepare("PRAGMA integrity_check").ReadOne([](storage::Statement& s) {
        return s.Text(0);
    }),
              "ok");
    EXPECT_EQ(db.Prepare("PRAGMA foreign_key_check").ReadAll([](storage::Statement& s) {
        return s.Text(0);
    }).size(),
              0u);

    // Every acknowledged write is there.
    const auto sessions = Ids(db, "SELECT id FROM sessions");
    const auto participants = Ids(db, "SELECT id FROM participants");
    const auto registrants = Ids(db, "SELECT id FROM registrations");
    const auto recipients = Ids(db, "SELECT recipient FROM outbox WHERE kind = 'invitation'");
    for (const auto& [id, ends_at] : ledger.sessions) EXPECT_TRUE(sessions.count(id)) << id;
    for (const auto& id : ledger.participants) EXPECT_TRUE(participants.count(id)) << id;
    for (const auto& id : ledger.registrants) EXPECT_TRUE(registrants.count(id)) << id;
    for (const auto& address : ledger.invited) EXPECT_TRUE(recipients.count(address)) << address;

    // Each session closed at its end date, never before: by the timer while the server was
    // up, or at the next start when it was down then (the audit tells when it happened).
    auto& closed = db.Prepare(
        "SELECT s.status, s.closed_at, (SELECT MIN(a.at) FROM session_audit a "
        "WHERE a.session_id = s.id AND a.action = 'closed') FROM sessions s WHERE s.id = ?");
    for (const auto& [id, ends_at] : ledger.sessions) {
        closed.Bind(1, id);
        ASSERT_TRUE(closed.Step()) << id;
        EXPECT_EQ(closed.Text(0), "closed") << id;
        EXPECT_EQ(closed.OptionalTime(1), std::optional(ends_at)) << id;
        EXPECT_GE(closed.Time(2), ends_at) << id;
        closed.Reset();
    }

    // Every email went out: once, or twice with one Message-ID after a kill between the send
    // and its record. Nothing arrived that the outbox does not hold.
    const auto sent = Ids(db, "SELECT message_id FROM outbox WHERE status = 'sent'");
    EXPECT_EQ(Ids(db, "SELECT message_id FROM outbox WHERE status != 'sent' AND due_at <= "
                      "strftime('%s', 'now')")
                  .size(),
              0u);
    std::map<std::string, int> arrivals;
    for (const auto& message : sink.Messages()) ++arrivals[message["message_id"].get<std::string>()];
    int twice = 0;
    for (const auto& id : sent) {
        const int count = arrivals.count(id) ? arrivals[id] : 0;
        EXPECT_GE(count, 1) << id;
        EXPECT_LE(count, 2) << id;
        twice += count == 2;
    }
    for (const auto& [id, count] : arrivals) EXPECT_TRUE(sent.count(id)) << id;
    EXPECT_LE(twice, killed);

    std::printf("crash test: %d kills (seed %u), acknowledged %zu sessions, %zu joins, %zu "
                "invitations, %zu registrations; %zu emails, %d sent twice\n",
                killed, seed, ledger.sessions.size(), ledger.participants.size(),
                ledger.invited.size(), ledger.registrants.size(), sent.size(), twice);
}

}  // namespace
}  // namespace convene
