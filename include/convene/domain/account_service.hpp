#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/domain/password_hasher.hpp"
#include "convene/model/user.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"
#include "convene/util/rate_limiter.hpp"

namespace convene::domain {

/// Who may create an account with POST /api/auth/signup (`--signup`). An administrator
/// can always make one with `convene user create`.
enum class SignupMode {
    kOpen,    ///< anyone (the first account on a server is its admin)
    kInvite,  ///< only an address a co-facilitator invitation was sent to
    kClosed,  ///< nobody
};
std::optional<SignupMode> ParseSignupMode(std::string_view text);
std::string_view SignupModeName(SignupMode mode);

struct SignupCommand {
    std::string email;
    std::string password;
    std::string name;
};

struct LoginCommand {
    std::string email;
    std::string password;
    /// The client's address, for throttling failed attempts per client.
    std::string client;
};

/// A fresh sign-in: the user and the secret for the session cookie (stored only as a hash).
struct SignedIn {
    model::User user;
    std::string session_token;
    util::Instant expires_at;
    /// How long the session lives from now (the cookie's Max-Age).
    std::chrono::seconds lifetime;
};

struct ProfileUpdate {
    std::optional<std::string> name;
    std::optional<int> default_session_days;
};

struct PasswordChange {
    std::string current_password;
    std::string new_password;
};

/// A new API token; `secret` is shown to its owner once and never stored.
struct NewApiToken {
    model::ApiToken token;
    std::string secret;
};

/// Accounts: sign-up, sign-in, sign-in sessions, API tokens, profile. Thread-safe.
class AccountService {
public:
    struct Settings {
        /// A sign-in session lives this long after its last use.
        std::chrono::seconds session_lifetime = std::chrono::days{30};
        /// Failed sign-ins allowed per account from one client address, then one more per
        /// window / burst: a noisy client is stopped without locking the owner out elsewhere.
        util::RateLimiter::Limit account_failures{10, std::chrono::minutes{15}};
        /// Failed sign-ins allowed per account from all addresses together (guessing spread
        /// over many addresses).
        util::RateLimiter::Limit account_wide_failures{100, std::chrono::minutes{15}};
        /// Failed sign-ins allowed per client address, whatever the account.
        util::RateLimiter::Limit client_failures{20, std::chrono::minutes{15}};
        SignupMode signup = SignupMode::kOpen;
    };

    static constexpr int kMinPasswordLength = 8;
    static constexpr int kMaxPasswordLength = 1024;
    static constexpr int kMaxNameLength = 100;

    AccountService(storage::Database& database, const util::Clock& clock, util::Random& random,
                   const PasswordHasher& hasher, Settings settings);

    /// Creates an account (the first one on a server is `admin`) and signs it in.
    /// 422 invalid_email / invalid_password / invalid_name; 409 email_taken;
    /// 403 signup_closed, or signup_invite_only for an address nobody invited.
    Result<SignedIn> Signup(const SignupCommand& command);
    /// An account made by an administrator (`convene user create`), whatever the sign-up
    /// mode, with the role given. The same 422 and 409 errors as Signup.
    Result<model::User> CreateAccount(const SignupCommand& command, model::Role role);
    SignupMode Signups() const { return settings_.signup; }
    /// 401 invalid_credentials; 429 too_many_attempts after repeated failures.
    Result<SignedIn> Login(const LoginCommand& command);
    /// The password hash of an account made for a personal link (a speaker's): no password
    /// matches it, so only the link signs it in.
    static constexpr std::string_view kNoPassword = "!";
    /// A new account for `email` without a password (not stored: the caller inserts it in
    /// its own transaction).
    model::User LinkAccount(std::string email, std::string name) const;
    /// A sign-in for `user` by a personal link the caller checked; nullopt for an account
    /// that has a password (its owner signs in with it: a link never does).
    std::optional<SignedIn> SignInByLink(const model::User& user);
    /// Ends the sign-in session behind `session_token` (no-op when unknown).
    void Logout(std::string_view session_token);

    /// The user behind a session cookie, if it is valid; extends the session's life.
    std::optional<model::User> AuthenticateSession(std::string_view session_token);
    /// The user behind an API token, if it is valid.
    std::optional<model::User> AuthenticateToken(std::string_view token);

    Result<model::User> GetUser(std::string_view user_id);
    /// 422 invalid_name / invalid_default_session_days.
    Result<model::User> UpdateProfile(std::string_view user_id, const ProfileUpdate& update);
    /// Checks the current password, sets the new one and signs the user out of every other
    /// sign-in session (`session_token` is the one to keep; empty for an API token).
    /// 422 invalid_current_password / invalid_password; 429 too_many_attempts.
    Result<void> ChangePassword(std::string_view user_id, std::string_view session_token,
                                const PasswordChange& change);

    /// 422 invalid_name.
    Result<NewApiToken> CreateToken(std::string_view user_id, std::string_view name);
    std::vector<model::ApiToken> ListTokens(std::string_view user_id);
    /// 404 token_not_found when the user has no such token.
    Result<void> RevokeToken(std::string_view user_id, std::string_view token_id);

    /// Deletes expired sign-in sessions; returns how many (run by a periodic job).
    int PurgeExpiredSessions();

private:
    /// A new account's checked fields; the password is hashed by the caller, outside the
    /// write lock.
    struct CheckedAccount {
        std::string email;
        std::string name;
        std::string password_hash;
    };
    /// 422 invalid_email / invalid_password / invalid_name.
    Result<CheckedAccount> CheckAccount(const SignupCommand& command) const;
    /// Inserts the account (409 email_taken) and claims its invitations, in the caller's
    /// transaction; no role: admin for the first account, else member.
    Result<model::User> InsertAccount(storage::Connection& db, CheckedAccount account,
                                      std::optional<model::Role> role);
    static std::optional<AppError> CheckPassword(std::string_view password);
    Result<std::string> ValidateName(std::string_view name, std::string_view code) const;
    SignedIn StartSession(storage::Connection& db, const model::User& user);

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    const PasswordHasher& hasher_;
    Settings settings_;
    util::RateLimiter account_failures_;
    util::RateLimiter account_wide_failures_;
    util::RateLimiter client_failures_;
};

}  // namespace convene::domain
