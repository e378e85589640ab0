#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "convene/storage/connection.hpp"

namespace convene::storage {

/// A pool of connections to one SQLite database. Thread-safe.
///
/// Handlers run on the application thread pool, never on an I/O thread; each call leases a
/// connection for its duration. SQLite serialises writers (BEGIN IMMEDIATE + busy timeout),
/// WAL lets readers run beside them.
class Database {
public:
    struct Settings {
        std::string path;
        /// At most this many connections at once; ":memory:" is always limited to one, since
        /// each in-memory connection would otherwise see its own empty database.
        std::size_t max_connections = 8;
        std::chrono::milliseconds busy_timeout{5000};
        /// PRAGMA synchronous = FULL instead of NORMAL (docs/performance.md, scenario 5).
        bool synchronous_full = false;
    };

    /// A leased connection, returned to the pool when it goes out of scope.
    class Lease {
    public:
        Lease(Database& db, std::unique_ptr<Connection> connection);
        ~Lease();
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        Connection& operator*() { return *connection_; }
        Connection* operator->() { return connection_.get(); }

    private:
        Database* db_;
        std::unique_ptr<Connection> connection_;
    };

    explicit Database(Settings settings);
    ~Database();

    /// Waits for a free connection (opening one if below the limit).
    Lease Acquire();

    /// True when a trivial query answers (the database is reachable).
    bool Ping() noexcept;

    struct Health {
        bool readable = false;
        int schema_version = 0;
        /// Empty when a write went through; else why not (StorageErrorKindName: `full`,
        /// `read_only`, `disk`, `busy`…).
        std::string write_error;
    };
    /// Reads the schema version and rewrites one row (health_probe) at `now_seconds`: what
    /// readiness reports. Never throws.
    Health Probe(std::int64_t now_seconds) noexcept;

    /// Copies the WAL into the main file and truncates it (on a clean shutdown; nothing to do
    /// on PostgreSQL).
    void Checkpoint();

    const std::string& Path() const { return settings_.path; }

private:
    std::unique_ptr<Connection> Open();
    void Release(std::unique_ptr<Connection> connection);

    Settings settings_;
    std::mutex mutex_;
    WriterLock writer_;  ///< shared by every connection: see Connection::ShareWriterLock
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;
};

}  // namespace convene::storage
