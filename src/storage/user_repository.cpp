#include "convene/storage/user_repository.hpp"

namespace convene::storage {
namespace {

constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, email, name, password_hash, role, default_session_days, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectUserById =
    "SELECT id, email, name, password_hash, role, default_session_days, created_at "
    "FROM users WHERE id = ?";
constexpr std::string_view kSelectUserByEmail =
    "SELECT id, email, name, password_hash, role, default_session_days, created_at "
    "FROM users WHERE email = ?";
constexpr std::string_view kCountUsers = "SELECT COUNT(*) FROM users";
constexpr std::string_view kUpdateProfile =
    "UPDATE users SET name = ?, default_session_days = ? WHERE id = ?";
constexpr std::string_view kUpdatePasswordHash = "UPDATE users SET password_hash = ? WHERE id = ?";

std::optional<model::User> FindOne(Connection& db, Sql sql, std::string_view key) {
    return db.Prepare(sql).BindAll(key).ReadOne(UserRepository::Read);
}

}  // namespace

model::User UserRepository::Read(const Statement& row) {
    return model::User{
        .id = row.Text(0),
        .email = row.Text(1),
        .name = row.Text(2),
        .password_hash = row.Text(3),
        .role = row.Text(4) == "admin" ? model::Role::kAdmin : model::Role::kMember,
        .default_session_days = static_cast<int>(row.Int(5)),
        .created_at = row.Time(6),
    };
}

void UserRepository::Insert(Connection& db, const model::User& user) {
    db.Prepare(kInsertUser)
        .BindAll(user.id, user.email, user.name, user.password_hash, model::RoleName(user.role),
                 user.default_session_days, user.created_at)
        .Run();
}

std::optional<model::User> UserRepository::FindById(Connection& db, std::string_view id) {
    return FindOne(db, kSelectUserById, id);
}

std::optional<model::User> UserRepository::FindByEmail(Connection& db, std::string_view email) {
    return FindOne(db, kSelectUserByEmail, email);
}

std::int64_t UserRepository::Count(Connection& db) {
    return *db.Prepare(kCountUsers).ReadOne([](const Statement& row) { return row.Int(0); });
}

bool UserRepository::UpdateProfile(Connection& db, const model::User& user) {
    return db.Prepare(kUpdateProfile)
               .BindAll(user.name, user.default_session_days, user.id)
               .Run() == 1;
}

void UserRepository::UpdatePasswordHash(Connection& db, std::string_view user_id,
                                        std::string_view password_hash) {
    db.Prepare(kUpdatePasswordHash).BindAll(password_hash, user_id).Run();
}

}  // namespace convene::storage
