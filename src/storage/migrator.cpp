#include "convene/storage/migrator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace convene::storage {
namespace embedded {
std::span<const util::EmbeddedFile> Files();
}  // namespace embedded
namespace embedded_postgres {
std::span<const util::EmbeddedFile> Files();
}  // namespace embedded_postgres

std::vector<Migration> ParseMigrations(std::span<const util::EmbeddedFile> files) {
    std::vector<Migration> migrations;
    for (const auto& file : files) {
        const auto path = file.path;
        int version = 0;
        const auto [end, ec] = std::from_chars(path.data(), path.data() + path.size(), version);
        const auto digits = static_cast<std::size_t>(end - path.data());
        if (ec != std::errc{} || digits != 4 || path.size() < 10 || path[4] != '_' ||
            !path.ends_with(".sql")) {
            throw std::runtime_error("bad migration file name: " + std::string(path));
        }
        migrations.push_back({version, std::string(path.substr(5, path.size() - 9)), file.content});
    }
    std::sort(migrations.begin(), migrations.end(),
              [](const auto& a, const auto& b) { return a.version < b.version; });
    for (std::size_t i = 0; i < migrations.size(); ++i) {
        if (migrations[i].version != static_cast<int>(i) + 1) {
            throw std::runtime_error("migrations must be numbered 1, 2, 3… without gaps");
        }
    }
    return migrations;
}

std::vector<Migration> EmbeddedMigrations() { return ParseMigrations(embedded::Files()); }

std::vector<Migration> EmbeddedPostgresMigrations() {
    return ParseMigrations(embedded_postgres::Files());
}

std::vector<Migration> EmbeddedMigrationsFor(const Connection& connection) {
    return connection.IsPostgres() ? EmbeddedPostgresMigrations() : EmbeddedMigrations();
}

int LatestSchemaVersion() {
    static const int latest = static_cast<int>(EmbeddedMigrations().size());
    return latest;
}

int PeekSchemaVersion(const std::string& path) {
    if (IsPostgresUrl(path)) {
        Connection connection(path, std::chrono::milliseconds{5000}, Connection::Mode::kReadOnly);
        return connection.UserVersion();
    }
    std::error_code ec;
    if (path == ":memory:" || path.starts_with("file:") || !std::filesystem::exists(path, ec)) {
        return 0;
    }
    Connection connection(path, std::chrono::milliseconds{5000}, Connection::Mode::kReadOnly);
    return connection.UserVersion();
}

int Migrate(Connection& connection, const std::vector<Migration>& migrations) {
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    int current = connection.UserVersion();
    if (current > latest) {
        throw SchemaTooNewError("database schema version " + std::to_string(current) +
                                " is newer than this Convene understands (" +
                                std::to_string(latest) + "); upgrade Convene, the database " +
                                "was not changed");
    }
    for (const auto& migration : migrations) {
        if (migration.version <= current) continue;
        if (connection.IsPostgres()) {
            // PostgreSQL changes a table in place and checks every reference as it goes: the
            // migration and its new level commit together, or neither does.
            Transaction tx(connection);
            connection.ExecuteScript(migration.sql);
            connection.SetUserVersion(migration.version);
            tx.Commit();
            current = migration.version;
            spdlog::info("applied migration {:04}_{}", migration.version, migration.name);
            continue;
        }
        // Foreign keys are off while a migration runs, so one may rebuild a table that others
        // refer to (SQLite's way of changing a CHECK: new table, copy, drop, rename) without
        // the drop cascading into them; every reference must still hold before it commits.
        // The pragma is a no-op inside a transaction, hence here, with ON restored after.
        connection.Execute("PRAGMA foreign_keys = OFF");
        try {
            Transaction tx(connection);
            connection.ExecuteScript(migration.sql);
            const auto broken = connection.Prepare("PRAGMA foreign_key_check")
                                    .ReadOne([](const Statement& row) { return row.Text(0); });
            if (broken) {
                throw std::runtime_error("migration " + std::to_string(migration.version) +
                                         " leaves rows of " + *broken +
                                         " pointing at nothing");
            }
            // user_version lives in the database header: it commits or rolls back with the rest.
            connection.SetUserVersion(migration.version);
            tx.Commit();
        } catch (...) {
            connection.Execute("PRAGMA foreign_keys = ON");
            throw;
        }
        connection.Execute("PRAGMA foreign_keys = ON");
        current = migration.version;
        spdlog::info("applied migration {:04}_{}", migration.version, migration.name);
    }
    return current;
}

}  // namespace convene::storage
