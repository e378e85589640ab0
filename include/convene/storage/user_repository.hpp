#pragma once

#include <optional>
#include <string_view>

#include "convene/model/user.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for the users table. Stateless; every call acts on the connection it is given.
class UserRepository {
public:
    /// Throws StorageError kUnique when the email is taken (case-insensitively).
    static void Insert(Connection& db, const model::User& user);
    static std::optional<model::User> FindById(Connection& db, std::string_view id);
    /// Reads a user from the first seven columns of `row`, selected in this order: id, email,
    /// name, password_hash, role, default_session_days, created_at.
    static model::User Read(const Statement& row);
    static std::optional<model::User> FindByEmail(Connection& db, std::string_view email);
    static std::int64_t Count(Connection& db);
    /// Writes name and default_session_days; false when no such user.
    static bool UpdateProfile(Connection& db, const model::User& user);
    static void UpdatePasswordHash(Connection& db, std::string_view user_id,
                                   std::string_view password_hash);
};

}  // namespace convene::storage
