#include "convene/storage/migrator.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "convene/storage/connection.hpp"
#include "temp_dir.hpp"
#include "test_databases.hpp"

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

namespace convene::storage {
namespace {

// The history of auto-closing: sessions that existed before end dates were introduced get
// 60 days from the moment the migration runs; main sessions never get one.
TEST(Migrator, EndDateMigrationGivesExistingStandardSessions60Days) {
    Connection db(":memory:", 1000ms);
    auto all = EmbeddedMigrations();
    const std::vector<Migration> before_end_dates(all.begin(), all.begin() + 2);
    ASSERT_EQ(before_end_dates.back().name, "sessions");
    ASSERT_EQ(Migrate(db, before_end_dates), 2);
    db.Execute(
        "INSERT INTO users (id, email, name, password_hash, role, created_at) "
        "VALUES ('u1', 'a@b.org', 'A', 'h', 'admin', 0);"
        "INSERT INTO sessions (id, owner_id, title, kind, status, code, link_token, created_at) "
        "VALUES ('std', 'u1', 'Standard', 'standard', 'open', '000001', 'l1', 0),"
        "       ('main', 'u1', 'Main', 'main', 'open', '000002', 'l2', 0),"
        "       ('shut', 'u1', 'Closed', 'standard', 'closed', '000003', 'l3', 0);");

    const auto started = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    ASSERT_EQ(Migrate(db, all), LatestSchemaVersion());
    const auto finished = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());

    auto& stmt = db.Prepare("SELECT id, ends_at, close_reason FROM sessions ORDER BY id");
    std::map<std::string, std::pair<std::optional<std::int64_t>, std::optional<std::string>>> rows;
    while (stmt.Step()) rows[stmt.Text(0)] = {stmt.OptionalInt(1), stmt.OptionalText(2)};
    const auto sixty_days = std::chrono::seconds{std::chrono::days{60}}.count();
    for (const char* id : {"std", "shut"}) {
        ASSERT_TRUE(rows[id].first) << id;
        EXPECT_GE(*rows[id].first, started.time_since_epoch().count() + sixty_days) << id;
        EXPECT_LE(*rows[id].first, finished.time_since_epoch().count() + sixty_days) << id;
    }
    EXPECT_FALSE(rows["main"].first);
    EXPECT_FALSE(rows["std"].second);
    EXPECT_EQ(rows["shut"].second, "owner");
}

TEST(Migrator, RebuildingTheSessionsTableKeepsEveryRowThatPointsAtIt) {
    Connection db(":memory:", 1000ms);
    auto all = EmbeddedMigrations();
    const std::vector<Migration> before_rooms(all.begin(), all.begin() + 6);
    ASSERT_EQ(before_rooms.back().name, "events");
    ASSERT_EQ(Migrate(db, before_rooms), 6);
    db.Execute(
        "INSERT INTO users (id, email, name, password_hash, role, created_at) "
        "VALUES ('u1', 'a@b.org', 'A', 'h', 'admin', 0);"
        "INSERT INTO sessions (id, owner_id, title, kind, status, code, link_token, created_at, "
        "ends_at) VALUES ('s1', 'u1', 'Kept', 'standard', 'open', '000001', 'l1', 0, 99);"
        "INSERT INTO slides (id, session_id, position, kind, created_at) "
        "VALUES ('sl', 's1', 0, 'join', 0);"
        "INSERT INTO participants (id, session_id, token_hash, joined_at, last_seen_at) "
        "VALUES ('p1', 's1', 'h1', 0, 0);"
        "INSERT INTO session_audit (session_id, action, at) VALUES ('s1', 'created', 0);");

    ASSERT_EQ(Migrate(db, all), LatestSchemaVersion());
    auto count = [&](Sql sql) {
        return *db.Prepare(sql).ReadOne([](const Statement& row) { return row.Int(0); });
    };
    EXPECT_EQ(count("SELECT COUNT(*) FROM sessions WHERE id = 's1' AND ends_at = 99"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM slides"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM participants"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM session_audit"), 1);
    // Foreign keys are enforced again, and still cascade from the rebuilt table.
    EXPECT_EQ(count("PRAGMA foreign_keys"), 1);
    db.Execute("DELETE FROM sessions WHERE id = 's1'");
    EXPECT_EQ(count("SELECT COUNT(*) FROM participants"), 0);
    // The new kind is accepted.
    db.Execute("INSERT INTO sessions (id, owner_id, title, kind, status, code, link_token, "
               "created_at) VALUES ('r1', 'u1', 'Room', 'event', 'open', '000002', 'l2', 0)");
    // A code is unique among open sessions only (migration 11): closed ones may share it.
    db.Execute("INSERT INTO sessions (id, owner_id, title, kind, status, code, link_token, "
               "created_at) VALUES ('c1', 'u1', 'Old', 'standard', 'closed', '000002', 'l3', 0)");
    EXPECT_THROW(db.Execute("INSERT INTO sessions (id, owner_id, title, kind, status, code, "
                            "link_token, created_at) "
                            "VALUES ('o2', 'u1', 'New', 'standard', 'open', '000002', 'l4', 0)"),
                 StorageError);
}

TEST(Migrator, AMigrationThatBreaksAReferenceIsRolledBack) {
    const util::EmbeddedFile files[] = {
        {"0001_pair.sql",
         "CREATE TABLE parent (id TEXT PRIMARY KEY);"
         "CREATE TABLE child (parent_id TEXT REFERENCES parent (id));"
         "INSERT INTO parent VALUES ('a'); INSERT INTO child VALUES ('a');"},
        {"0002_orphan.sql", "DELETE FROM parent;"},
    };
    Connection db(":memory:", 1000ms);
    EXPECT_THROW(Migrate(db, ParseMigrations(files)), std::runtime_error);
    EXPECT_EQ(db.UserVersion(), 1);
    EXPECT_EQ(*db.Prepare("SELECT COUNT(*) FROM parent").ReadOne([](const Statement& row) {
        return row.Int(0);
    }), 1);
}

TEST(Migrator, PostgresHasEveryMigrationUnderTheSameNumberAndName) {
    const auto sqlite = EmbeddedMigrations();
    const auto postgres = EmbeddedPostgresMigrations();
    ASSERT_EQ(postgres.size(), sqlite.size());
    for (std::size_t i = 0; i < sqlite.size(); ++i) {
        EXPECT_EQ(postgres[i].version, sqlite[i].version);
        EXPECT_EQ(postgres[i].name, sqlite[i].name);
    }
}

using Names = std::set<std::pair<std::string, std::string>>;

Names Read(Connection& db, Sql sql) {
    Names names;
    auto& stmt = db.Prepare(sql);
    while (stmt.Step()) names.emplace(stmt.Text(0), stmt.Text(1));
    return names;
}

// Both engines' migrations end in the same schema: the same tables with the same columns, the
// same indexes (PostgreSQL's tables add `rowid`, which SQLite's have by themselves).
TEST(Migrator, BothEnginesEndInTheSameTablesColumnsAndIndexes) {
    testing::TestDatabase sqlite_database("sqlite");
    testing::TestDatabase postgres_database("postgres");
    Connection sqlite(sqlite_database.Url(), 1000ms);
    Connection postgres(postgres_database.Url(), 1000ms);
    EXPECT_EQ(Migrate(sqlite, EmbeddedMigrationsFor(sqlite)), LatestSchemaVersion());
    EXPECT_EQ(Migrate(postgres, EmbeddedMigrationsFor(postgres)), LatestSchemaVersion());
    EXPECT_EQ(postgres.UserVersion(), LatestSchemaVersion());

    const auto sqlite_columns = Read(
        sqlite,
        "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c "
        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'");
    const auto postgres_columns = Read(
        postgres,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name <> 'convene_schema' "
        "AND column_name <> 'rowid'");
    EXPECT_GT(sqlite_columns.size(), 100u);
    EXPECT_EQ(postgres_columns, sqlite_columns);

    const auto sqlite_indexes = Read(
        sqlite,
        "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' "
        "AND name NOT LIKE 'sqlite_autoindex_%'");
    const auto postgres_indexes = Read(
        postgres,
        "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = current_schema() "
        "AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'");
    EXPECT_GE(sqlite_indexes.size(), 30u);
    EXPECT_EQ(postgres_indexes, sqlite_indexes);
}

TEST(Migrator, PostgresRefusesANewerDatabaseWithoutTouchingIt) {
    testing::TestDatabase database("postgres");
    Connection db(database.Url(), 1000ms);
    Migrate(db, EmbeddedMigrationsFor(db));
    db.SetUserVersion(LatestSchemaVersion() + 1);
    EXPECT_THROW(Migrate(db, EmbeddedMigrationsFor(db)), SchemaTooNewError);
    EXPECT_EQ(db.UserVersion(), LatestSchemaVersion() + 1);
}

}  // namespace
}  // namespace convene::storage
