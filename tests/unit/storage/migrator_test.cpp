#include "convene/storage/migrator.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "convene/storage/connection.hpp"
#include "temp_dir.hpp"

namespace convene::storage {
namespace {

using namespace std::chrono_literals;

bool TableExists(Connection& db, const std::string& name) {
    auto& stmt = db.Prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    stmt.Bind(1, name);
    stmt.Step();
    const bool exists = stmt.Int(0) == 1;
    stmt.Reset();
    return exists;
}

const util::EmbeddedFile kV1[] = {
    {"0001_things.sql", "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"},
};
const util::EmbeddedFile kV2[] = {
    {"0001_things.sql", "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"},
    {"0002_colour.sql", "ALTER TABLE things ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue';"},
};

TEST(Migrator, AppliesEveryEmbeddedMigrationToAnEmptyDatabase) {
    Connection db(":memory:", 1000ms);
    EXPECT_EQ(db.UserVersion(), 0);
    EXPECT_EQ(Migrate(db, EmbeddedMigrations()), LatestSchemaVersion());
    EXPECT_EQ(db.UserVersion(), LatestSchemaVersion());
    EXPECT_TRUE(TableExists(db, "users"));
    EXPECT_TRUE(TableExists(db, "login_sessions"));
    EXPECT_TRUE(TableExists(db, "api_tokens"));
    // Running again is a no-op.
    EXPECT_EQ(Migrate(db, EmbeddedMigrations()), LatestSchemaVersion());
}

TEST(Migrator, UpgradesADatabaseAtAnOlderLevelKeepingItsData) {
    Connection db(":memory:", 1000ms);
    ASSERT_EQ(Migrate(db, ParseMigrations(kV1)), 1);
    db.Execute("INSERT INTO things (name) VALUES ('kept')");
    ASSERT_EQ(Migrate(db, ParseMigrations(kV2)), 2);
    auto& stmt = db.Prepare("SELECT name, colour FROM things");
    ASSERT_TRUE(stmt.Step());
    EXPECT_EQ(stmt.Text(0), "kept");
    EXPECT_EQ(stmt.Text(1), "blue");
}

TEST(Migrator, RefusesANewerDatabaseWithoutTouchingIt) {
    Connection db(":memory:", 1000ms);
    ASSERT_EQ(Migrate(db, ParseMigrations(kV2)), 2);
    EXPECT_THROW(Migrate(db, ParseMigrations(kV1)), SchemaTooNewError);
    EXPECT_EQ(db.UserVersion(), 2);
}

TEST(Migrator, AFailingMigrationRollsBackAndKeepsTheLevel) {
    const util::EmbeddedFile broken[] = {
        kV1[0],
        {"0002_broken.sql", "CREATE TABLE half (id INTEGER); THIS IS NOT SQL;"},
    };
    Connection db(":memory:", 1000ms);
    EXPECT_THROW(Migrate(db, ParseMigrations(broken)), StorageError);
    EXPECT_EQ(db.UserVersion(), 1);
    EXPECT_TRUE(TableExists(db, "things"));
    EXPECT_FALSE(TableExists(db, "half"));
}

TEST(Migrator, RejectsBadNamesAndGaps) {
    const util::EmbeddedFile bad_name[] = {{"1_x.sql", "SELECT 1;"}};
    EXPECT_THROW(ParseMigrations(bad_name), std::runtime_error);
    const util::EmbeddedFile gap[] = {{"0001_a.sql", "SELECT 1;"}, {"0003_c.sql", "SELECT 1;"}};
    EXPECT_THROW(ParseMigrations(gap), std::runtime_error);
}

TEST(Migrator, PeekReadsTheLevelWithoutChangingTheFile) {
    testing::TempDir dir;
    const auto path = dir.File("peek.db");
    EXPECT_EQ(PeekSchemaVersion(path), 0);
    {
        Connection db(path, 1000ms);
        db.Execute("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99");
    }
    const auto before = testing::ReadFile(path);
    EXPECT_EQ(PeekSchemaVersion(path), 99);
    EXPECT_EQ(testing::ReadFile(path), before);
}

}  // namespace
}  // namespace convene::storage
