// The PostgreSQL engine of storage::Connection, over libpq.
//
// The repositories' SQL is written once, with `?` placeholders; here they become $1, $2, …
// Every value goes over as text and the server infers its type from the statement (a text
// parameter cannot hold a NUL byte; nothing Convene stores does). A write transaction first
// takes one advisory lock shared by every connection to the database's schema, so that
// writers take turns as they do on SQLite: what a service checks and then writes inside one
// transaction stays true across nodes. A lone write outside a transaction takes no such lock:
// it is atomic by itself.

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "engine.hpp"

namespace convene::storage::detail {
namespace {

constexpr std::string_view kBeginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED";
/// The advisory lock every write transaction takes, held to its end: one per schema of the
/// database ("Conv" in ASCII, then the schema's hash), so that Convenes on separate schemas of
/// one database do not wait for each other.
constexpr std::string_view kTakeWriterLock =
    "SELECT pg_advisory_xact_lock(1131376246, hashtext(current_schema()))";
/// A read transaction sees one snapshot, as SQLite's do.
constexpr std::string_view kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

StorageErrorKind KindOf(std::string_view sqlstate) {
    if (sqlstate == "23505") return StorageErrorKind::kUnique;
    if (sqlstate == "23503") return StorageErrorKind::kForeignKey;
    if (sqlstate.starts_with("23")) return StorageErrorKind::kConstraint;
    // Serialization failure, deadlock, lock not available (lock_timeout), query canceled.
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014") {
        return StorageErrorKind::kBusy;
    }
    if (sqlstate == "25006") return StorageErrorKind::kReadOnly;  // read-only transaction
    if (sqlstate == "53100") return StorageErrorKind::kFull;      // disk full
    if (sqlstate.starts_with("58")) return StorageErrorKind::kDisk;  // system error (I/O)
    // Connection exceptions, and the server shutting down or restarting.
    if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
        sqlstate == "57P03") {
        return StorageErrorKind::kUnreachable;
    }
    return StorageErrorKind::kOther;
}

/// Throws a StorageError for `result` unless it succeeded; takes ownership of `result`.
PGresult* Checked(PGconn* conn, PGresult* result, std::string_view context) {
    const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    // Both copied out of the result before it is freed.
    const char* field = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string state = field ? field : "";
    std::string message = result ? PQresultErrorMessage(result) : "";
    if (message.empty()) message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.pop_back();
    }
    PQclear(result);
    const auto kind = !state.empty()
                          ? KindOf(state)
                          : (PQstatus(conn) == CONNECTION_BAD ? StorageErrorKind::kUnreachable
                                                              : StorageErrorKind::kOther);
    throw StorageError(kind, 0, message + " [" + std::string(context) + "]");
}

/// `sql` with each `?` outside quotes and comments numbered as $1, $2, …; `count` is set to
/// how many there were.
std::string NumberPlaceholders(std::string_view sql, int& count) {
    std::string out;
    out.reserve(sql.size() + 16);
    count = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            const auto close = sql.find(c, i + 1);
            const auto end = close == std::string_view::npos ? sql.size() : close + 1;
            out.append(sql.substr(i, end - i));
            i = end - 1;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const auto line_end = sql.find('\n', i);
            const auto end = line_end == std::string_view::npos ? sql.size() : line_end;
            out.append(sql.substr(i, end - i));
            i = end - 1;
        } else if (c == '?') {
            // ?NNN names its parameter (SQLite's form, which repeats one value); a bare ? is
            // the one after the highest so far, as SQLite counts.
            std::size_t digits = i + 1;
            while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
            int number = count + 1;
            if (digits > i + 1) {
                number = std::stoi(std::string(sql.substr(i + 1, digits - i - 1)));
                i = digits - 1;
            }
            count = std::max(count, number);
            out += '$';
            out += std::to_string(number);
        } else {
            out += c;
        }
    }
    return out;
}

/// PostgreSQL's type oid of boolean (pg_type.h: BOOLOID).
constexpr Oid kBoolType = 16;

class PostgresStatement final : public Statement {
public:
    PostgresStatement(PGconn* conn, std::string name, std::string sql, int parameters)
        : conn_(conn),
          name_(std::move(name)),
          sql_(std::move(sql)),
          values_(static_cast<std::size_t>(parameters)) {}
    ~PostgresStatement() override { PQclear(result_); }

    using Statement::Bind;
    Statement& Bind(int index, std::string_view value) override {
        Slot(index) = std::string(value);
        return *this;
    }
    Statement& Bind(int index, std::int64_t value) override {
        Slot(index) = std::to_string(value);
        return *this;
    }
    Statement& BindNull(int index) override {
        Slot(index).reset();
        return *this;
    }

    bool Step() override {
        if (result_ == nullptr) Execute();
        return ++row_ < PQntuples(result_);
    }

    int Run() override {
        if (result_ == nullptr) Execute();
        row_ = PQntuples(result_);
        return std::atoi(PQcmdTuples(result_));
    }

    std::string Text(int column) const override {
        return {PQgetvalue(result_, row_, column),
                static_cast<std::size_t>(PQgetlength(result_, row_, column))};
    }
    std::int64_t Int(int column) const override {
        const char* value = PQgetvalue(result_, row_, column);
        // A comparison or EXISTS is a boolean here ('t' or 'f'), an integer on SQLite.
        if (PQftype(result_, column) == kBoolType) return value[0] == 't' ? 1 : 0;
        return std::strtoll(value, nullptr, 10);
    }
    bool IsNull(int column) const override { return PQgetisnull(result_, row_, column) != 0; }

    void Reset() override {
        PQclear(result_);
        result_ = nullptr;
        row_ = -1;
        for (auto& value : values_) value.reset();
    }

private:
    std::optional<std::string>& Slot(int index) {
        if (index < 1 || index > static_cast<int>(values_.size())) {
            throw StorageError(StorageErrorKind::kOther, 0,
                               "bind: no parameter " + std::to_string(index) + " [" + sql_ + "]");
        }
        return values_[static_cast<std::size_t>(index - 1)];
    }

    void Execute() {
        std::vector<const char*> values;
        values.reserve(values_.size());
        for (const auto& value : values_) values.push_back(value ? value->c_str() : nullptr);
        result_ = Checked(conn_,
                          PQexecPrepared(conn_, name_.c_str(), static_cast<int>(values.size()),
                                         values.data(), nullptr, nullptr, 0),
                          sql_);
        row_ = -1;
    }

    PGconn* conn_;
    std::string name_;
    std::string sql_;
    std::vector<std::optional<std::string>> values_;
    PGresult* result_ = nullptr;
    int row_ = -1;
};

class PostgresEngine final : public Engine {
public:
    PostgresEngine(const std::string& url, std::chrono::milliseconds busy_timeout,
                   Connection::Mode mode)
        : conn_(PQconnectdb(url.c_str())) {
        if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
            std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
            while (!message.empty() && message.back() == '\n') message.pop_back();
            PQfinish(conn_);
            throw StorageError(StorageErrorKind::kUnreachable, 0,
                               "cannot connect to PostgreSQL: " + message);
        }
        // Waiting for a lock (the writers' advisory lock above all) ends as SQLite's busy
        // timeout does: a busy error.
        const std::string settings =
            "SET lock_timeout = " + std::to_string(busy_timeout.count()) +
            "; SET client_min_messages = warning" +
            (mode == Connection::Mode::kReadOnly ? "; SET default_transaction_read_only = on"
                                                 : "");
        ExecuteScript(settings);
    }
    ~PostgresEngine() override { PQfinish(conn_); }

    std::unique_ptr<Statement> Prepare(std::string_view sql) override {
        int parameters = 0;
        auto numbered = NumberPlaceholders(sql, parameters);
        auto name = "convene_" + std::to_string(++statements_);
        PQclear(Checked(conn_, PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr), sql));
        return std::make_unique<PostgresStatement>(conn_, std::move(name), std::string(sql),
                                                   parameters);
    }

    void ExecuteScript(std::string_view script) override {
        const std::string text(script);
        PQclear(Checked(conn_, PQexec(conn_, text.c_str()), "script"));
    }

    int UserVersion() override {
        // The migrations keep their version in convene_schema (a table of one row). Asked by
        // every readiness probe: an unnamed statement, so that nothing stays prepared on the
        // server per call.
        const auto value = [&](const char* sql) {
            PGresult* result = Checked(conn_, PQexec(conn_, sql), sql);
            std::string text = PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
            PQclear(result);
            return text;
        };
        if (value("SELECT to_regclass('convene_schema') IS NOT NULL") != "t") return 0;
        const auto version = value("SELECT version FROM convene_schema");
        return version.empty() ? 0 : std::atoi(version.c_str());
    }

    void SetUserVersion(int version) override {
        ExecuteScript("CREATE TABLE IF NOT EXISTS convene_schema (version BIGINT NOT NULL); "
                      "DELETE FROM convene_schema; INSERT INTO convene_schema (version) VALUES (" +
                      std::to_string(version) + ")");
    }

    bool InAutocommit() const override { return PQtransactionStatus(conn_) == PQTRANS_IDLE; }

    void Begin(bool write) override {
        ExecuteScript(write ? kBeginWrite : kBeginRead);
        if (!write) return;
        try {
            ExecuteScript(kTakeWriterLock);
        } catch (...) {
            // No transaction is left behind when the lock is not had (busy, usually).
            PQclear(PQexec(conn_, "ROLLBACK"));
            throw;
        }
    }

    bool Broken() const override { return PQstatus(conn_) == CONNECTION_BAD; }

private:
    PGconn* conn_;
    int statements_ = 0;
};

}  // namespace

std::unique_ptr<Engine> OpenPostgres(const std::string& url, std::chrono::milliseconds busy_timeout,
                                     Connection::Mode mode) {
    return std::make_unique<PostgresEngine>(url, busy_timeout, mode);
}

}  // namespace convene::storage::detail
