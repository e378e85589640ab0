#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "convene/storage/connection.hpp"

namespace convene::storage {

/// Who may change a database file wholesale: a server holds it while it runs, and a restore
/// takes it, so that neither happens under the other. An advisory lock (flock) on
/// `<database>.lock`, let go when the holder ends, however it ends (SIGKILL included).
class ExclusiveUse {
public:
    /// Takes the lock of `db_path`; nullopt when another process holds it. Throws
    /// std::runtime_error when the lock file cannot be opened. On PostgreSQL the lock is a
    /// session advisory lock held by a connection of its own: one node per database until
    /// the nodes share their jobs and live state (issue 11).
    static std::optional<ExclusiveUse> TryTake(const std::string& db_path);
    ExclusiveUse(ExclusiveUse&& other) noexcept;
    ExclusiveUse& operator=(ExclusiveUse&& other) noexcept;
    ~ExclusiveUse();

private:
    explicit ExclusiveUse(int fd) : fd_(fd) {}
    explicit ExclusiveUse(std::unique_ptr<Connection> holder) : holder_(std::move(holder)) {}
    int fd_ = -1;
    std::unique_ptr<Connection> holder_;
};

struct BackupResult {
    std::int64_t pages = 0;
    std::int64_t bytes = 0;
    int schema_version = 0;
};

/// Copies the database at `db_path` into `target` with SQLite's online backup: a consistent
/// snapshot, safe while a server writes to it (it only reads). The copy is written beside
/// `target`, checked (PRAGMA integrity_check) and renamed into place, so `target` is never
/// half written. Throws std::runtime_error with a sentence for the operator.
BackupResult Backup(const std::string& db_path, const std::string& target);

/// Replaces the database at `db_path` with the backup `source`, after checking that the
/// backup is sound and not of a newer schema than this binary's (migrations bring an older
/// one up at the next start). Refuses while a server runs on `db_path` (ExclusiveUse).
/// Throws std::runtime_error with a sentence for the operator; nothing changed then.
BackupResult Restore(const std::string& source, const std::string& db_path);

}  // namespace convene::storage
