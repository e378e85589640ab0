#include "convene/storage/connection.hpp"

#include "engine.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

namespace convene::storage {

std::string_view StorageErrorKindName(StorageErrorKind kind) {
    switch (kind) {
        case StorageErrorKind::kUnique: return "unique";
        case StorageErrorKind::kForeignKey: return "foreign_key";
        case StorageErrorKind::kConstraint: return "constraint";
        case StorageErrorKind::kBusy: return "busy";
        case StorageErrorKind::kReadOnly: return "read_only";
        case StorageErrorKind::kFull: return "full";
        case StorageErrorKind::kDisk: return "disk";
        case StorageErrorKind::kUnreachable: return "unreachable";
        case StorageErrorKind::kOther: break;
    }
    return "other";
}

StorageError::StorageError(StorageErrorKind kind, int code, const std::string& what)
    : std::runtime_error(what), kind_(kind), code_(code) {}

std::optional<std::string> Statement::OptionalText(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Text(column);
}

std::optional<std::int64_t> Statement::OptionalInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
}

bool IsPostgresUrl(std::string_view path) {
    return path.starts_with("postgres://") || path.starts_with("postgresql://");
}

std::string DisplayName(std::string_view path) {
    if (!IsPostgresUrl(path)) return std::string(path);
    std::string shown(path);
    const auto authority = shown.find("://") + 3;
    const auto authority_end = shown.find_first_of("/?", authority);
    const auto at = shown.rfind('@', authority_end);
    if (at != std::string::npos && at > authority) {
        const auto colon = shown.find(':', authority);
        if (colon < at) shown.replace(colon + 1, at - colon - 1, "***");
    }
    for (auto key = shown.find("password="); key != std::string::npos;
         key = shown.find("password=", key + 1)) {
        if (key > 0 && shown[key - 1] != '?' && shown[key - 1] != '&') continue;
        const auto value = key + 9;
        shown.replace(value, shown.find('&', value) - value, "***");
    }
    return shown;
}

Connection::Connection(const std::string& path, std::chrono::milliseconds busy_timeout,
                       Mode mode, bool synchronous_full)
    : busy_timeout_(busy_timeout) {
    engine_ = IsPostgresUrl(path)
                  ? detail::OpenPostgres(path, busy_timeout, mode)
                  : detail::OpenSqlite(*this, path, busy_timeout, mode, synchronous_full);
}

Connection::~Connection() {
    cache_.clear();  // the statements before the engine they belong to
}

Statement& Connection::Prepare(Sql statement) {
    const auto sql = statement.Text();
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
        it->second->Reset();
        return *it->second;
    }
    auto [inserted, _] = cache_.emplace(std::string(sql), engine_->Prepare(sql));
    return *inserted->second;
}

void Connection::ExecuteScript(std::string_view script) { engine_->ExecuteScript(script); }

int Connection::UserVersion() { return engine_->UserVersion(); }

void Connection::SetUserVersion(int version) { engine_->SetUserVersion(version); }

std::int64_t Connection::VmSteps() const {
    std::int64_t steps = 0;
    for (const auto& [sql, statement] : cache_) steps += statement->VmSteps();
    return steps;
}

bool Connection::InAutocommit() const { return engine_->InAutocommit(); }

void Connection::Begin(bool write) { engine_->Begin(write); }

sqlite3* Connection::Handle() const { return engine_->Handle(); }

bool Connection::IsPostgres() const { return engine_->Handle() == nullptr; }

bool Connection::Broken() const { return engine_->Broken(); }

Transaction::Transaction(Connection& connection, Mode mode) : connection_(connection) {
    if (mode == Mode::kWrite) writer_ = connection_.LockWriter();
    connection_.Begin(mode == Mode::kWrite);
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
        throw StorageError(StorageErrorKind::kBusy, 5 /* SQLITE_BUSY */,
                           "database is locked (another writer held it for the busy timeout)");
    }
    return lock;
}

}  // namespace convene::storage
