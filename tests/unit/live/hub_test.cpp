#include "convene/live/hub.hpp"
#include "convene/live/release_tracker.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <nlohmann/json.hpp>
#include <mutex>

namespace convene::live {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

/// Records what the hub hands it. Thread-safe.
class FakeSubscriber final : public Subscriber {
public:
    void Deliver(std::shared_ptr<const std::string> message, bool) override {
        std::lock_guard lock(mutex_);
        messages_.push_back(*message);
        changed_.notify_all();
    }
    void Close(std::uint16_t code, std::string) override {
        std::lock_guard lock(mutex_);
        close_code_ = code;
    }
    std::vector<std::string> Messages() {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    json Last() { return json::parse(Messages().back()); }
    std::optional<std::uint16_t> CloseCode() {
        std::lock_guard lock(mutex_);
        return close_code_;
    }
    /// Waits (bounded) for a message of `type`.
    std::optional<json> WaitFor(const std::string& type) {
        std::unique_lock lock(mutex_);
        std::optional<json> found;
        changed_.wait_for(lock, 5s, [&] {
            for (const auto& text : messages_) {
                auto message = json::parse(text);
                if (message["type"] == type) found = message;
            }
            return found.has_value();
        });
        return found;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> messages_;
    std::optional<std::uint16_t> close_code_;
};

class HubTest : public ::testing::Test {
protected:
    HubTest()
        : hub([this](std::string_view id) -> std::optional<domain::LiveSnapshot> {
                  std::lock_guard lock(mutex);
                  auto it = sessions.find(std::string(id));
                  if (it == sessions.end()) return std::nullopt;
                  return domain::LiveSnapshot{it->second, {}, std::nullopt};
              },
              {.base_url = "https://convene.test", .count_interval = 20ms}) {
        model::Session session;
        session.id = "s1";
        session.title = "Room";
        session.code = "482913";
        session.link_token = "secret-link-token";
        sessions["s1"] = session;
    }

    std::shared_ptr<FakeSubscriber> Join(Audience audience, const std::string& identity = "p") {
        auto subscriber = std::make_shared<FakeSubscriber>();
        EXPECT_TRUE(hub.Subscribe("s1", audience, identity, subscriber));
        return subscriber;
    }

    void Update(const std::function<void(model::Session&)>& change) {
        std::lock_guard lock(mutex);
        change(sessions["s1"]);
    }

    std::mutex mutex;
    std::map<std::string, model::Session> sessions;
    Hub hub;
};

TEST_F(HubTest, EachAudienceGetsItsOwnCopy) {
    auto facilitator = Join(Audience::kFacilitator, "u1");
    auto participant = Join(Audience::kParticipant);
    Update([](model::Session& s) { s.code = "111222"; });
    hub.SessionChanged("s1", domain::SessionEvent::kCode);

    auto f = facilitator->WaitFor("code");
    ASSERT_TRUE(f);
    EXPECT_EQ((*f)["session"]["code"], "111222");
    EXPECT_EQ((*f)["session"]["join_url"], "https://convene.test/j/secret-link-token");
    ASSERT_TRUE(participant->WaitFor("code"));
    for (const auto& text : participant->Messages()) {
        EXPECT_EQ(text.find("111222"), std::string::npos) << text;
        EXPECT_EQ(text.find("482913"), std::string::npos) << text;
        EXPECT_EQ(text.find("secret-link-token"), std::string::npos) << text;
    }
}

TEST_F(HubTest, VersionsGrowByOnePerChange) {
    auto facilitator = Join(Audience::kFacilitator, "u1");
    const auto first = facilitator->Last()["version"].get<std::uint64_t>();
    hub.SessionChanged("s1", domain::SessionEvent::kTitle);
    hub.SessionChanged("s1", domain::SessionEvent::kEndDate);
    auto messages = facilitator->Messages();
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(json::parse(messages[1])["version"], first + 1);
    EXPECT_EQ(json::parse(messages[2])["version"], first + 2);
}

TEST_F(HubTest, ParticipantCountsAreCoalesced) {
    auto facilitator = Join(Audience::kFacilitator, "u1");
    std::vector<std::shared_ptr<FakeSubscriber>> crowd;
    for (int i = 0; i < 50; ++i) crowd.push_back(Join(Audience::kParticipant));
    auto count = facilitator->WaitFor("participants");
    ASSERT_TRUE(count);
    int pushes = 0;
    for (const auto& text : facilitator->Messages()) {
        if (json::parse(text)["type"] == "participants") ++pushes;
    }
    EXPECT_LT(pushes, 50);
    EXPECT_EQ(hub.Connections(), 51u);
    for (auto& member : crowd) hub.Unsubscribe("s1", member.get());
    EXPECT_EQ(hub.Connections(), 1u);
}

TEST_F(HubTest, ClosingLetsParticipantsGoButKeepsFacilitators) {
    auto facilitator = Join(Audience::kFacilitator, "u1");
    auto participant = Join(Audience::kParticipant);
    Update([](model::Session& s) { s.status = model::SessionStatus::kClosed; });
    hub.SessionChanged("s1", domain::SessionEvent::kClosed);
    EXPECT_EQ(participant->Last()["status"], "closed");
    EXPECT_EQ(participant->CloseCode(), kCloseSessionClosed);
    EXPECT_FALSE(facilitator->CloseCode());
    // A participant arriving after the close sees the closed state, then is let go.
    auto late = Join(Audience::kParticipant);
    EXPECT_EQ(late->Last()["type"], "state");
    EXPECT_EQ(late->Last()["status"], "closed");
    EXPECT_EQ(late->CloseCode(), kCloseSessionClosed);
}

TEST_F(HubTest, DeletionClosesEveryoneAndForgetsTheRoom) {
    auto facilitator = Join(Audience::kFacilitator, "u1");
    auto participant = Join(Audience::kParticipant);
    { std::lock_guard lock(mutex); sessions.erase("s1"); }
    hub.SessionChanged("s1", domain::SessionEvent::kDeleted);
    EXPECT_EQ(facilitator->Last()["type"], "deleted");
    EXPECT_EQ(facilitator->CloseCode(), kCloseSessionDeleted);
    EXPECT_EQ(participant->CloseCode(), kCloseSessionDeleted);
    EXPECT_EQ(hub.Connections(), 0u);
    EXPECT_FALSE(hub.Subscribe("s1", Audience::kParticipant, "p", std::make_shared<FakeSubscriber>()));
}

TEST_F(HubTest, DisconnectRemovesOneFacilitatorOnly) {
    auto removed = Join(Audience::kFacilitator, "u2");
    auto owner = Join(Audience::kFacilitator, "u1");
    hub.Disconnect("s1", "u2");
    EXPECT_EQ(removed->Last()["type"], "access_removed");
    EXPECT_EQ(removed->CloseCode(), kCloseAccessRemoved);
    EXPECT_FALSE(owner->CloseCode());
}

TEST_F(HubTest, ChangesNobodyWatchesReadNothing) {
    int loads = 0;
    Hub counting([&](std::string_view) -> std::optional<domain::LiveSnapshot> {
        ++loads;
        return std::nullopt;
    }, {});
    counting.SessionChanged("nobody-here", domain::SessionEvent::kTitle);
    EXPECT_EQ(loads, 0);
}

TEST_F(HubTest, CloseAllSaysGoingAway) {
    auto a = Join(Audience::kFacilitator, "u1");
    auto b = Join(Audience::kParticipant);
    hub.CloseAll();
    EXPECT_EQ(a->CloseCode(), 1001);
    EXPECT_EQ(b->CloseCode(), 1001);
}

}  // namespace
}  // namespace convene::live

namespace convene::live {
namespace {

TEST(HubAttendance, EachCountPushedIsToldOnceAndAnEmptiedRoomCountsZero) {
    std::mutex mutex;
    std::condition_variable told;
    std::vector<std::pair<std::string, std::size_t>> counts;
    model::Session session;
    session.id = "s1";
    Hub hub([&](std::string_view) { return std::optional(domain::LiveSnapshot{session, {}, {}}); },
            {.base_url = "https://convene.test",
             .count_interval = 20ms,
             .counted = [&](const std::vector<std::pair<std::string, std::size_t>>& pushed) {
                 std::lock_guard lock(mutex);
                 counts.insert(counts.end(), pushed.begin(), pushed.end());
                 told.notify_all();
             }});
    auto wait_for = [&](std::size_t participants) {
        std::unique_lock lock(mutex);
        return told.wait_for(lock, 5s, [&] {
            return !counts.empty() && counts.back() == std::pair<std::string, std::size_t>{
                                                           "s1", participants};
        });
    };
    std::vector<std::shared_ptr<FakeSubscriber>> crowd;
    for (int i = 0; i < 3; ++i) {
        crowd.push_back(std::make_shared<FakeSubscriber>());
        ASSERT_TRUE(hub.Subscribe("s1", Audience::kParticipant, "p" + std::to_string(i),
                                  crowd.back()));
    }
    EXPECT_TRUE(wait_for(3));
    for (const auto& subscriber : crowd) hub.Unsubscribe("s1", subscriber.get());
    EXPECT_TRUE(wait_for(0));
}

}  // namespace
}  // namespace convene::live

namespace convene::live {
namespace {

TEST(ReleaseTracker, SaysSoOnceEnoughParticipantsHaveLeftAcrossRooms) {
    ReleaseTracker tracker(100);
    EXPECT_FALSE(tracker.Report({{"a", 80}, {"b", 70}}));  // arrivals release nothing
    EXPECT_FALSE(tracker.Report({{"a", 20}}));              // 60 left
    EXPECT_TRUE(tracker.Report({{"b", 10}}));               // 60 more: 120 ≥ 100
    EXPECT_FALSE(tracker.Report({{"b", 5}}));               // 5 since then: not yet
    EXPECT_TRUE(tracker.Report({{"a", 0}}));                // a room empties, 25 ≥ 100/10
    EXPECT_FALSE(tracker.Report({{"b", 50}}));              // arrivals again
    EXPECT_FALSE(tracker.Report({{"c", 0}}));               // an unknown room: nothing left
    EXPECT_FALSE(tracker.Report({{"b", 48}}));              // 2 left
    EXPECT_FALSE(tracker.Report({{"b", 45}, {"d", 3}, {"d", 0}}));  // 6 in all, a tiny room
                                                            // emptied: under a tenth
    EXPECT_TRUE(tracker.Report({{"b", 0}}));                // 51 ≥ 10 and b emptied
}

}  // namespace
}  // namespace convene::live
