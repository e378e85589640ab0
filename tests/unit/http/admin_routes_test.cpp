// The admin's routes: the outbox and its retry, for admins only.
#include "convene/storage/outbox_repository.hpp"
#include "router_fixture.hpp"

namespace convene::http {
namespace {

using nlohmann::json;

class AdminRoutesTest : public testing::RouterFixture {
protected:
    // The first account on a server is its admin.
    AdminRoutesTest() : admin(SignUp("admin@example.org")), member(SignUp("member@example.org")) {}

    Response Call(Method method, const std::string& target, const std::string& cookie) {
        return Send(method, target, {}, AsBrowser(cookie));
    }

    /// Queues one invitation email through the real route; returns its outbox row id.
    std::string QueueInvitation(const std::string& address) {
        auto session = Body(Send(Method::kPost, "/api/sessions", R"({"title":"Sync"})",
                                 AsBrowser(admin)));
        auto invited = Send(Method::kPost,
                            "/api/sessions/" + std::string(session["id"]) + "/invitations",
                            json{{"emails", address}}.dump(), AsBrowser(admin));
        EXPECT_EQ(invited.status, 202) << invited.body;
        auto db = database.Acquire();
        return storage::OutboxRepository::List(*db, std::nullopt, 1).at(0).id;
    }

    std::string admin;
    std::string member;
};

TEST_F(AdminRoutesTest, OnlyAdminsMayCallThem) {
    const auto id = QueueInvitation("ann@example.org");
    for (const auto& [method, path] :
         {std::pair{Method::kGet, std::string("/api/admin/outbox")},
          std::pair{Method::kPost, "/api/admin/outbox/" + id + "/retry"}}) {
        EXPECT_EQ(Send(method, path, {}, {{"Origin", kBase}}).status, 401) << path;
        auto refused = Call(method, path, member);
        EXPECT_EQ(refused.status, 403) << path;
        EXPECT_EQ(ErrorCode(refused), "admin_only");
    }
    EXPECT_EQ(Call(Method::kGet, "/api/admin/outbox", admin).status, 200);
}

TEST_F(AdminRoutesTest, TheOutboxListsMessagesWithTheirStatusAndCounts) {
    const auto failed = QueueInvitation("gone@example.org");
    const auto queued = QueueInvitation("ann@example.org");
    {
        auto db = database.Acquire();
        storage::OutboxRepository::MarkFailed(*db, failed, 3, "550 no such user");
    }
    auto all = Body(Call(Method::kGet, "/api/admin/outbox", admin));
    EXPECT_EQ(all["counts"], json({{"queued", 1}, {"sent", 0}, {"failed", 1}}));
    ASSERT_EQ(all["messages"].size(), 2u);
    for (const char* field : {"id", "message_id", "recipient", "subject", "kind", "session_id",
                              "status", "attempts", "created_at", "next_attempt_at", "sent_at",
                              "retried_at", "last_error"}) {
        EXPECT_TRUE(all["messages"][0].contains(field)) << field;
    }

    auto only_failed = Body(Call(Method::kGet, "/api/admin/outbox?status=failed", admin));
    ASSERT_EQ(only_failed["messages"].size(), 1u);
    const auto& message = only_failed["messages"][0];
    EXPECT_EQ(message["id"], failed);
    EXPECT_EQ(message["recipient"], "gone@example.org");
    EXPECT_EQ(message["status"], "failed");
    EXPECT_EQ(message["attempts"], 3);
    EXPECT_EQ(message["last_error"], "550 no such user");
    EXPECT_TRUE(message["next_attempt_at"].is_null());
    EXPECT_EQ(only_failed["counts"]["queued"], 1);  // counts cover the whole outbox

    auto only_queued = Body(Call(Method::kGet, "/api/admin/outbox?status=queued&limit=1", admin));
    ASSERT_EQ(only_queued["messages"].size(), 1u);
    EXPECT_EQ(only_queued["messages"][0]["id"], queued);
    EXPECT_FALSE(only_queued["messages"][0]["next_attempt_at"].is_null());

    EXPECT_EQ(ErrorCode(Call(Method::kGet, "/api/admin/outbox?status=lost", admin)),
              "invalid_status");
    for (const char* limit : {"0", "1001", "ten", "-1"}) {
        EXPECT_EQ(ErrorCode(Call(Method::kGet, std::string("/api/admin/outbox?limit=") + limit,
                                 admin)),
                  "invalid_limit")
            << limit;
    }
}

TEST_F(AdminRoutesTest, RetryQueuesAFailedMessageAgainButNeverASentOne) {
    const auto id = QueueInvitation("gone@example.org");
    {
        auto db = database.Acquire();
        storage::OutboxRepository::MarkFailed(*db, id, 3, "550 no such user");
    }
    auto retried = Call(Method::kPost, "/api/admin/outbox/" + id + "/retry", admin);
    ASSERT_EQ(retried.status, 200) << retried.body;
    EXPECT_EQ(Body(retried)["message"]["status"], "queued");
    EXPECT_EQ(Body(retried)["message"]["retried_at"], Body(retried)["message"]["next_attempt_at"]);
    {
        auto db = database.Acquire();
        EXPECT_EQ(storage::OutboxRepository::Find(*db, id)->status, model::OutboxStatus::kQueued);
        storage::OutboxRepository::MarkSent(*db, id, 4, clock.Now());
    }
    auto again = Call(Method::kPost, "/api/admin/outbox/" + id + "/retry", admin);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(ErrorCode(again), "already_sent");
    EXPECT_EQ(ErrorCode(Call(Method::kPost, "/api/admin/outbox/nope/retry", admin)),
              "outbox_message_not_found");
}

}  // namespace
}  // namespace convene::http
