#pragma once

// A database of either engine for a test: an SQLite file in a temp folder, or a schema of its
// own on the test PostgreSQL server (tests/support/postgres.sh, started by ctest's `postgres`
// fixture), dropped afterwards.

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

#include "convene/storage/connection.hpp"
#include "temp_dir.hpp"

namespace convene::testing {

/// The test PostgreSQL server's libpq URI: $CONVENE_TEST_POSTGRES, else where the build's
/// ctest fixture starts it.
inline std::string TestPostgresUrl() {
    if (const char* url = std::getenv("CONVENE_TEST_POSTGRES"); url && *url) return url;
#ifdef CONVENE_TEST_POSTGRES
    return CONVENE_TEST_POSTGRES;
#else
    throw std::runtime_error("no test PostgreSQL server: set CONVENE_TEST_POSTGRES");
#endif
}

class TestDatabase {
public:
    /// `engine`: "sqlite" or "postgres".
    explicit TestDatabase(const std::string& engine) {
        if (engine == "sqlite") {
            url_ = dir_.File("test.db");
            return;
        }
        std::random_device device;
        schema_ = "t" + std::to_string(device()) + "_" + std::to_string(device());
        storage::Connection admin(TestPostgresUrl(), std::chrono::milliseconds{5000});
        admin.ExecuteScript("CREATE SCHEMA " + schema_);
        // Every connection of the test sees its schema, then public where the server's
        // extensions are (libpq's `options`, URI-encoded).
        url_ = TestPostgresUrl() + "&options=-c%20search_path%3D" + schema_ + "%2Cpublic";
    }
    ~TestDatabase() {
        if (schema_.empty()) return;
        try {
            storage::Connection admin(TestPostgresUrl(), std::chrono::milliseconds{5000});
            admin.ExecuteScript("DROP SCHEMA " + schema_ + " CASCADE");
        } catch (const std::exception&) {
            // The server went away: it takes its schemas with it.
        }
    }
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    /// What storage::Connection and storage::Database open.
    const std::string& Url() const { return url_; }

private:
    TempDir dir_;
    std::string url_;
    std::string schema_;
};

}  // namespace convene::testing
