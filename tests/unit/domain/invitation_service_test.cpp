#include "convene/domain/invitation_service.hpp"

#include <gtest/gtest.h>

#include "convene/storage/outbox_repository.hpp"
#include "service_fixture.hpp"

namespace convene::domain {
namespace {

using namespace std::chrono_literals;

class InvitationServiceTest : public testing::ServiceFixture {
protected:
    InvitationServiceTest() : owner(NewUser("owner@example.org")) {
        session = sessions.Create(owner, {.title = "Kick-off"})->session;
    }
    std::vector<model::OutboxMessage> Outbox() {
        auto db = database.Acquire();
        return storage::OutboxRepository::List(*db, std::nullopt, 1000);
    }
    model::User owner;
    model::Session session;
};

TEST(SplitAddressList, AcceptsWhatPeoplePaste) {
    EXPECT_EQ(SplitAddressList("a@x.org, b@x.org;c@x.org\nd@x.org\r\n e@x.org\t\tf@x.org,,"),
              (std::vector<std::string>{"a@x.org", "b@x.org", "c@x.org", "d@x.org", "e@x.org",
                                        "f@x.org"}));
    EXPECT_TRUE(SplitAddressList(" ,; \n").empty());
}

TEST_P(InvitationServiceTest, QueuesOneEmailPerValidAddressAndSaysWhyOthersWereRefused) {
    auto result = invitations.Invite(
        owner, session.id, {"ann@example.org", " ANN@example.org ", "bob@example.org", "nope", ""});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->sent, (std::vector<std::string>{"ann@example.org", "bob@example.org"}));
    ASSERT_EQ(result->invalid.size(), 1u);
    EXPECT_EQ(result->invalid[0].address, "nope");
    EXPECT_EQ(result->invalid[0].reason, "not a valid email address");

    auto mails = Outbox();
    ASSERT_EQ(mails.size(), 2u);
    for (const auto& message : mails) {
        EXPECT_EQ(message.kind, "invitation");
        EXPECT_NE(message.text_body.find("http://convene.test/j/" + session.link_token),
                  std::string::npos);
        EXPECT_NE(message.text_body.find(session.code), std::string::npos);
        EXPECT_NE(message.subject.find("Kick-off"), std::string::npos);
    }
}

TEST_P(InvitationServiceTest, CapsPerRequestAndPerHour) {
    std::vector<std::string> many;
    for (int i = 0; i < 201; ++i) many.push_back("u" + std::to_string(i) + "@example.org");
    EXPECT_EQ(invitations.Invite(owner, session.id, many).error().code, "too_many_addresses");
    EXPECT_TRUE(Outbox().empty());

    many.resize(150);
    EXPECT_TRUE(invitations.Invite(owner, session.id, many));
    EXPECT_TRUE(invitations.Invite(owner, session.id, many));  // 300 this hour: the cap
    auto limited = invitations.Invite(owner, session.id, {"one-more@example.org"});
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.error().kind, ErrorKind::kRateLimited);
    EXPECT_TRUE(limited.error().retry_after);
    clock.Advance(1h);
    EXPECT_TRUE(invitations.Invite(owner, session.id, {"one-more@example.org"}));
}

TEST_P(InvitationServiceTest, RefusesClosedStrangersAndEmptyLists) {
    EXPECT_EQ(invitations.Invite(owner, session.id, {}).error().code, "no_addresses");
    const auto stranger = NewUser("s@example.org");
    EXPECT_EQ(invitations.Invite(stranger, session.id, {"a@example.org"}).error().code,
              "session_not_found");
    sessions.Close(owner, session.id);
    EXPECT_EQ(invitations.Invite(owner, session.id, {"a@example.org"}).error().code,
              "session_closed");
    EXPECT_TRUE(Outbox().empty());
}

TEST_P(InvitationServiceTest, CoFacilitatorsMayInvite) {
    const auto helper = NewUser("helper@example.org");
    AddFacilitator(session.id, helper);
    EXPECT_TRUE(invitations.Invite(helper, session.id, {"a@example.org"}));
}

CONVENE_ON_BOTH_ENGINES(InvitationServiceTest);

}  // namespace
}  // namespace convene::domain
