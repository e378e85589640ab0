#include "convene/domain/facilitator_service.hpp"

#include <gtest/gtest.h>

#include "convene/storage/outbox_repository.hpp"
#include "service_fixture.hpp"

namespace convene::domain {
namespace {

class FacilitatorServiceTest : public testing::ServiceFixture {
protected:
    FacilitatorServiceTest() : owner(NewUser("owner@example.org")) {
        session = sessions.Create(owner, {.title = "Board <meeting> & \"Q4\""})->session;
    }

    std::vector<model::OutboxMessage> Outbox() {
        auto db = database.Acquire();
        return storage::OutboxRepository::List(*db, std::nullopt, 100);
    }

    model::User owner;
    model::Session session;
};

TEST_P(FacilitatorServiceTest, AnExistingAccountGetsAccessAtOnceAndAnEmail) {
    const auto helper = NewUser("Helper@Example.org");
    auto added = facilitators.Add(owner, session.id, "helper@example.org");
    ASSERT_TRUE(added);
    ASSERT_TRUE(std::holds_alternative<model::Facilitator>(*added));
    EXPECT_EQ(std::get<model::Facilitator>(*added).user_id, helper.id);
    EXPECT_EQ(sessions.Get(helper, session.id)->role, model::SessionRole::kFacilitator);

    auto mails = Outbox();
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(mails[0].recipient, "Helper@Example.org");
    EXPECT_EQ(mails[0].kind, "facilitator_added");
    EXPECT_EQ(mails[0].status, model::OutboxStatus::kQueued);
    EXPECT_NE(mails[0].subject.find(session.title), std::string::npos);
    EXPECT_NE(mails[0].text_body.find("http://convene.test/sessions/" + session.id),
              std::string::npos);
    EXPECT_TRUE(mails[0].message_id.ends_with("@convene.test>"));
    // Titles are escaped in HTML, never injected.
    EXPECT_EQ(mails[0].html_body.find("<meeting>"), std::string::npos);
    EXPECT_NE(mails[0].html_body.find("Board &lt;meeting&gt; &amp; &quot;Q4&quot;"),
              std::string::npos);
}

TEST_P(FacilitatorServiceTest, AnUnknownAddressIsInvitedAndGetsAccessAtSignUp) {
    auto added = facilitators.Add(owner, session.id, " new@example.org ");
    ASSERT_TRUE(added);
    ASSERT_TRUE(std::holds_alternative<model::FacilitatorInvitation>(*added));
    auto list = facilitators.List(owner, session.id);
    ASSERT_EQ(list->pending.size(), 1u);
    EXPECT_EQ(list->pending[0].email, "new@example.org");
    EXPECT_TRUE(list->facilitators.empty());
    ASSERT_EQ(Outbox().size(), 1u);
    EXPECT_EQ(Outbox()[0].kind, "facilitator_invited");
    EXPECT_NE(Outbox()[0].text_body.find("http://convene.test/signin#signup"), std::string::npos);

    const auto newcomer = NewUser("NEW@example.org");
    EXPECT_EQ(sessions.Get(newcomer, session.id)->role, model::SessionRole::kFacilitator);
    list = facilitators.List(owner, session.id);
    EXPECT_TRUE(list->pending.empty());
    ASSERT_EQ(list->facilitators.size(), 1u);
    EXPECT_EQ(list->facilitators[0].user_id, newcomer.id);
}

TEST_P(FacilitatorServiceTest, ARevokedInvitationGrantsNothing) {
    auto added = facilitators.Add(owner, session.id, "new@example.org");
    const auto id = std::get<model::FacilitatorInvitation>(*added).id;
    ASSERT_TRUE(facilitators.Revoke(owner, session.id, id));
    EXPECT_EQ(facilitators.Revoke(owner, session.id, id).error().code, "invitation_not_found");
    const auto newcomer = NewUser("new@example.org");
    EXPECT_EQ(sessions.Get(newcomer, session.id).error().code, "session_not_found");
}

TEST_P(FacilitatorServiceTest, RemovalTakesAccessAwayAndTellsTheLiveLayer) {
    const auto helper = NewUser("helper@example.org");
    facilitators.Add(owner, session.id, helper.email);
    ASSERT_TRUE(facilitators.Remove(owner, session.id, helper.id));
    EXPECT_EQ(sessions.Get(helper, session.id).error().code, "session_not_found");
    ASSERT_EQ(events.Revoked().size(), 1u);
    EXPECT_EQ(events.Revoked()[0], std::make_pair(session.id, helper.id));
    EXPECT_EQ(facilitators.Remove(owner, session.id, helper.id).error().code,
              "facilitator_not_found");
}

TEST_P(FacilitatorServiceTest, RefusalsWriteNoMail) {
    const auto helper = NewUser("helper@example.org");
    EXPECT_EQ(facilitators.Add(owner, session.id, "not an address").error().code, "invalid_email");
    EXPECT_EQ(facilitators.Add(owner, session.id, "a@b.org\r\nBcc: x@y.org").error().code,
              "invalid_email");
    EXPECT_EQ(facilitators.Add(owner, session.id, owner.email).error().code, "is_owner");
    facilitators.Add(owner, session.id, helper.email);
    EXPECT_EQ(facilitators.Add(owner, session.id, "HELPER@example.org").error().code,
              "already_facilitator");
    facilitators.Add(owner, session.id, "new@example.org");
    EXPECT_EQ(facilitators.Add(owner, session.id, "New@Example.org").error().code,
              "already_invited");
    EXPECT_EQ(facilitators.Add(helper, session.id, "x@example.org").error().code, "owner_only");
    const auto stranger = NewUser("s@example.org");
    EXPECT_EQ(facilitators.Add(stranger, session.id, "x@example.org").error().code,
              "session_not_found");
    EXPECT_EQ(facilitators.List(stranger, session.id).error().code, "session_not_found");
    EXPECT_TRUE(facilitators.List(helper, session.id));  // co-facilitators may look
    EXPECT_EQ(Outbox().size(), 2u);  // the two successful adds only
}

TEST(HtmlEscape, EscapesTheFiveCharacters) {
    EXPECT_EQ(HtmlEscape(R"(<a href="x">'&'</a>)"),
              "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(MailDomain, IsTheBaseUrlHostWhenAMailServerWouldTakeIt) {
    EXPECT_EQ(MailDomain("https://convene.example.org"), "convene.example.org");
    EXPECT_EQ(MailDomain("https://convene.example.org:8443/x"), "convene.example.org");
    EXPECT_EQ(MailDomain("http://localhost:8080"), "localhost.invalid");
    EXPECT_EQ(MailDomain("http://127.0.0.1:8080"), "convene.invalid");
    EXPECT_EQ(MailDomain("http://[::1]:8080"), "convene.invalid");
    EXPECT_EQ(MailDomain(""), "convene.invalid");
}

CONVENE_ON_BOTH_ENGINES(FacilitatorServiceTest);

}  // namespace
}  // namespace convene::domain
