#include "convene/jobs/outbox_relay.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

#include "convene/domain/facilitator_service.hpp"
#include "convene/domain/outbox_service.hpp"
#include "convene/storage/migrator.hpp"
#include "convene/storage/outbox_repository.hpp"
#include "fakes.hpp"

namespace convene::jobs {
namespace {

using namespace std::chrono_literals;

/// Answers each Send with the next scripted delivery (success once the script is empty).
class FakeMailer final : public mail::Mailer {
public:
    mail::Delivery Send(std::string_view from, std::string_view to, std::string_view mime,
                        std::string_view message_id) override {
        std::lock_guard lock(mutex_);
        sent.push_back({std::string(from), std::string(to), std::string(mime),
                        std::string(message_id)});
        if (script.empty()) return {true, false, "250 ok"};
        auto next = script.front();
        script.pop_front();
        return next;
    }
    struct Sent {
        std::string from, to, mime, message_id;
    };
    std::vector<Sent> sent;
    std::deque<mail::Delivery> script;

private:
    std::mutex mutex_;
};

class OutboxRelayTest : public ::testing::Test {
protected:
    OutboxRelayTest()
        : database({.path = ":memory:"}), relay(database, mailer, {.from = "c@convene.test"}) {
        auto db = database.Acquire();
        storage::Migrate(*db, storage::EmbeddedMigrations());
    }

    std::string Queue(const std::string& to) {
        auto message = domain::NewEmail(random, clock.Now(), "https://convene.test", to,
                                        "Subject", "text", "<p>html</p>", "test", std::nullopt);
        auto db = database.Acquire();
        storage::OutboxRepository::Enqueue(*db, message);
        return message.id;
    }

    model::OutboxMessage Row(const std::string& id) {
        auto db = database.Acquire();
        auto row = storage::OutboxRepository::Find(*db, id);
        if (!row) ADD_FAILURE() << "no outbox row " << id;
        return row.value_or(model::OutboxMessage{});
    }

    storage::Database database;
    testing::FakeClock clock;
    testing::FakeRandom random;
    FakeMailer mailer;
    OutboxRelay relay;
};

TEST_F(OutboxRelayTest, SendsWhatIsDueOnceAndMarksItSent) {
    const auto id = Queue("ann@example.org");
    EXPECT_FALSE(relay.RunOnce(clock.Now()));  // nothing left queued
    ASSERT_EQ(mailer.sent.size(), 1u);
    EXPECT_EQ(mailer.sent[0].to, "ann@example.org");
    EXPECT_EQ(mailer.sent[0].from, "c@convene.test");
    EXPECT_NE(mailer.sent[0].mime.find("Message-ID: " + Row(id).message_id), std::string::npos);
    EXPECT_EQ(Row(id).status, model::OutboxStatus::kSent);
    EXPECT_EQ(Row(id).attempts, 1);
    relay.RunOnce(clock.Now());
    EXPECT_EQ(mailer.sent.size(), 1u);  // never twice
}

TEST_F(OutboxRelayTest, TemporaryFailuresAreRetriedWithGrowingBackoff) {
    const auto id = Queue("ann@example.org");
    mailer.script = {{false, false, "connection refused"}, {false, false, "timeout"}};
    EXPECT_EQ(relay.RunOnce(clock.Now()), clock.Now() + 30s);
    EXPECT_EQ(Row(id).last_error, "connection refused");
    clock.Advance(29s);
    relay.RunOnce(clock.Now());
    EXPECT_EQ(mailer.sent.size(), 1u);  // not due yet
    clock.Advance(1s);
    EXPECT_EQ(relay.RunOnce(clock.Now()), clock.Now() + 60s);
    clock.Advance(60s);
    EXPECT_FALSE(relay.RunOnce(clock.Now()));
    EXPECT_EQ(Row(id).status, model::OutboxStatus::kSent);
    EXPECT_EQ(Row(id).attempts, 3);
    // The same message each time: a retry is recognisable.
    EXPECT_EQ(mailer.sent[0].message_id, mailer.sent[2].message_id);
}

TEST_F(OutboxRelayTest, PermanentRefusalsFailAtOnce) {
    const auto id = Queue("nobody@example.org");
    mailer.script = {{false, true, "550 no such user"}};
    EXPECT_FALSE(relay.RunOnce(clock.Now()));
    EXPECT_EQ(Row(id).status, model::OutboxStatus::kFailed);
    EXPECT_EQ(Row(id).last_error, "550 no such user");
}

TEST_F(OutboxRelayTest, GivesUpAfterADay) {
    const auto id = Queue("ann@example.org");
    for (int i = 0; i < 100; ++i) mailer.script.push_back({false, false, "down"});
    for (int i = 0; i < 100 && Row(id).status == model::OutboxStatus::kQueued; ++i) {
        auto next = relay.RunOnce(clock.Now());
        if (next) clock.Set(*next);
    }
    EXPECT_EQ(Row(id).status, model::OutboxStatus::kFailed);
    EXPECT_GE(clock.Now() - Row(id).created_at, std::chrono::hours{24});
    EXPECT_LT(Row(id).attempts, 40);  // backoff, not hammering
}

TEST_F(OutboxRelayTest, AnAdminRetryGetsAFreshDayOfRetries) {
    const auto id = Queue("ann@example.org");
    mailer.script = {{false, true, "550 mailbox full"}};
    relay.RunOnce(clock.Now());
    ASSERT_EQ(Row(id).status, model::OutboxStatus::kFailed);

    // Two days later the admin has fixed things and retries; the server is busy at first.
    clock.Advance(std::chrono::hours{48});
    domain::OutboxService outbox(database, clock);
    int woken = 0;
    outbox.SetMailQueued([&woken] { ++woken; });
    ASSERT_TRUE(outbox.Retry(id));
    EXPECT_EQ(woken, 1);
    mailer.script = {{false, false, "451 try again later"}};
    EXPECT_EQ(relay.RunOnce(clock.Now()), clock.Now() + 60s);  // backoff goes on from attempt 2
    EXPECT_EQ(Row(id).status, model::OutboxStatus::kQueued);   // not failed for being old
    EXPECT_EQ(Row(id).last_error, "451 try again later");
    clock.Advance(60s);
    relay.RunOnce(clock.Now());
    EXPECT_EQ(Row(id).status, model::OutboxStatus::kSent);
    EXPECT_EQ(Row(id).attempts, 3);
    EXPECT_EQ(mailer.sent.size(), 3u);
}

/// A mailer that asks the relay to stop while it sends (a shutdown arriving mid-batch).
class StoppingMailer final : public mail::Mailer {
public:
    mail::Delivery Send(std::string_view, std::string_view, std::string_view,
                        std::string_view) override {
        ++sent;
        relay->Stop();
        return {true, false, "250 ok"};
    }
    OutboxRelay* relay = nullptr;
    int sent = 0;
};

TEST_F(OutboxRelayTest, StoppingFinishesTheMessageInHandAndLeavesTheRestQueued) {
    StoppingMailer stopping;
    OutboxRelay stopping_relay(database, stopping, {.from = "c@convene.test"});
    stopping.relay = &stopping_relay;
    const auto first = Queue("ann@example.org");
    const auto second = Queue("bob@example.org");
    EXPECT_EQ(stopping_relay.RunOnce(clock.Now()), clock.Now());  // the rest is still due
    EXPECT_EQ(stopping.sent, 1);
    const bool first_went = Row(first).status == model::OutboxStatus::kSent;
    EXPECT_EQ(Row(first_went ? second : first).status, model::OutboxStatus::kQueued);
    // The next start sends the rest, and only the rest.
    relay.RunOnce(clock.Now());
    EXPECT_EQ(Row(first).status, model::OutboxStatus::kSent);
    EXPECT_EQ(Row(second).status, model::OutboxStatus::kSent);
    EXPECT_EQ(mailer.sent.size(), 1u);
}

}  // namespace
}  // namespace convene::jobs
