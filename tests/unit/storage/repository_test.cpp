#include <gtest/gtest.h>

#include "convene/storage/connection.hpp"
#include "convene/storage/credential_repository.hpp"
#include "convene/storage/migrator.hpp"
#include "convene/storage/user_repository.hpp"
#include "test_databases.hpp"

namespace convene::storage {
namespace {

using namespace std::chrono_literals;

util::Instant At(long long seconds) { return util::Instant{std::chrono::seconds{seconds}}; }

// Every case on an SQLite file and on PostgreSQL, each migrated by its own engine's migrations.
class RepositoryTest : public ::testing::TestWithParam<std::string> {
protected:
    RepositoryTest() : database_(GetParam()), db(database_.Url(), 1000ms) {
        Migrate(db, EmbeddedMigrationsFor(db));
    }

    model::User MakeUser(const std::string& id, const std::string& email) {
        return {.id = id,
                .email = email,
                .name = "Name " + id,
                .password_hash = "hash",
                .role = model::Role::kMember,
                .default_session_days = 20,
                .created_at = At(1000)};
    }

    testing::TestDatabase database_;
    Connection db;
};

TEST_P(RepositoryTest, InsertsAndFindsUsersByIdAndEmailIgnoringCase) {
    UserRepository::Insert(db, MakeUser("u1", "Ann@Example.org"));
    auto by_id = UserRepository::FindById(db, "u1");
    ASSERT_TRUE(by_id);
    EXPECT_EQ(by_id->email, "Ann@Example.org");
    EXPECT_EQ(by_id->created_at, At(1000));
    auto by_email = UserRepository::FindByEmail(db, "ann@example.ORG");
    ASSERT_TRUE(by_email);
    EXPECT_EQ(by_email->id, "u1");
    EXPECT_FALSE(UserRepository::FindById(db, "nobody"));
    EXPECT_EQ(UserRepository::Count(db), 1);
}

TEST_P(RepositoryTest, DuplicateEmailIsAUniqueError) {
    UserRepository::Insert(db, MakeUser("u1", "ann@example.org"));
    try {
        UserRepository::Insert(db, MakeUser("u2", "ANN@example.org"));
        FAIL() << "expected a unique violation";
    } catch (const StorageError& e) {
        EXPECT_EQ(e.Kind(), StorageErrorKind::kUnique);
    }
}

TEST_P(RepositoryTest, ACheckConstraintIsAConstraintError) {
    auto user = MakeUser("u1", "ann@example.org");
    user.default_session_days = 0;
    try {
        UserRepository::Insert(db, user);
        FAIL() << "expected a check violation";
    } catch (const StorageError& e) {
        EXPECT_EQ(e.Kind(), StorageErrorKind::kConstraint);
    }
}

TEST_P(RepositoryTest, SessionForAnUnknownUserIsAForeignKeyError) {
    try {
        CredentialRepository::InsertLoginSession(db, {"h", "ghost", At(1), At(2), At(1)});
        FAIL() << "expected a foreign key violation";
    } catch (const StorageError& e) {
        EXPECT_EQ(e.Kind(), StorageErrorKind::kForeignKey);
    }
}

TEST_P(RepositoryTest, LoginSessionsExpire) {
    UserRepository::Insert(db, MakeUser("u1", "ann@example.org"));
    CredentialRepository::InsertLoginSession(db, {"h1", "u1", At(100), At(200), At(100)});
    EXPECT_TRUE(CredentialRepository::FindSignedIn(db, "h1", At(199)));
    EXPECT_FALSE(CredentialRepository::FindSignedIn(db, "h1", At(200)));
    CredentialRepository::TouchLoginSession(db, "h1", At(150), At(300));
    const auto signed_in = CredentialRepository::FindSignedIn(db, "h1", At(250));
    ASSERT_TRUE(signed_in);
    EXPECT_EQ(signed_in->user.email, "ann@example.org");
    EXPECT_EQ(signed_in->last_seen_at, At(150));
    EXPECT_EQ(CredentialRepository::DeleteExpiredLoginSessions(db, At(300)), 1);
    EXPECT_FALSE(CredentialRepository::FindSignedIn(db, "h1", At(250)));
}

TEST_P(RepositoryTest, ApiTokensAreScopedToTheirOwner) {
    UserRepository::Insert(db, MakeUser("u1", "ann@example.org"));
    UserRepository::Insert(db, MakeUser("u2", "bob@example.org"));
    CredentialRepository::InsertApiToken(db, {"t1", "u1", "ci", At(5), std::nullopt}, "hash1");
    EXPECT_EQ(CredentialRepository::FindApiTokenByHash(db, "hash1")->user_id, "u1");
    EXPECT_EQ(CredentialRepository::ListApiTokens(db, "u1").size(), 1u);
    EXPECT_TRUE(CredentialRepository::ListApiTokens(db, "u2").empty());
    EXPECT_FALSE(CredentialRepository::DeleteApiToken(db, "u2", "t1"));
    CredentialRepository::TouchApiToken(db, "t1", At(9));
    EXPECT_EQ(CredentialRepository::FindApiTokenByHash(db, "hash1")->last_used_at, At(9));
    EXPECT_TRUE(CredentialRepository::DeleteApiToken(db, "u1", "t1"));
    EXPECT_FALSE(CredentialRepository::FindApiTokenByHash(db, "hash1"));
}

TEST_P(RepositoryTest, DeletingAUserCascadesToItsCredentials) {
    UserRepository::Insert(db, MakeUser("u1", "ann@example.org"));
    CredentialRepository::InsertLoginSession(db, {"h1", "u1", At(100), At(200), At(100)});
    db.Execute("DELETE FROM users WHERE id = 'u1'");
    EXPECT_FALSE(CredentialRepository::FindSignedIn(db, "h1", At(150)));
    EXPECT_EQ(db.Prepare("SELECT COUNT(*) FROM login_sessions").ReadOne([](const Statement& row) {
        return row.Int(0);
    }), 0);
}

TEST_P(RepositoryTest, TransactionWithoutCommitRollsBack) {
    {
        Transaction tx(db);
        UserRepository::Insert(db, MakeUser("u1", "ann@example.org"));
        EXPECT_EQ(UserRepository::Count(db), 1);
    }
    EXPECT_EQ(UserRepository::Count(db), 0);
    {
        Transaction tx(db);
        UserRepository::Insert(db, MakeUser("u1", "ann@example.org"));
        tx.Commit();
    }
    EXPECT_EQ(UserRepository::Count(db), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, RepositoryTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& engine) {
                             return engine.param;
                         });

}  // namespace
}  // namespace convene::storage
