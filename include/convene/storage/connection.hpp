#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "convene/util/clock.hpp"

struct sqlite3;

namespace convene::storage {

/// SQL text fixed when the program is compiled: what Prepare and Execute take, so that no
/// statement is ever built from strings at run time; values go in through Bind. A std::string
/// does not convert (tests/CMakeLists.txt has a build that proves it does not compile).
class Sql {
public:
    consteval Sql(const char* text) : text_(text) {}  // NOLINT: implicit on purpose
    consteval Sql(std::string_view text) : text_(text) {}  // NOLINT: implicit on purpose
    constexpr std::string_view Text() const { return text_; }

private:
    std::string_view text_;
};

/// What kind of storage failure happened; services turn the expected ones into AppErrors.
/// kDisk: the operating system failed a read or write (a file system turned read-only, an I/O
/// error); SQLite rolled the statement back. kUnreachable: the database server (PostgreSQL)
/// cannot be reached or dropped the connection.
enum class StorageErrorKind {
    kUnique,
    kForeignKey,
    kConstraint,
    kBusy,
    kReadOnly,
    kFull,
    kDisk,
    kUnreachable,
    kOther
};

/// `unique`, `foreign_key`, `constraint`, `busy`, `read_only`, `full`, `disk`, `unreachable`
/// or `other`.
std::string_view StorageErrorKindName(StorageErrorKind kind);

/// Thrown by the storage layer. Carries SQLite's extended result code (0 from PostgreSQL,
/// whose SQLSTATE is in the message).
class StorageError : public std::runtime_error {
public:
    StorageError(StorageErrorKind kind, int code, const std::string& what);
    StorageErrorKind Kind() const { return kind_; }
    int Code() const { return code_; }
    /// The database cannot take writes for now (busy, read-only, disk full or failing): not a
    /// fault of the request, try again later.
    bool Unavailable() const {
        return kind_ == StorageErrorKind::kBusy || kind_ == StorageErrorKind::kReadOnly ||
               kind_ == StorageErrorKind::kFull || kind_ == StorageErrorKind::kDisk ||
               kind_ == StorageErrorKind::kUnreachable;
    }

private:
    StorageErrorKind kind_;
    int code_;
};

/// Runs `write`, a write that only keeps a record up to date (when a sign-in or participant was
/// last seen, a page visit), unless the database cannot take writes right now: a full or
/// read-only disk must not turn a read into an error. Returns false when it was skipped.
template <typename Write>
bool WriteIfWritable(Write&& write) {
    try {
        write();
        return true;
    } catch (const StorageError& e) {
        if (!e.Unavailable()) throw;
        return false;
    }
}

/// The lock the writers of one database take in turn (Connection::ShareWriterLock), usable
/// with std::unique_lock. A mutex and a condition variable rather than std::timed_mutex, whose
/// timed wait (pthread_mutex_clocklock) ThreadSanitizer does not see, so that it then reports
/// every unlock as one of an unlocked mutex.
class WriterLock {
public:
    void lock();
    void unlock();
    bool try_lock();
    /// Takes it within `timeout`; false when other writers kept it that long.
    bool try_lock_for(std::chrono::milliseconds timeout);

private:
    std::mutex mutex_;
    std::condition_variable released_;
    bool held_ = false;
};

class Connection;

/// A prepared statement, owned by its Connection's cache. Bind with 1-based indexes,
/// then Step() until it returns false. Reset() happens on the next Prepare of the same SQL.
/// Each engine (SQLite, PostgreSQL) makes its own kind.
class Statement {
public:
    Statement() = default;
    virtual ~Statement() = default;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    virtual Statement& Bind(int index, std::string_view value) = 0;
    Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
    Statement& Bind(int index, const std::string& value) {
        return Bind(index, std::string_view(value));
    }
    virtual Statement& Bind(int index, std::int64_t value) = 0;
    Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
    /// Instants are stored as Unix seconds.
    Statement& Bind(int index, util::Instant value) {
        return Bind(index, static_cast<std::int64_t>(value.time_since_epoch().count()));
    }
    virtual Statement& BindNull(int index) = 0;
    template <typename T>
    Statement& Bind(int index, const std::optional<T>& value) {
        return value ? Bind(index, *value) : BindNull(index);
    }
    /// Binds every argument in order, starting at index 1.
    template <typename... Args>
    Statement& BindAll(const Args&... args) {
        int index = 0;
        (Bind(++index, args), ...);
        return *this;
    }

    /// Advances; true when a row is available.
    virtual bool Step() = 0;
    /// Runs to completion; returns the number of rows changed.
    virtual int Run() = 0;

    virtual std::string Text(int column) const = 0;
    std::optional<std::string> OptionalText(int column) const;
    virtual std::int64_t Int(int column) const = 0;
    std::optional<std::int64_t> OptionalInt(int column) const;
    virtual bool IsNull(int column) const = 0;
    util::Instant Time(int column) const { return util::Instant{std::chrono::seconds{Int(column)}}; }
    std::optional<util::Instant> OptionalTime(int column) const {
        if (IsNull(column)) return std::nullopt;
        return Time(column);
    }

    /// Ends the statement's run and clears its bindings.
    virtual void Reset() = 0;
    /// Rows visited so far, where the engine counts them (SQLite's virtual-machine steps;
    /// 0 elsewhere).
    virtual std::int64_t VmSteps() const { return 0; }

    /// Steps once: `read(*this)` of the first row, or nullopt when there is none.
    template <typename Read>
    auto ReadOne(Read read) -> std::optional<decltype(read(*this))> {
        if (!Step()) return std::nullopt;
        auto value = read(*this);
        Reset();
        return value;
    }
    /// `read(*this)` of every row.
    template <typename Read>
    auto ReadAll(Read read) -> std::vector<decltype(read(*this))> {
        std::vector<decltype(read(*this))> values;
        while (Step()) values.push_back(read(*this));
        return values;
    }
};

namespace detail {
/// What one database engine does for a Connection (src/storage/*_engine.cpp).
class Engine;
}  // namespace detail

/// True when `path` names a PostgreSQL database (`postgres://…` or `postgresql://…`, libpq's
/// URI form) rather than an SQLite file.
bool IsPostgresUrl(std::string_view path);

/// `path` as logs and messages show it: a PostgreSQL URL without its password (in the
/// user-info part or a `password=` parameter); a file path as it is.
std::string DisplayName(std::string_view path);

/// One connection to the database: an SQLite file (WAL, foreign keys, a busy timeout) or a
/// PostgreSQL server (IsPostgresUrl), with a statement cache. Not thread-safe: one thread
/// uses it at a time (the Database hands it out).
class Connection {
public:
    enum class Mode { kReadWrite, kReadOnly };
    /// Opens (creating if needed) the database at `path`; ":memory:" for a private one.
    /// kReadOnly neither creates nor changes anything (not even the journal mode).
    /// `synchronous_full`: each commit waits for the disk (FULL), not only checkpoints (NORMAL).
    Connection(const std::string& path, std::chrono::milliseconds busy_timeout,
               Mode mode = Mode::kReadWrite, bool synchronous_full = false);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// A cached prepared statement for `sql`, reset and with its bindings cleared.
    Statement& Prepare(Sql sql);
    /// Runs one or more statements without results (migrations, pragmas).
    void Execute(Sql sql) { ExecuteScript(sql.Text()); }
    /// Runs statements from text made at run time: only for the migrations this binary embeds
    /// and the schema version number (scripts/check-layers.sh keeps it there), and for tests'
    /// fixtures. Never for anything that holds input.
    void ExecuteScript(std::string_view script);
    /// The schema version the migrations recorded (SQLite: `PRAGMA user_version`).
    int UserVersion();
    /// Records the schema version (inside the migration's transaction).
    void SetUserVersion(int version);
    /// Virtual-machine steps run so far by the cached statements: grows with the rows a query
    /// visits, so a test can tell an index look-up from a scan (SQLite only; 0 elsewhere).
    std::int64_t VmSteps() const;
    /// No transaction is open (SQLite may have rolled one back by itself after an error).
    bool InAutocommit() const;
    /// Opens a transaction: a write one holds the database's write lock until it ends.
    void Begin(bool write);

    /// Writers of one database in this process wait their turn on `lock` (the Database's):
    /// SQLite's own busy handler sleeps 1, 2, 5, 10… ms between tries, which under
    /// concurrent writes cost more than the writes themselves. SQLite's locking stays the
    /// guard; this only makes waiting prompt.
    void ShareWriterLock(WriterLock* lock) { writer_lock_ = lock; }
    /// Takes the writer lock (when shared), waiting at most the busy timeout; an empty lock
    /// otherwise. Throws a busy StorageError when another writer holds it for that long.
    std::unique_lock<WriterLock> LockWriter();

    /// The SQLite handle (for the online backup); nullptr on PostgreSQL.
    sqlite3* Handle() const;
    bool IsPostgres() const;
    /// The connection to the database server was lost (PostgreSQL): the pool drops it.
    bool Broken() const;

private:
    std::unique_ptr<detail::Engine> engine_;
    std::chrono::milliseconds busy_timeout_;
    WriterLock* writer_lock_ = nullptr;
    /// Looked up by the statement's text without copying it into a string first.
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>> cache_;
};

/// RAII transaction. Commit() makes it durable; leaving scope without Commit() rolls back.
class Transaction {
public:
    enum class Mode { kRead, kWrite };
    /// kWrite takes the write lock at once (BEGIN IMMEDIATE) so it cannot fail mid-way on busy.
    explicit Transaction(Connection& connection, Mode mode = Mode::kWrite);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void Commit();
    Connection& Conn() { return connection_; }

private:
    Connection& connection_;
    std::unique_lock<WriterLock> writer_;
    bool open_ = true;
};

}  // namespace convene::storage
