#include "convene/storage/database.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace convene::storage
