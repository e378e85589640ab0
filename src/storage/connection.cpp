#include "convene/storage/connection.hpp"

#include <sqlite3.h>

#include <chrono>
#include <spdlog/spdlog.h>

namespace convene::storage {
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

/// Once per process, before SQLite's first use: no memory statistics. With them on, every
/// allocation SQLite makes takes one mutex shared by all connections; under 64 concurrent GETs
/// that mutex made half of the server's futex calls (perf, syscalls:sys_enter_futex). Nothing
/// here reads SQLite's memory statistics. Should SQLite already be in use (a test that opened
/// it first), the setting is refused and everything works as before.
void ConfigureSqliteOnce() {
    static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)configured;
}

}  // namespace

std::string_view StorageErrorKindName(StorageErrorKind kind) {
    switch (kind) {
        case StorageErrorKind::kUnique: return "unique";
        case StorageErrorKind::kForeignKey: return "foreign_key";
        case StorageErrorKind::kConstraint: return "constraint";
        case StorageErrorKind::kBusy: return "busy";
        case StorageErrorKind::kReadOnly: return "read_only";
        case StorageErrorKind::kFull: return "full";
        case StorageErrorKind::kDisk: return "disk";
        case StorageErrorKind::kOther: break;
    }
    return "other";
}

StorageError::StorageError(StorageErrorKind kind, int code, const std::string& what)
    : std::runtime_error(what), kind_(kind), code_(code) {}

Statement::Statement(sqlite3_stmt* stmt, Connection& connection)
    : stmt_(stmt), connection_(connection) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, std::string_view value) {
    connection_.Check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                                          SQLITE_TRANSIENT, SQLITE_UTF8),
                      "bind");
    return *this;
}

Statement& Statement::Bind(int index, std::int64_t value) {
    connection_.Check(sqlite3_bind_int64(stmt_, index, value), "bind");
    return *this;
}

Statement& Statement::BindNull(int index) {
    connection_.Check(sqlite3_bind_null(stmt_, index), "bind");
    return *this;
}

bool Statement::Step() {
    // A write outside a transaction commits by itself during its first step: it takes the
    // writer lock for that step (a Transaction holds it for the whole transaction).
    std::unique_lock<WriterLock> writer;
    if (!sqlite3_stmt_busy(stmt_) && !sqlite3_stmt_readonly(stmt_) &&
        sqlite3_get_autocommit(connection_.Handle())) {
        writer = connection_.LockWriter();
    }
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // The statement is left reset so that the cache can hand it out again.
    sqlite3_reset(stmt_);
    connection_.Check(rc, sqlite3_sql(stmt_));
    return false;
}

int Statement::Run() {
    while (Step()) {
    }
    return sqlite3_changes(connection_.Handle());
}

std::string Statement::Text(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<std::string> Statement::OptionalText(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Text(column);
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<std::int64_t> Statement::OptionalInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
}

bool Statement::IsNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void Statement::Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

Connection::Connection(const std::string& path, std::chrono::milliseconds busy_timeout,
                       Mode mode, bool synchronous_full) {
    const int access = mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    ConfigureSqliteOnce();
    const int flags =
        access | SQLITE_OPEN_NOMUTEX | (path.starts_with("file:") ? SQLITE_OPEN_URI : 0);
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw StorageError(KindOf(rc), rc, "cannot open database " + path + ": " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    busy_timeout_ = busy_timeout;
    sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
    if (mode == Mode::kReadOnly) return;
    Execute("PRAGMA foreign_keys = ON");
    // In-memory databases have no WAL; asking is harmless, the answer is just "memory".
    Execute("PRAGMA journal_mode = WAL");
    if (synchronous_full) {
        Execute("PRAGMA synchronous = FULL");
    } else {
        Execute("PRAGMA synchronous = NORMAL");
    }
}

Connection::~Connection() {
    cache_.clear();
    sqlite3_close(db_);
}

Statement& Connection::Prepare(Sql statement) {
    const auto sql = statement.Text();
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
        it->second->Reset();
        return *it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    Check(sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                             SQLITE_PREPARE_PERSISTENT, &stmt, nullptr),
          sql);
    auto [inserted, _] =
        cache_.emplace(std::string(sql), std::make_unique<Statement>(stmt, *this));
    return *inserted->second;
}

void Connection::ExecuteScript(std::string_view script) {
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

int Connection::UserVersion() {
    auto& stmt = Prepare("PRAGMA user_version");
    stmt.Step();
    const auto version = static_cast<int>(stmt.Int(0));
    stmt.Reset();
    return version;
}

std::int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Connection::VmSteps() const {
    std::int64_t steps = 0;
    for (const auto& [sql, statement] : cache_) {
        steps += sqlite3_stmt_status(statement->stmt_, SQLITE_STMTSTATUS_VM_STEP, 0);
    }
    return steps;
}

void Connection::Check(int code, std::string_view context) const {
    if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) return;
    const int extended = sqlite3_extended_errcode(db_);
    throw StorageError(KindOf(extended != 0 ? extended : code), extended,
                       std::string(sqlite3_errmsg(db_)) + " [" + std::string(context) + "]");
}

bool Connection::InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

Transaction::Transaction(Connection& connection, Mode mode) : connection_(connection) {
    if (mode == Mode::kWrite) writer_ = connection_.LockWriter();
    if (mode == Mode::kWrite) {
        connection_.Execute("BEGIN IMMEDIATE");
    } else {
        connection_.Execute("BEGIN DEFERRED");
    }
}

Transaction::~Transaction() {
    // SQLite rolls a transaction back by itself on some errors (a disk I/O error, a full disk).
    if (!open_ || connection_.InAutocommit()) return;
    try {
        connection_.Execute("ROLLBACK");
    } catch (const std::exception& e) {
        // A failed rollback leaves SQLite to roll back on close; nothing more can be done here.
        spdlog::error("rollback failed: {}", e.what());
    }
}

void Transaction::Commit() {
    connection_.Execute("COMMIT");
    open_ = false;
    if (writer_.owns_lock()) writer_.unlock();
}

void WriterLock::lock() {
    std::unique_lock guard(mutex_);
    released_.wait(guard, [&] { return !held_; });
    held_ = true;
}

bool WriterLock::try_lock() {
    std::lock_guard guard(mutex_);
    if (held_) return false;
    held_ = true;
    return true;
}

bool WriterLock::try_lock_for(std::chrono::milliseconds timeout) {
    std::unique_lock guard(mutex_);
    if (!released_.wait_for(guard, timeout, [&] { return !held_; })) return false;
    held_ = true;
    return true;
}

void WriterLock::unlock() {
    {
        std::lock_guard guard(mutex_);
        held_ = false;
    }
    released_.notify_one();
}

std::unique_lock<WriterLock> Connection::LockWriter() {
    if (writer_lock_ == nullptr) return {};
    std::unique_lock lock(*writer_lock_, std::defer_lock);
    if (!lock.try_lock_for(busy_timeout_)) {
        throw StorageError(StorageErrorKind::kBusy, SQLITE_BUSY,
                           "database is locked (another writer held it for the busy timeout)");
    }
    return lock;
}

}  // namespace convene::storage
