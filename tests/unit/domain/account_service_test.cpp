#include "convene/domain/account_service.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace convene::domain {
namespace {

using namespace std::chrono_literals;

class AccountServiceTest : public testing::ServiceFixture {
protected:
    SignedIn SignUp(const std::string& email, const std::string& password = "correct horse") {
        auto result = accounts.Signup({email, password, "Some One"});
        EXPECT_TRUE(result) << (result ? "" : result.error().code);
        return *result;
    }
};

TEST_P(AccountServiceTest, FirstAccountIsAdminAndLaterOnesAreMembers) {
    EXPECT_EQ(SignUp("first@example.org").user.role, model::Role::kAdmin);
    EXPECT_EQ(SignUp("second@example.org").user.role, model::Role::kMember);
}

TEST_P(AccountServiceTest, SignupStoresAnArgon2idHashNeverThePassword) {
    const auto user = SignUp("a@example.org", "my secret pass").user;
    EXPECT_TRUE(user.password_hash.starts_with("$argon2id$"));
    EXPECT_EQ(user.password_hash.find("my secret pass"), std::string::npos);
    EXPECT_EQ(user.default_session_days, 20);
}

TEST_P(AccountServiceTest, SignupValidatesEachField) {
    EXPECT_EQ(accounts.Signup({"nope", "long enough", "N"}).error().code, "invalid_email");
    EXPECT_EQ(accounts.Signup({"a@b.org", "short", "N"}).error().code, "invalid_password");
    EXPECT_EQ(accounts.Signup({"a@b.org", "long enough", "  "}).error().code, "invalid_name");
    EXPECT_EQ(accounts.Signup({"a@b.org", "long enough", std::string(101, 'n')}).error().code,
              "invalid_name");
    EXPECT_EQ(accounts.Signup({"a@b.org", "", "N"}).error().kind, ErrorKind::kInvalid);
    // Nothing was created by the refused attempts.
    EXPECT_TRUE(accounts.Signup({"a@b.org", "long enough", "N"}));
}

TEST_P(AccountServiceTest, EmailIsUniqueIgnoringCaseAndSpaces) {
    SignUp("Ann@Example.org");
    auto again = accounts.Signup({"  ann@example.ORG ", "another pass", "Ann"});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
    EXPECT_EQ(again.error().code, "email_taken");
}

TEST_P(AccountServiceTest, ClosedSignupRefusesEveryoneBeforeHashing) {
    AccountService closed(database, clock, random, hasher, {.signup = SignupMode::kClosed});
    auto refused = closed.Signup({"first@example.org", "long enough", "First"});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::kForbidden);
    EXPECT_EQ(refused.error().code, "signup_closed");
    // An administrator still makes accounts, in any role.
    auto made = closed.CreateAccount({"ops@example.org", "long enough", "Ops"},
                                     model::Role::kAdmin);
    ASSERT_TRUE(made);
    EXPECT_EQ(made->role, model::Role::kAdmin);
    EXPECT_TRUE(closed.Login({"ops@example.org", "long enough", "10.0.0.1"}));
    EXPECT_EQ(closed.CreateAccount({"OPS@example.org", "long enough", "Ops"},
                                   model::Role::kMember).error().code,
              "email_taken");
    EXPECT_EQ(closed.CreateAccount({"nope", "long enough", "N"}, model::Role::kMember)
                  .error().code,
              "invalid_email");
    EXPECT_EQ(closed.CreateAccount({"a@b.org", "short", "N"}, model::Role::kMember).error().code,
              "invalid_password");
}

TEST_P(AccountServiceTest, InviteOnlySignupTakesInvitedAddresses) {
    AccountService invite(database, clock, random, hasher, {.signup = SignupMode::kInvite});
    const auto owner =
        invite.CreateAccount({"owner@example.org", "long enough", "Owner"}, model::Role::kMember);
    ASSERT_TRUE(owner);
    auto stranger = invite.Signup({"stranger@example.org", "long enough", "S"});
    ASSERT_FALSE(stranger);
    EXPECT_EQ(stranger.error().code, "signup_invite_only");

    const auto session = sessions.Create(*owner, {.title = "Board"})->session;
    ASSERT_TRUE(facilitators.Add(*owner, session.id, "Guest@Example.org"));
    auto guest = invite.Signup({"guest@example.org", "long enough", "Guest"});
    ASSERT_TRUE(guest) << guest.error().code;
    EXPECT_EQ(guest->user.role, model::Role::kMember);
    // The invitation became access.
    EXPECT_TRUE(sessions.Get(guest->user, session.id));
}

TEST_P(AccountServiceTest, SignupModesHaveNames) {
    for (auto mode : {SignupMode::kOpen, SignupMode::kInvite, SignupMode::kClosed}) {
        EXPECT_EQ(ParseSignupMode(SignupModeName(mode)), mode);
    }
    EXPECT_FALSE(ParseSignupMode("Open"));
    EXPECT_FALSE(ParseSignupMode(""));
}

TEST_P(AccountServiceTest, LoginChecksThePasswordAndStartsASession) {
    SignUp("ann@example.org", "right password");
    auto ok = accounts.Login({"ANN@example.org", "right password", "10.0.0.1"});
    ASSERT_TRUE(ok);
    EXPECT_EQ(accounts.AuthenticateSession(ok->session_token)->email, "ann@example.org");

    auto wrong = accounts.Login({"ann@example.org", "wrong password", "10.0.0.1"});
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "invalid_credentials");
    auto unknown = accounts.Login({"bob@example.org", "right password", "10.0.0.1"});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, "invalid_credentials");  // no hint the account is missing
}

TEST_P(AccountServiceTest, ANoisyClientIsStoppedWithoutLockingTheOwnerOut) {
    SignUp("ann@example.org", "right password");
    for (int i = 0; i < 10; ++i) {
        auto result = accounts.Login({"ann@example.org", "wrong", "10.0.0.1"});
        ASSERT_EQ(result.error().code, "invalid_credentials") << i;
    }
    // The guesser is stopped on this account, even with the right password…
    EXPECT_EQ(accounts.Login({"ann@example.org", "right password", "10.0.0.1"}).error().code,
              "too_many_attempts");
    // …and Ann, from her own address, signs in as usual.
    EXPECT_TRUE(accounts.Login({"ann@example.org", "right password", "10.9.9.9"}));
}

TEST_P(AccountServiceTest, GuessingOneAccountFromManyAddressesIsThrottled) {
    SignUp("ann@example.org", "right password");
    for (int i = 0; i < 100; ++i) {
        // Each from a different address: the account-wide limit alone must bite.
        auto result = accounts.Login(
            {"ann@example.org", "wrong", "10.0." + std::to_string(i / 200) + "." + std::to_string(i % 200)});
        ASSERT_EQ(result.error().code, "invalid_credentials") << i;
    }
    auto blocked = accounts.Login({"ann@example.org", "right password", "10.9.9.9"});
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().kind, ErrorKind::kRateLimited);
    EXPECT_EQ(blocked.error().code, "too_many_attempts");
    ASSERT_TRUE(blocked.error().retry_after);
    clock.Advance(*blocked.error().retry_after);
    EXPECT_TRUE(accounts.Login({"ann@example.org", "right password", "10.9.9.9"}));
}

TEST_P(AccountServiceTest, RepeatedFailuresAreThrottledPerClient) {
    SignUp("ann@example.org", "right password");
    for (int i = 0; i < 20; ++i) {
        auto result = accounts.Login({"u" + std::to_string(i) + "@example.org", "x", "10.0.0.1"});
        ASSERT_EQ(result.error().code, "invalid_credentials") << i;
    }
    EXPECT_EQ(accounts.Login({"ann@example.org", "right password", "10.0.0.1"}).error().code,
              "too_many_attempts");
    // Another client is not affected.
    EXPECT_TRUE(accounts.Login({"ann@example.org", "right password", "10.0.0.2"}));
}

TEST_P(AccountServiceTest, SessionsSlideAndExpire) {
    const auto token = SignUp("ann@example.org").session_token;
    clock.Advance(std::chrono::days{29});
    ASSERT_TRUE(accounts.AuthenticateSession(token));  // extends to 30 days from now
    clock.Advance(std::chrono::days{29});
    ASSERT_TRUE(accounts.AuthenticateSession(token));
    clock.Advance(std::chrono::days{31});
    EXPECT_FALSE(accounts.AuthenticateSession(token));
    EXPECT_EQ(accounts.PurgeExpiredSessions(), 1);
}

TEST_P(AccountServiceTest, LogoutEndsTheSession) {
    const auto token = SignUp("ann@example.org").session_token;
    accounts.Logout(token);
    EXPECT_FALSE(accounts.AuthenticateSession(token));
    EXPECT_FALSE(accounts.AuthenticateSession("cvs_forged"));
    EXPECT_FALSE(accounts.AuthenticateSession(""));
}

TEST_P(AccountServiceTest, ProfileUpdatesAreValidated) {
    const auto id = SignUp("ann@example.org").user.id;
    auto updated = accounts.UpdateProfile(id, {"Ann B", 45});
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->name, "Ann B");
    EXPECT_EQ(updated->default_session_days, 45);
    EXPECT_EQ(accounts.GetUser(id)->default_session_days, 45);
    EXPECT_EQ(accounts.UpdateProfile(id, {std::nullopt, 0}).error().code,
              "invalid_default_session_days");
    EXPECT_EQ(accounts.UpdateProfile(id, {std::nullopt, 366}).error().code,
              "invalid_default_session_days");
    EXPECT_EQ(accounts.UpdateProfile(id, {"", std::nullopt}).error().code, "invalid_name");
    EXPECT_EQ(accounts.GetUser(id)->default_session_days, 45);
}

TEST_P(AccountServiceTest, ChangingThePasswordSignsOutEveryOtherSession) {
    const auto here = SignUp("a@example.org", "old password");
    const auto elsewhere = accounts.Login({"a@example.org", "old password", "192.0.2.9"});
    ASSERT_TRUE(elsewhere);
    const auto& id = here.user.id;
    EXPECT_EQ(accounts.ChangePassword(id, here.session_token, {"wrong one", "new password"})
                  .error().code,
              "invalid_current_password");
    EXPECT_EQ(accounts.ChangePassword(id, here.session_token, {"old password", "short"})
                  .error().code,
              "invalid_password");
    EXPECT_TRUE(accounts.AuthenticateSession(elsewhere->session_token));  // nothing changed yet

    ASSERT_TRUE(accounts.ChangePassword(id, here.session_token, {"old password", "new password"}));
    EXPECT_TRUE(accounts.AuthenticateSession(here.session_token));
    EXPECT_FALSE(accounts.AuthenticateSession(elsewhere->session_token));
    EXPECT_EQ(accounts.Login({"a@example.org", "old password", "192.0.2.1"}).error().code,
              "invalid_credentials");
    EXPECT_TRUE(accounts.Login({"a@example.org", "new password", "192.0.2.1"}));
}

TEST_P(AccountServiceTest, GuessingTheCurrentPasswordIsThrottled) {
    const auto here = SignUp("a@example.org", "old password");
    Result<void> last = {};
    for (int i = 0; i < 20 && (last || last.error().code != "too_many_attempts"); ++i) {
        last = accounts.ChangePassword(here.user.id, here.session_token,
                                       {"guess " + std::to_string(i), "new password"});
    }
    ASSERT_FALSE(last);
    EXPECT_EQ(last.error().code, "too_many_attempts");
    EXPECT_TRUE(last.error().retry_after);
    // Even the right password waits now.
    EXPECT_EQ(accounts.ChangePassword(here.user.id, here.session_token,
                                      {"old password", "new password"}).error().code,
              "too_many_attempts");
}

TEST_P(AccountServiceTest, ApiTokensAuthenticateUntilRevoked) {
    const auto id = SignUp("ann@example.org").user.id;
    auto created = accounts.CreateToken(id, "deploy script");
    ASSERT_TRUE(created);
    EXPECT_TRUE(created->secret.starts_with("cvn_"));
    EXPECT_EQ(accounts.AuthenticateToken(created->secret)->id, id);
    ASSERT_EQ(accounts.ListTokens(id).size(), 1u);
    EXPECT_TRUE(accounts.ListTokens(id)[0].last_used_at);
    EXPECT_FALSE(accounts.RevokeToken("someone-else", created->token.id));
    EXPECT_TRUE(accounts.RevokeToken(id, created->token.id));
    EXPECT_FALSE(accounts.AuthenticateToken(created->secret));
    EXPECT_EQ(accounts.RevokeToken(id, created->token.id).error().code, "token_not_found");
}

CONVENE_ON_BOTH_ENGINES(AccountServiceTest);

}  // namespace
}  // namespace convene::domain
