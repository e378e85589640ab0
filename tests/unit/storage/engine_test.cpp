// storage::Connection and Statement behave the same on both engines: the repositories' SQL is
// written once. Each test runs on an SQLite file and on a schema of the test PostgreSQL server.

#include <gtest/gtest.h>

#include <future>

#include "convene/storage/connection.hpp"
#include "convene/storage/database.hpp"
#include "test_databases.hpp"

namespace convene::storage {
namespace {

using namespace std::chrono_literals;

std::int64_t Count(Connection& db, Sql sql) {
    return *db.Prepare(sql).ReadOne([](const Statement& row) { return row.Int(0); });
}

class EngineTest : public ::testing::TestWithParam<std::string> {
protected:
    EngineTest() : database_(GetParam()), db(database_.Url(), 200ms) {
        db.Execute(
            "CREATE TABLE items (id TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT);"
            "CREATE TABLE tags (item_id TEXT NOT NULL REFERENCES items (id), tag TEXT NOT NULL)");
    }

    testing::TestDatabase database_;

public:
    Connection db;
};

TEST_P(EngineTest, BindsAndReadsTextIntegersAndNulls) {
    db.Prepare("INSERT INTO items (id, n, note) VALUES (?, ?, ?)")
        .BindAll("a", std::int64_t{9'007'199'254'740'993}, std::optional<std::string>{})
        .Run();
    db.Prepare("INSERT INTO items (id, n, note) VALUES (?, ?, ?)")
        .BindAll("b", -5, std::string("it's ☕, \"quoted\""))
        .Run();
    auto rows = db.Prepare("SELECT id, n, note FROM items WHERE n < ? ORDER BY id")
                    .BindAll(std::int64_t{1} << 60)
                    .ReadAll([](const Statement& row) {
                        return std::tuple{row.Text(0), row.Int(1), row.OptionalText(2)};
                    });
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0], std::tuple(std::string("a"), std::int64_t{9'007'199'254'740'993},
                                  std::optional<std::string>{}));
    EXPECT_EQ(rows[1], std::tuple(std::string("b"), std::int64_t{-5},
                                  std::optional<std::string>{"it's ☕, \"quoted\""}));
}

TEST_P(EngineTest, AQuestionMarkInQuotesIsNotAParameter) {
    const auto row = db.Prepare("SELECT '?', ?, 'a''?' -- what?\n").BindAll("x").ReadOne(
        [](const Statement& r) { return r.Text(0) + r.Text(1) + r.Text(2); });
    EXPECT_EQ(row, "?xa'?");
}

TEST_P(EngineTest, RunCountsTheRowsChanged) {
    for (const char* id : {"a", "b", "c"}) {
        db.Prepare("INSERT INTO items (id, n) VALUES (?, 1)").BindAll(id).Run();
    }
    EXPECT_EQ(db.Prepare("UPDATE items SET n = n + 1 WHERE id <> ?").BindAll("a").Run(), 2);
    EXPECT_EQ(db.Prepare("DELETE FROM items WHERE id = ?").BindAll("zz").Run(), 0);
    EXPECT_EQ(Count(db, "SELECT SUM(n) FROM items"), 5);
}

TEST_P(EngineTest, ACachedStatementStartsAfreshEachTime) {
    db.Prepare("INSERT INTO items (id, n) VALUES ('a', 1), ('b', 2)").Run();
    auto& first = db.Prepare("SELECT id FROM items ORDER BY id");
    ASSERT_TRUE(first.Step());  // left half-read
    auto& again = db.Prepare("SELECT id FROM items ORDER BY id");
    EXPECT_EQ(&first, &again);
    EXPECT_EQ(again.ReadAll([](const Statement& r) { return r.Text(0); }),
              (std::vector<std::string>{"a", "b"}));
}

TEST_P(EngineTest, ViolationsHaveTheirKinds) {
    db.Prepare("INSERT INTO items (id, n) VALUES ('a', 1)").Run();
    const auto kind_of = [&](Sql sql) {
        try {
            db.Prepare(sql).Run();
        } catch (const StorageError& e) {
            return std::string(StorageErrorKindName(e.Kind()));
        }
        return std::string("none");
    };
    EXPECT_EQ(kind_of("INSERT INTO items (id, n) VALUES ('a', 2)"), "unique");
    EXPECT_EQ(kind_of("INSERT INTO tags (item_id, tag) VALUES ('nope', 't')"), "foreign_key");
    EXPECT_EQ(kind_of("INSERT INTO items (id, n) VALUES ('b', NULL)"), "constraint");
    // The connection goes on working after each.
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM items"), 1);
}

TEST_P(EngineTest, ATransactionKeepsItsWritesOnlyWhenCommitted) {
    {
        Transaction tx(db);
        EXPECT_FALSE(db.InAutocommit());
        db.Prepare("INSERT INTO items (id, n) VALUES ('gone', 1)").Run();
    }
    EXPECT_TRUE(db.InAutocommit());
    {
        Transaction tx(db);
        db.Prepare("INSERT INTO items (id, n) VALUES ('kept', 1)").Run();
        tx.Commit();
    }
    EXPECT_EQ(db.Prepare("SELECT id FROM items").ReadAll([](const Statement& r) {
        return r.Text(0);
    }), std::vector<std::string>{"kept"});
}

TEST_P(EngineTest, AFailedStatementInATransactionRollsItAllBack) {
    db.Prepare("INSERT INTO items (id, n) VALUES ('a', 1)").Run();
    try {
        Transaction tx(db);
        db.Prepare("INSERT INTO items (id, n) VALUES ('b', 1)").Run();
        db.Prepare("INSERT INTO items (id, n) VALUES ('a', 1)").Run();  // unique: throws
        tx.Commit();
        FAIL() << "the duplicate went in";
    } catch (const StorageError& e) {
        EXPECT_EQ(e.Kind(), StorageErrorKind::kUnique);
    }
    EXPECT_TRUE(db.InAutocommit());
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM items"), 1);
}

// Writers take turns across connections, as they must across nodes on one PostgreSQL: a
// second write transaction waits for the first, and gives up busy after its timeout.
TEST_P(EngineTest, ASecondWriterWaitsForTheFirstThenGivesUpBusy) {
    Connection other(database_.Url(), 100ms);
    Transaction first(db);
    db.Prepare("INSERT INTO items (id, n) VALUES ('a', 1)").Run();
    try {
        Transaction second(other);
        other.Prepare("INSERT INTO items (id, n) VALUES ('b', 1)").Run();
        FAIL() << "two writers at once";
    } catch (const StorageError& e) {
        EXPECT_EQ(e.Kind(), StorageErrorKind::kBusy) << e.what();
    }
    first.Commit();
    Transaction second(other);
    other.Prepare("INSERT INTO items (id, n) VALUES ('b', 1)").Run();
    second.Commit();
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM items"), 2);
}

// A reader sees one snapshot for its whole transaction, whatever commits meanwhile.
TEST_P(EngineTest, AReadTransactionSeesOneSnapshot) {
    Connection writer(database_.Url(), 200ms);
    Transaction read(db, Transaction::Mode::kRead);
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM items"), 0);
    writer.Prepare("INSERT INTO items (id, n) VALUES ('a', 1)").Run();
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM items"), 0);
    read.Commit();
    EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM items"), 1);
}

TEST_P(EngineTest, ThePoolHandsOutConnectionsToTheSameDatabase) {
    Database database({.path = database_.Url(), .max_connections = 2});
    {
        auto lease = database.Acquire();
        lease->Prepare("INSERT INTO items (id, n) VALUES ('a', 1)").Run();
    }
    auto first = database.Acquire();
    auto second = database.Acquire();
    EXPECT_EQ(Count(*first, "SELECT COUNT(*) FROM items"), 1);
    EXPECT_EQ(Count(*second, "SELECT COUNT(*) FROM items"), 1);
}

// Readiness asks for the schema version at every probe: nothing may pile up per call.
TEST_P(EngineTest, AskingTheSchemaVersionLeavesNothingPrepared) {
    EXPECT_EQ(db.UserVersion(), 0);
    db.SetUserVersion(7);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(db.UserVersion(), 7);
    if (GetParam() == "postgres") {
        EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM pg_prepared_statements"), 1);  // this one
    }
}

INSTANTIATE_TEST_SUITE_P(Engines, EngineTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& engine) {
                             return engine.param;
                         });

TEST(PostgresEngine, AServerThatCannotBeReachedIsUnreachable) {
    testing::TempDir nowhere;
    try {
        Connection db("postgresql:///postgres?host=" + nowhere.Path().string() +
                          "&user=convene&connect_timeout=2",
                      200ms);
        FAIL() << "connected to nothing";
    } catch (const StorageError& e) {
        EXPECT_EQ(e.Kind(), StorageErrorKind::kUnreachable);
        EXPECT_TRUE(e.Unavailable());
        EXPECT_NE(std::string(e.what()).find("cannot connect to PostgreSQL"), std::string::npos);
    }
}

TEST(PostgresEngine, PasswordsAreLeftOutOfTheDisplayedUrl) {
    EXPECT_EQ(DisplayName("postgres://convene:s3cret@db.example.org:5432/convene"),
              "postgres://convene:***@db.example.org:5432/convene");
    EXPECT_EQ(DisplayName("postgresql:///convene?host=/run/postgresql&password=s3cret&x=1"),
              "postgresql:///convene?host=/run/postgresql&password=***&x=1");
    EXPECT_EQ(DisplayName("postgres://convene@db/convene?sslpassword=a"),
              "postgres://convene@db/convene?sslpassword=a");
    EXPECT_EQ(DisplayName("/var/lib/convene/convene.db"), "/var/lib/convene/convene.db");
}

TEST(PostgresEngine, UrlsAreToldFromFiles) {
    EXPECT_TRUE(IsPostgresUrl("postgres://db.example.org/convene"));
    EXPECT_TRUE(IsPostgresUrl("postgresql:///convene?host=/run/postgresql"));
    EXPECT_FALSE(IsPostgresUrl("convene.db"));
    EXPECT_FALSE(IsPostgresUrl("file:convene.db?mode=ro"));
    EXPECT_FALSE(IsPostgresUrl("./postgres://x"));
}

}  // namespace
}  // namespace convene::storage
