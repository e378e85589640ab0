#pragma once

// What a storage::Connection asks of the database engine under it. Private to the storage
// layer: everything else sees only Connection and Statement.

#include <memory>
#include <string>
#include <string_view>

#include "convene/storage/connection.hpp"

namespace convene::storage::detail {

class Engine {
public:
    virtual ~Engine() = default;
    /// A new prepared statement for `sql` (the Connection caches it).
    virtual std::unique_ptr<Statement> Prepare(std::string_view sql) = 0;
    virtual void ExecuteScript(std::string_view script) = 0;
    virtual int UserVersion() = 0;
    virtual void SetUserVersion(int version) = 0;
    virtual bool InAutocommit() const = 0;
    /// Opens a transaction; `write` takes the database's write lock at once.
    virtual void Begin(bool write) = 0;
    virtual sqlite3* Handle() const { return nullptr; }
    /// The connection to a database server was lost: nothing more can be done on it.
    virtual bool Broken() const { return false; }
};

/// An SQLite file (or ":memory:"): WAL, foreign keys, a busy timeout.
std::unique_ptr<Engine> OpenSqlite(Connection& owner, const std::string& path,
                                   std::chrono::milliseconds busy_timeout, Connection::Mode mode,
                                   bool synchronous_full);

/// A PostgreSQL server, by libpq connection URI.
std::unique_ptr<Engine> OpenPostgres(const std::string& url, std::chrono::milliseconds busy_timeout,
                                     Connection::Mode mode);

}  // namespace convene::storage::detail
