#include "convene/domain/account_service.hpp"

#include "convene/domain/facilitator_service.hpp"
#include "convene/domain/validation.hpp"
#include "convene/storage/credential_repository.hpp"
#include "convene/storage/sharing_repository.hpp"
#include "convene/storage/user_repository.hpp"
#include "convene/util/address.hpp"
#include "convene/util/hash.hpp"

namespace convene::domain {
namespace {

using storage::CredentialRepository;
using storage::UserRepository;

constexpr std::string_view kTokenPrefix = "cvn_";
constexpr std::string_view kSessionPrefix = "cvs_";
/// Sliding expiry is written at most this often per session, not on every request.
constexpr std::chrono::seconds kTouchInterval = std::chrono::minutes{10};

AppError InvalidCredentials() {
    return Unauthenticated("invalid_credentials", "The email or password is not correct.");
}

}  // namespace

AccountService::AccountService(storage::Database& database, const util::Clock& clock,
                               util::Random& random, const PasswordHasher& hasher,
                               Settings settings)
    : database_(database),
      clock_(clock),
      random_(random),
      hasher_(hasher),
      settings_(settings),
      account_failures_(clock, settings.account_failures),
      account_wide_failures_(clock, settings.account_wide_failures),
      client_failures_(clock, settings.client_failures) {}

Result<std::string> AccountService::ValidateName(std::string_view name,
                                                 std::string_view code) const {
    auto trimmed = Trim(name);
    const auto length = Utf8Length(trimmed);
    if (trimmed.empty() || length > static_cast<std::size_t>(kMaxNameLength) ||
        !IsSingleLineText(trimmed)) {
        return Invalid(std::string(code), "The name must be 1 to " +
                                              std::to_string(kMaxNameLength) +
                                              " characters on one line.");
    }
    return trimmed;
}

SignedIn AccountService::StartSession(storage::Connection& db, const model::User& user) {
    const auto now = clock_.Now();
    SignedIn signed_in{user, random_.Token(kSessionPrefix), now + settings_.session_lifetime,
                       settings_.session_lifetime};
    CredentialRepository::InsertLoginSession(
        db, {util::Sha256Hex(signed_in.session_token), user.id, now, signed_in.expires_at, now});
    return signed_in;
}

std::optional<AppError> AccountService::CheckPassword(std::string_view password) {
    const auto length = Utf8Length(password);
    if (length == std::string_view::npos || length < static_cast<std::size_t>(kMinPasswordLength) ||
        password.size() > static_cast<std::size_t>(kMaxPasswordLength)) {
        return Invalid("invalid_password", "The password must be at least " +
                                               std::to_string(kMinPasswordLength) +
                                               " characters long.");
    }
    return std::nullopt;
}

std::optional<SignupMode> ParseSignupMode(std::string_view text) {
    if (text == "open") return SignupMode::kOpen;
    if (text == "invite") return SignupMode::kInvite;
    if (text == "closed") return SignupMode::kClosed;
    return std::nullopt;
}

std::string_view SignupModeName(SignupMode mode) {
    switch (mode) {
        case SignupMode::kOpen: return "open";
        case SignupMode::kInvite: return "invite";
        case SignupMode::kClosed: return "closed";
    }
    return "closed";
}

Result<AccountService::CheckedAccount> AccountService::CheckAccount(
    const SignupCommand& command) const {
    auto email = std::string(Trim(command.email));
    if (!IsValidEmail(email)) {
        return Invalid("invalid_email", "Enter a valid email address, like name@example.org.");
    }
    if (auto bad = CheckPassword(command.password)) return *bad;
    auto name = ValidateName(command.name, "invalid_name");
    if (!name) return name.error();
    return CheckedAccount{std::move(email), std::move(*name), {}};
}

Result<model::User> AccountService::InsertAccount(storage::Connection& db, CheckedAccount account,
                                                  std::optional<model::Role> role) {
    if (UserRepository::FindByEmail(db, account.email)) {
        return Conflict("email_taken", "An account with this email already exists.");
    }
    model::User user{
        .id = random_.Id(),
        .email = std::move(account.email),
        .name = std::move(account.name),
        .password_hash = std::move(account.password_hash),
        .role = role ? *role
                     : (UserRepository::Count(db) == 0 ? model::Role::kAdmin
                                                       : model::Role::kMember),
        .default_session_days = 20,
        .created_at = clock_.Now(),
    };
    UserRepository::Insert(db, user);
    // Co-facilitator invitations sent to this address become access now.
    ClaimInvitations(db, user, user.created_at);
    return user;
}

Result<SignedIn> AccountService::Signup(const SignupCommand& command) {
    if (settings_.signup == SignupMode::kClosed) {
        return Forbidden("signup_closed",
                         "Sign-up is closed on this server: ask its administrator for an account.");
    }
    auto account = CheckAccount(command);
    if (!account) return account.error();
    if (settings_.signup == SignupMode::kInvite) {
        // Before the hash: a refused sign-up costs no hashing.
        auto db = database_.Acquire();
        if (storage::SharingRepository::InvitationsForEmail(*db, account->email).empty()) {
            return Forbidden("signup_invite_only",
                             "This server takes new accounts by invitation only: sign up with "
                             "the address your invitation was sent to.");
        }
    }
    // Hashing takes tens of milliseconds: do it before taking the write lock.
    account->password_hash = hasher_.Hash(command.password);
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto user = InsertAccount(*db, std::move(*account), std::nullopt);
    if (!user) return user.error();
    auto signed_in = StartSession(*db, *user);
    tx.Commit();
    return signed_in;
}

Result<model::User> AccountService::CreateAccount(const SignupCommand& command,
                                                  model::Role role) {
    auto account = CheckAccount(command);
    if (!account) return account.error();
    account->password_hash = hasher_.Hash(command.password);
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto user = InsertAccount(*db, std::move(*account), role);
    if (!user) return user.error();
    tx.Commit();
    return user;
}

model::User AccountService::LinkAccount(std::string email, std::string name) const {
    return model::User{.id = random_.Id(),
                       .email = std::move(email),
                       .name = std::move(name),
                       .password_hash = std::string(kNoPassword),
                       .role = model::Role::kMember,
                       .default_session_days = 20,
                       .created_at = clock_.Now()};
}

std::optional<SignedIn> AccountService::SignInByLink(const model::User& user) {
    if (user.password_hash != kNoPassword) return std::nullopt;
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto signed_in = StartSession(*db, user);
    tx.Commit();
    return signed_in;
}

Result<SignedIn> AccountService::Login(const LoginCommand& command) {
    const auto email = Trim(command.email);
    const auto account_key = AsciiLower(email);
    const auto client_key = util::AddressKey(command.client);
    const auto pair_key = account_key + " " + client_key;
    std::optional<std::chrono::seconds> wait;
    for (auto* limit : {&account_failures_, &account_wide_failures_, &client_failures_}) {
        const auto& key = limit == &account_failures_        ? pair_key
                          : limit == &account_wide_failures_ ? account_key
                                                             : client_key;
        if (auto limit_wait = limit->Check(key)) {
            wait = wait ? std::max(*wait, *limit_wait) : *limit_wait;
        }
    }
    if (wait) {
        return AppError{ErrorKind::kRateLimited, "too_many_attempts",
                        "Too many failed sign-in attempts. Try again later.", wait};
    }

    std::optional<model::User> user;
    {
        auto db = database_.Acquire();
        user = UserRepository::FindByEmail(*db, email);
    }
    // An unknown email costs the same hash check as a wrong password.
    const bool ok = hasher_.Verify(user ? user->password_hash : hasher_.DummyHash(),
                                   command.password) &&
                    user.has_value();
    if (!ok) {
        account_failures_.Acquire(pair_key);
        account_wide_failures_.Acquire(account_key);
        client_failures_.Acquire(client_key);
        return InvalidCredentials();
    }
    account_failures_.Reset(pair_key);

    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto signed_in = StartSession(*db, *user);
    tx.Commit();
    return signed_in;
}

Result<void> AccountService::ChangePassword(std::string_view user_id,
                                            std::string_view session_token,
                                            const PasswordChange& change) {
    // Guessing the current password is throttled like signing in.
    const auto account_key = "password-change:" + std::string(user_id);
    if (auto wait = account_failures_.Check(account_key)) {
        return AppError{ErrorKind::kRateLimited, "too_many_attempts",
                        "Too many wrong passwords. Try again later.", wait};
    }
    std::optional<model::User> user;
    {
        auto db = database_.Acquire();
        user = UserRepository::FindById(*db, user_id);
    }
    if (!user) return NotFound("user_not_found", "No such user.");
    if (!hasher_.Verify(user->password_hash, change.current_password)) {
        account_failures_.Acquire(account_key);
        return Invalid("invalid_current_password", "The current password is not right.");
    }
    account_failures_.Reset(account_key);
    if (auto bad = CheckPassword(change.new_password)) return *bad;
    const auto password_hash = hasher_.Hash(change.new_password);

    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    UserRepository::UpdatePasswordHash(*db, user_id, password_hash);
    // Whoever else was signed in with the old password is signed out.
    CredentialRepository::DeleteOtherLoginSessions(*db, user_id, util::Sha256Hex(session_token));
    tx.Commit();
    return {};
}

void AccountService::Logout(std::string_view session_token) {
    auto db = database_.Acquire();
    CredentialRepository::DeleteLoginSession(*db, util::Sha256Hex(session_token));
}

std::optional<model::User> AccountService::AuthenticateSession(std::string_view session_token) {
    if (!session_token.starts_with(kSessionPrefix)) return std::nullopt;
    const auto hash = util::Sha256Hex(session_token);
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    auto signed_in = CredentialRepository::FindSignedIn(*db, hash, now);
    if (!signed_in) return std::nullopt;
    if (now - signed_in->last_seen_at >= kTouchInterval) {
        storage::WriteIfWritable([&] {
            CredentialRepository::TouchLoginSession(*db, hash, now,
                                                    now + settings_.session_lifetime);
        });
    }
    return std::move(signed_in->user);
}

std::optional<model::User> AccountService::AuthenticateToken(std::string_view token) {
    if (!token.starts_with(kTokenPrefix)) return std::nullopt;
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    auto found = CredentialRepository::FindApiTokenByHash(*db, util::Sha256Hex(token));
    if (!found) return std::nullopt;
    if (!found->last_used_at || now - *found->last_used_at >= kTouchInterval) {
        storage::WriteIfWritable([&] { CredentialRepository::TouchApiToken(*db, found->id, now); });
    }
    return UserRepository::FindById(*db, found->user_id);
}

Result<model::User> AccountService::GetUser(std::string_view user_id) {
    auto db = database_.Acquire();
    if (auto user = UserRepository::FindById(*db, user_id)) return *user;
    return NotFound("user_not_found", "No such user.");
}

Result<model::User> AccountService::UpdateProfile(std::string_view user_id,
                                                  const ProfileUpdate& update) {
    std::optional<std::string> name;
    if (update.name) {
        auto valid = ValidateName(*update.name, "invalid_name");
        if (!valid) return valid.error();
        name = *valid;
    }
    if (update.default_session_days &&
        (*update.default_session_days < 1 || *update.default_session_days > 365)) {
        return Invalid("invalid_default_session_days",
                       "default_session_days must be a whole number from 1 to 365.");
    }
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto user = UserRepository::FindById(*db, user_id);
    if (!user) return NotFound("user_not_found", "No such user.");
    if (name) user->name = *name;
    if (update.default_session_days) user->default_session_days = *update.default_session_days;
    UserRepository::UpdateProfile(*db, *user);
    tx.Commit();
    return *user;
}

Result<NewApiToken> AccountService::CreateToken(std::string_view user_id, std::string_view name) {
    auto valid = ValidateName(name, "invalid_name");
    if (!valid) return valid.error();
    NewApiToken created{
        .token = {.id = random_.Id(),
                  .user_id = std::string(user_id),
                  .name = *valid,
                  .created_at = clock_.Now(),
                  .last_used_at = std::nullopt},
        .secret = random_.Token(kTokenPrefix),
    };
    auto db = database_.Acquire();
    CredentialRepository::InsertApiToken(*db, created.token, util::Sha256Hex(created.secret));
    return created;
}

std::vector<model::ApiToken> AccountService::ListTokens(std::string_view user_id) {
    auto db = database_.Acquire();
    return CredentialRepository::ListApiTokens(*db, user_id);
}

Result<void> AccountService::RevokeToken(std::string_view user_id, std::string_view token_id) {
    auto db = database_.Acquire();
    if (!CredentialRepository::DeleteApiToken(*db, user_id, token_id)) {
        return NotFound("token_not_found", "No such API token.");
    }
    return {};
}

int AccountService::PurgeExpiredSessions() {
    auto db = database_.Acquire();
    return CredentialRepository::DeleteExpiredLoginSessions(*db, clock_.Now());
}

}  // namespace convene::domain
