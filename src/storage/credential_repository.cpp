#include "convene/storage/credential_repository.hpp"

#include "convene/storage/user_repository.hpp"

namespace convene::storage {
namespace {

constexpr std::string_view kInsertLoginSession =
    "INSERT INTO login_sessions (token_hash, user_id, created_at, expires_at, last_seen_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectSignedIn =
    "SELECT u.id, u.email, u.name, u.password_hash, u.role, u.default_session_days, "
    "u.created_at, s.last_seen_at FROM login_sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = ? AND s.expires_at > ?";
constexpr std::string_view kTouchLoginSession =
    "UPDATE login_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?";
constexpr std::string_view kDeleteLoginSession = "DELETE FROM login_sessions WHERE token_hash = ?";
constexpr std::string_view kDeleteOtherLoginSessions =
    "DELETE FROM login_sessions WHERE user_id = ? AND token_hash <> ?";
constexpr std::string_view kDeleteExpiredLoginSessions =
    "DELETE FROM login_sessions WHERE expires_at <= ?";
constexpr std::string_view kInsertApiToken =
    "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kSelectApiTokenByHash =
    "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens WHERE token_hash = ?";
constexpr std::string_view kTouchApiToken = "UPDATE api_tokens SET last_used_at = ? WHERE id = ?";
constexpr std::string_view kSelectApiTokensByUser =
    "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? "
    "ORDER BY created_at, id";
constexpr std::string_view kDeleteApiToken =
    "DELETE FROM api_tokens WHERE user_id = ? AND id = ?";

model::ApiToken ReadApiToken(const Statement& row) {
    return model::ApiToken{
        .id = row.Text(0),
        .user_id = row.Text(1),
        .name = row.Text(2),
        .created_at = row.Time(3),
        .last_used_at = row.OptionalTime(4),
    };
}

}  // namespace

void CredentialRepository::InsertLoginSession(Connection& db,
                                              const model::LoginSession& session) {
    db.Prepare(kInsertLoginSession)
        .BindAll(session.token_hash, session.user_id, session.created_at,
                 session.expires_at, session.last_seen_at)
        .Run();
}

std::optional<model::SignedIn> CredentialRepository::FindSignedIn(Connection& db,
                                                                  std::string_view token_hash,
                                                                  util::Instant now) {
    return db.Prepare(kSelectSignedIn).BindAll(token_hash, now).ReadOne([](const Statement& row) {
        return model::SignedIn{UserRepository::Read(row), row.Time(7)};
    });
}

void CredentialRepository::TouchLoginSession(Connection& db, std::string_view token_hash,
                                             util::Instant now, util::Instant expires_at) {
    db.Prepare(kTouchLoginSession).BindAll(now, expires_at, token_hash).Run();
}

void CredentialRepository::DeleteLoginSession(Connection& db, std::string_view token_hash) {
    db.Prepare(kDeleteLoginSession).BindAll(token_hash).Run();
}

int CredentialRepository::DeleteExpiredLoginSessions(Connection& db, util::Instant now) {
    return db.Prepare(kDeleteExpiredLoginSessions).BindAll(now).Run();
}

void CredentialRepository::InsertApiToken(Connection& db, const model::ApiToken& token,
                                          std::string_view token_hash) {
    db.Prepare(kInsertApiToken)
        .BindAll(token.id, token.user_id, token.name, token_hash, token.created_at)
        .Run();
}

std::optional<model::ApiToken> CredentialRepository::FindApiTokenByHash(
    Connection& db, std::string_view token_hash) {
    return db.Prepare(kSelectApiTokenByHash).BindAll(token_hash).ReadOne(ReadApiToken);
}

void CredentialRepository::TouchApiToken(Connection& db, std::string_view id, util::Instant now) {
    db.Prepare(kTouchApiToken).BindAll(now, id).Run();
}

std::vector<model::ApiToken> CredentialRepository::ListApiTokens(Connection& db,
                                                                 std::string_view user_id) {
    return db.Prepare(kSelectApiTokensByUser).BindAll(user_id).ReadAll(ReadApiToken);
}

bool CredentialRepository::DeleteApiToken(Connection& db, std::string_view user_id,
                                          std::string_view id) {
    return db.Prepare(kDeleteApiToken).BindAll(user_id, id).Run() == 1;
}

int CredentialRepository::DeleteOtherLoginSessions(Connection& db, std::string_view user_id,
                                                   std::string_view keep_token_hash) {
    return db.Prepare(kDeleteOtherLoginSessions).BindAll(user_id, keep_token_hash).Run();
}

}  // namespace convene::storage
