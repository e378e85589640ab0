// The queries that run often, or at start-up, against tables that grow without bound read
// through an index: each one here visits a handful of rows among 20,000 that do not concern
// it (SQLite's virtual-machine steps grow with the rows visited; a scan takes ~10 per row).

#include <gtest/gtest.h>

#include "convene/storage/connection.hpp"
#include "convene/storage/event_repository.hpp"
#include "convene/storage/migrator.hpp"
#include "convene/storage/outbox_repository.hpp"

namespace convene::storage {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kNow = 2'000'000'000;
constexpr std::int64_t kFewSteps = 1'000;  // a scan of the 20,000 rows takes 50,000 or more

util::Instant At(std::int64_t seconds) { return util::Instant{std::chrono::seconds{seconds}}; }

class IndexesTest : public ::testing::Test {
protected:
    IndexesTest() : db(":memory:", 1000ms) {
        Migrate(db, EmbeddedMigrations());
        // The rows belong to nothing else here: references are not what is measured.
        db.Execute("PRAGMA foreign_keys = OFF");
    }

    /// `count` outbox rows: `status`, due `due_from + i`, tied to event session `es<i % 100>`
    /// and registration `r<i>`.
    void FillOutbox(int count, std::string_view status, std::int64_t due_from,
                    std::string_view prefix) {
        db.ExecuteScript(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < " +
            std::to_string(count) +
            ") INSERT INTO outbox (id, message_id, recipient, subject, text_body, html_body, "
            "kind, status, due_at, created_at, event_session_id, registration_id) "
            "SELECT '" + std::string(prefix) + "' || i, '" + std::string(prefix) +
            "' || i || '@m', 'a@example.org', 's', 't', 'h', 'reminder', '" +
            std::string(status) + "', " + std::to_string(due_from) + " + i, 0, 'es' || (i % 100), '" +
            std::string(prefix) + "r' || i FROM n");
    }

    /// Steps `query` takes on its own.
    template <typename Query>
    std::int64_t StepsOf(Query query) {
        const auto before = db.VmSteps();
        query();
        return db.VmSteps() - before;
    }

    Connection db;
};

TEST_F(IndexesTest, TheMailRelayReadsOnlyWhatIsDue) {
    FillOutbox(10'000, "sent", kNow - 100'000, "s");
    FillOutbox(10'000, "queued", kNow + 3600, "q");  // reminders for later
    FillOutbox(3, "queued", kNow - 10, "d");          // due now

    std::vector<model::OutboxMessage> due;
    EXPECT_LT(StepsOf([&] { due = OutboxRepository::ListDue(db, At(kNow), 50); }), kFewSteps);
    ASSERT_EQ(due.size(), 3u);
    EXPECT_EQ(due.front().id, "d0");

    std::optional<util::Instant> next;
    EXPECT_LT(StepsOf([&] { next = OutboxRepository::NextDue(db); }), kFewSteps);
    EXPECT_EQ(next, At(kNow - 10));
}

TEST_F(IndexesTest, DroppingTheMailsOfOneRegistrantOrSessionLooksThemUp) {
    FillOutbox(10'000, "sent", kNow - 100'000, "s");
    FillOutbox(10'000, "queued", kNow + 3600, "q");

    int dropped = 0;
    EXPECT_LT(StepsOf([&] { dropped = OutboxRepository::DropQueuedForRegistration(db, "qr42"); }),
              kFewSteps);
    EXPECT_EQ(dropped, 1);
    EXPECT_LT(StepsOf([&] { dropped = OutboxRepository::DropQueuedForEventSession(db, "es7"); }),
              kFewSteps * 10);  // its 100 queued rows, and the 100 sent ones it passes over
    EXPECT_EQ(dropped, 100);
}

TEST_F(IndexesTest, StartUpReadsOnlyTheEventSessionsStillAhead) {
    db.ExecuteScript(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 20000) "
        "INSERT INTO event_sessions (id, event_id, name, start_local, timezone, starts_at, "
        "duration_minutes, status, created_at) "
        "SELECT 'past' || i, 'e', 'n', '2020-01-01T10:00', 'Europe/Paris', " +
        std::to_string(kNow - 100'000) + " - i, 60, 'scheduled', 0 FROM n");
    db.ExecuteScript(
        "INSERT INTO event_sessions (id, event_id, name, start_local, timezone, starts_at, "
        "duration_minutes, status, created_at) VALUES ('next', 'e', 'n', '2033-05-18T10:00', "
        "'Europe/Paris', " + std::to_string(kNow + 3600) + ", 60, 'scheduled', 0)");

    std::vector<model::EventSession> ahead;
    EXPECT_LT(StepsOf([&] { ahead = EventRepository::ListScheduledAfter(db, At(kNow)); }),
              kFewSteps);
    ASSERT_EQ(ahead.size(), 1u);
    EXPECT_EQ(ahead.front().id, "next");
}

}  // namespace
}  // namespace convene::storage
