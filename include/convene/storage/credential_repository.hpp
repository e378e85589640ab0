#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "convene/model/user.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for what proves who a caller is: sign-in sessions and API tokens (stored as hashes).
class CredentialRepository {
public:
    static void InsertLoginSession(Connection& db, const model::LoginSession& session);
    /// Who the session with this hash signs in, and when it was last seen, if it has not
    /// expired at `now`: one query, so that checking a sign-in is one read of the database.
    static std::optional<model::SignedIn> FindSignedIn(Connection& db,
                                                       std::string_view token_hash,
                                                       util::Instant now);
    /// Moves last_seen_at and expires_at forward (sliding expiry).
    static void TouchLoginSession(Connection& db, std::string_view token_hash,
                                  util::Instant now, util::Instant expires_at);
    static void DeleteLoginSession(Connection& db, std::string_view token_hash);
    /// Signs a user out everywhere but the session `keep_token_hash`; returns how many ended.
    static int DeleteOtherLoginSessions(Connection& db, std::string_view user_id,
                                        std::string_view keep_token_hash);
    /// Removes every expired session; returns how many.
    static int DeleteExpiredLoginSessions(Connection& db, util::Instant now);

    /// Throws StorageError kUnique on a hash collision (practically never).
    static void InsertApiToken(Connection& db, const model::ApiToken& token,
                               std::string_view token_hash);
    static std::optional<model::ApiToken> FindApiTokenByHash(Connection& db,
                                                             std::string_view token_hash);
    static void TouchApiToken(Connection& db, std::string_view id, util::Instant now);
    static std::vector<model::ApiToken> ListApiTokens(Connection& db, std::string_view user_id);
    /// False when the user has no token with this id.
    static bool DeleteApiToken(Connection& db, std::string_view user_id, std::string_view id);
};

}  // namespace convene::storage
