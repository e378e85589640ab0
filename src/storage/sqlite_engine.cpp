// The SQLite engine of storage::Connection.

#include <sqlite3.h>

#include "engine.hpp"

namespace convene::storage::detail {
namespace {

StorageErrorKind KindOf(int extended) {
    switch (extended) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return StorageErrorKind::kUnique;
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return StorageErrorKind::kForeignKey;
        default:
            break;
    }
    switch (extended & 0xff) {
        case SQLITE_CONSTRAINT:
            return StorageErrorKind::kConstraint;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return StorageErrorKind::kBusy;
        case SQLITE_READONLY:
            return StorageErrorKind::kReadOnly;
        case SQLITE_FULL:
            return StorageErrorKind::kFull;
        case SQLITE_IOERR:
            return StorageErrorKind::kDisk;
        default:
            return StorageErrorKind::kOther;
    }
}

/// Throws StorageError for `code` when it is not SQLITE_OK/ROW/DONE.
void Check(sqlite3* db, int code, std::string_view context) {
    if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) return;
    const int extended = sqlite3_extended_errcode(db);
    throw StorageError(KindOf(extended != 0 ? extended : code), extended,
                       std::string(sqlite3_errmsg(db)) + " [" + std::string(context) + "]");
}

/// Once per process, before SQLite's first use: no memory statistics. With them on, every
/// allocation SQLite makes takes one mutex shared by all connections; under 64 concurrent GETs
/// that mutex made half of the server's futex calls (perf, syscalls:sys_enter_futex). Nothing
/// here reads SQLite's memory statistics. Should SQLite already be in use (a test that opened
/// it first), the setting is refused and everything works as before.
void ConfigureSqliteOnce() {
    static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)configured;
}

class SqliteStatement final : public Statement {
public:
    SqliteStatement(sqlite3_stmt* stmt, sqlite3* db, Connection& owner)
        : stmt_(stmt), db_(db), owner_(owner) {}
    ~SqliteStatement() override { sqlite3_finalize(stmt_); }

    using Statement::Bind;
    Statement& Bind(int index, std::string_view value) override {
        Check(db_, sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                       SQLITE_UTF8),
              "bind");
        return *this;
    }
    Statement& Bind(int index, std::int64_t value) override {
        Check(db_, sqlite3_bind_int64(stmt_, index, value), "bind");
        return *this;
    }
    Statement& BindNull(int index) override {
        Check(db_, sqlite3_bind_null(stmt_, index), "bind");
        return *this;
    }

    bool Step() override {
        // A write outside a transaction commits by itself during its first step: it takes the
        // writer lock for that step (a Transaction holds it for the whole transaction).
        std::unique_lock<WriterLock> writer;
        if (!sqlite3_stmt_busy(stmt_) && !sqlite3_stmt_readonly(stmt_) &&
            sqlite3_get_autocommit(db_)) {
            writer = owner_.LockWriter();
        }
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        // The statement is left reset so that the cache can hand it out again.
        sqlite3_reset(stmt_);
        Check(db_, rc, sqlite3_sql(stmt_));
        return false;
    }

    int Run() override {
        while (Step()) {
        }
        return sqlite3_changes(db_);
    }

    std::string Text(int column) const override {
        const auto* text = sqlite3_column_text(stmt_, column);
        if (text == nullptr) return {};
        return {reinterpret_cast<const char*>(text),
                static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
    }
    std::int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
    bool IsNull(int column) const override {
        return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
    }

    void Reset() override {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    std::int64_t VmSteps() const override {
        return sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_VM_STEP, 0);
    }

private:
    sqlite3_stmt* stmt_;
    sqlite3* db_;
    Connection& owner_;
};

class SqliteEngine final : public Engine {
public:
    SqliteEngine(Connection& owner, const std::string& path,
                 std::chrono::milliseconds busy_timeout, Connection::Mode mode,
                 bool synchronous_full)
        : owner_(owner) {
        const int access = mode == Connection::Mode::kReadOnly
                               ? SQLITE_OPEN_READONLY
                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        ConfigureSqliteOnce();
        const int flags =
            access | SQLITE_OPEN_NOMUTEX | (path.starts_with("file:") ? SQLITE_OPEN_URI : 0);
        const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            throw StorageError(KindOf(rc), rc, "cannot open database " + path + ": " + message);
        }
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
        if (mode == Connection::Mode::kReadOnly) return;
        try {
            ExecuteScript("PRAGMA foreign_keys = ON");
            // In-memory databases have no WAL; asking is harmless, the answer is "memory".
            ExecuteScript("PRAGMA journal_mode = WAL");
            ExecuteScript(synchronous_full ? "PRAGMA synchronous = FULL"
                                           : "PRAGMA synchronous = NORMAL");
        } catch (...) {
            sqlite3_close(db_);
            throw;
        }
    }
    ~SqliteEngine() override { sqlite3_close(db_); }

    std::unique_ptr<Statement> Prepare(std::string_view sql) override {
        sqlite3_stmt* stmt = nullptr;
        Check(db_,
              sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                 SQLITE_PREPARE_PERSISTENT, &stmt, nullptr),
              sql);
        return std::make_unique<SqliteStatement>(stmt, db_, owner_);
    }

    void ExecuteScript(std::string_view script) override {
        char* error = nullptr;
        const std::string text(script);
        const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
        if (rc != SQLITE_OK) {
            const std::string message = error ? error : sqlite3_errstr(rc);
            sqlite3_free(error);
            const int extended = sqlite3_extended_errcode(db_);
            throw StorageError(KindOf(extended), extended, message);
        }
    }

    int UserVersion() override {
        auto stmt = Prepare("PRAGMA user_version");
        stmt->Step();
        return static_cast<int>(stmt->Int(0));
    }

    void SetUserVersion(int version) override {
        ExecuteScript("PRAGMA user_version = " + std::to_string(version));
    }

    bool InAutocommit() const override { return sqlite3_get_autocommit(db_) != 0; }

    void Begin(bool write) override {
        ExecuteScript(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    }

    sqlite3* Handle() const override { return db_; }

private:
    Connection& owner_;
    sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<Engine> OpenSqlite(Connection& owner, const std::string& path,
                                   std::chrono::milliseconds busy_timeout, Connection::Mode mode,
                                   bool synchronous_full) {
    return std::make_unique<SqliteEngine>(owner, path, busy_timeout, mode, synchronous_full);
}

}  // namespace convene::storage::detail
