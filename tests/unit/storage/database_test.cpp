#include "convene/storage/database.hpp"

#include <gtest/gtest.h>

#include <future>

#include "convene/storage/connection.hpp"
#include "temp_dir.hpp"

namespace convene::storage {
namespace {

std::int64_t Synchronous(Connection& db) {
    auto& stmt = db.Prepare("PRAGMA synchronous");
    EXPECT_TRUE(stmt.Step());
    return stmt.Int(0);
}

// SQLite's numbers for the setting: 1 NORMAL, 2 FULL.
TEST(Database, EveryPooledConnectionUsesTheChosenSynchronousSetting) {
    testing::TempDir dir;
    for (const bool full : {false, true}) {
        Database database({.path = dir.File(full ? "full.db" : "normal.db"),
                           .synchronous_full = full});
        auto first = database.Acquire();
        auto second = database.Acquire();  // a second connection, opened on demand
        EXPECT_EQ(Synchronous(*first), full ? 2 : 1);
        EXPECT_EQ(Synchronous(*second), full ? 2 : 1);
    }
}

// Writers of one database wait on one lock, held by a write transaction until it commits (and
// by a lone write for its step), instead of sleeping in SQLite's busy handler.
TEST(Database, WritersTakeTurnsOnOneLock) {
    using namespace std::chrono_literals;
    testing::TempDir dir;
    Database database({.path = dir.File("writers.db"), .busy_timeout = 50ms});
    auto first = database.Acquire();
    auto second = database.Acquire();
    first->Execute("CREATE TABLE things (n INTEGER)");
    // The lock belongs to a thread: the second writer tries from its own.
    const auto second_writes = [&] {
        return std::async(std::launch::async, [&] {
            try {
                second->Prepare("INSERT INTO things VALUES (2)").Run();
                return std::string("written");
            } catch (const StorageError& e) {
                return std::string(e.Kind() == StorageErrorKind::kBusy ? "busy" : e.what());
            }
        }).get();
    };
    {
        Transaction tx(*first);
        first->Prepare("INSERT INTO things VALUES (1)").Run();
        EXPECT_EQ(second_writes(), "busy");  // waited its 50 ms for the lock, then gave up
        tx.Commit();
    }
    EXPECT_EQ(second_writes(), "written");
    auto& count = first->Prepare("SELECT COUNT(*) FROM things");
    ASSERT_TRUE(count.Step());
    EXPECT_EQ(count.Int(0), 2);
}

}  // namespace
}  // namespace convene::storage
