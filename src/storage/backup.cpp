#include "convene/storage/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "convene/storage/connection.hpp"
#include "convene/storage/migrator.hpp"

namespace convene::storage {
namespace {

constexpr std::chrono::milliseconds kBusyTimeout{5000};

std::string IntegrityOf(Connection& connection) {
    return connection.Prepare("PRAGMA integrity_check")
        .ReadOne([](const Statement& row) { return row.Text(0); })
        .value_or("no answer");
}

/// Copies every page of `from` into `to`, in one step: a reader's snapshot, so writers of
/// `from` (in WAL mode) go on meanwhile.
BackupResult CopyPages(Connection& from, Connection& to) {
    sqlite3_backup* backup = sqlite3_backup_init(to.Handle(), "main", from.Handle(), "main");
    if (backup == nullptr) {
        throw std::runtime_error(std::string("cannot start the copy: ") +
                                 sqlite3_errmsg(to.Handle()));
    }
    const int step = sqlite3_backup_step(backup, -1);
    BackupResult result;
    result.pages = sqlite3_backup_pagecount(backup);
    const int finish = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE || finish != SQLITE_OK) {
        throw std::runtime_error(std::string("the copy failed: ") + sqlite3_errstr(step) +
                                 " (" + sqlite3_errmsg(to.Handle()) + ")");
    }
    result.schema_version = to.UserVersion();
    return result;
}

void RemoveWithCompanions(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::filesystem::remove(path + suffix, ignored);
    }
}

}  // namespace

std::optional<ExclusiveUse> ExclusiveUse::TryTake(const std::string& db_path) {
    if (IsPostgresUrl(db_path)) {
        auto holder = std::make_unique<Connection>(db_path, kBusyTimeout);
        // Held until the connection closes, by the process's exit at worst.
        // Per schema of the database, as the writers' lock (postgres_engine.cpp).
        const bool taken = holder
                               ->Prepare("SELECT pg_try_advisory_lock(1131376247, "
                                         "hashtext(current_schema()))")
                               .ReadOne([](const Statement& row) { return row.Int(0) == 1; })
                               .value_or(false);
        if (!taken) return std::nullopt;
        return ExclusiveUse(std::move(holder));
    }
    const auto path = db_path + ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    return ExclusiveUse(fd);
}

ExclusiveUse::ExclusiveUse(ExclusiveUse&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), holder_(std::move(other.holder_)) {}

ExclusiveUse& ExclusiveUse::operator=(ExclusiveUse&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        holder_ = std::move(other.holder_);
    }
    return *this;
}

ExclusiveUse::~ExclusiveUse() {
    if (fd_ >= 0) ::close(fd_);  // closing lets the lock go
}

namespace {

void RefusePostgres(const std::string& db_path) {
    if (IsPostgresUrl(db_path)) {
        throw std::runtime_error("backup and restore copy SQLite files; back up a PostgreSQL "
                                 "database with pg_dump and restore it with pg_restore");
    }
}

}  // namespace

BackupResult Backup(const std::string& db_path, const std::string& target) {
    RefusePostgres(db_path);
    if (!std::filesystem::exists(db_path)) {
        throw std::runtime_error("there is no database at " + db_path);
    }
    const auto partial = target + ".partial";
    RemoveWithCompanions(partial);
    BackupResult result;
    try {
        Connection from(db_path, kBusyTimeout, Connection::Mode::kReadOnly);
        {
            Connection to(partial, kBusyTimeout);
            result = CopyPages(from, to);
            if (const auto check = IntegrityOf(to); check != "ok") {
                throw std::runtime_error("the copy does not check out: " + check);
            }
            // One self-contained file: the WAL folded in and gone.
            to.Execute("PRAGMA journal_mode = DELETE");
        }
        std::filesystem::rename(partial, target);
    } catch (...) {
        RemoveWithCompanions(partial);
        throw;
    }
    result.bytes = static_cast<std::int64_t>(std::filesystem::file_size(target));
    return result;
}

BackupResult Restore(const std::string& source, const std::string& db_path) {
    RefusePostgres(db_path);
    if (!std::filesystem::exists(source)) throw std::runtime_error("there is no file " + source);
    const auto use = ExclusiveUse::TryTake(db_path);
    if (!use) {
        throw std::runtime_error("a Convene server is running on " + db_path +
                                 ": stop it first; nothing was changed");
    }
    Connection from(source, kBusyTimeout, Connection::Mode::kReadOnly);
    if (const auto check = IntegrityOf(from); check != "ok") {
        throw std::runtime_error(source + " does not check out (" + check +
                                 "); nothing was changed");
    }
    if (from.UserVersion() > LatestSchemaVersion()) {
        throw std::runtime_error(source + " has schema version " +
                                 std::to_string(from.UserVersion()) + ", newer than this " +
                                 "Convene (" + std::to_string(LatestSchemaVersion()) +
                                 "); nothing was changed");
    }
    Connection to(db_path, kBusyTimeout);
    return CopyPages(from, to);
}

}  // namespace convene::storage
