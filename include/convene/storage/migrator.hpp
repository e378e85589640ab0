#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "convene/storage/connection.hpp"
#include "convene/util/embedded_file.hpp"

namespace convene::storage {

/// One numbered schema step, from `migrations/NNNN_name.sql`.
struct Migration {
    int version;
    std::string name;
    std::string_view sql;
};

/// Thrown when the database was written by a newer Convene; the database is left untouched.
class SchemaTooNewError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The migrations compiled into this binary, sorted by version. Throws on a malformed name
/// or a gap in the numbering (a build error in practice).
std::vector<Migration> EmbeddedMigrations();
/// The same migrations in PostgreSQL's SQL (migrations/postgres/).
std::vector<Migration> EmbeddedPostgresMigrations();
/// The embedded migrations for the engine `connection` is on.
std::vector<Migration> EmbeddedMigrationsFor(const Connection& connection);

/// Parses a set of migration files (exposed for tests).
std::vector<Migration> ParseMigrations(std::span<const util::EmbeddedFile> files);

/// The schema version this binary brings: the highest embedded migration.
int LatestSchemaVersion();

/// The schema version of the database file at `path` without changing the file in any way;
/// 0 when the file does not exist yet (or, on PostgreSQL, has no schema yet).
int PeekSchemaVersion(const std::string& path);

/// Applies every migration above the database's schema version (SQLite's `user_version`,
/// PostgreSQL's convene_schema), each in its own transaction that also records the new level.
/// Returns the resulting version.
/// Throws SchemaTooNewError when the database is ahead of `migrations`.
int Migrate(Connection& connection, const std::vector<Migration>& migrations);

}  // namespace convene::storage
