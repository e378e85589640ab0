#include "convene/storage/database.hpp"

namespace convene::storage {
namespace {

constexpr std::string_view kTouchProbe = "UPDATE health_probe SET probed_at = ? WHERE id = 1";

}  // namespace

Database::Lease::Lease(Database& db, std::unique_ptr<Connection> connection)
    : db_(&db), connection_(std::move(connection)) {}

Database::Lease::~Lease() {
    if (connection_) db_->Release(std::move(connection_));
}

Database::Database(Settings settings) : settings_(std::move(settings)) {
    if (settings_.path == ":memory:") settings_.max_connections = 1;
    // Open the first connection now so that a bad path fails at start-up, not at first use.
    idle_.push_back(Open());
    open_ = 1;
}

Database::~Database() = default;

std::unique_ptr<Connection> Database::Open() {
    auto connection = std::make_unique<Connection>(settings_.path, settings_.busy_timeout,
                                                   Connection::Mode::kReadWrite,
                                                   settings_.synchronous_full);
    connection->ShareWriterLock(&writer_);
    return connection;
}

Database::Lease Database::Acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || open_ < settings_.max_connections; });
    if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(connection));
    }
    ++open_;
    lock.unlock();
    try {
        return Lease(*this, Open());
    } catch (...) {
        lock.lock();
        --open_;
        available_.notify_one();
        throw;
    }
}

void Database::Release(std::unique_ptr<Connection> connection) {
    {
        std::lock_guard lock(mutex_);
        if (connection->Broken()) {
            --open_;  // the next Acquire opens a new one in its place
        } else {
            idle_.push_back(std::move(connection));
        }
    }
    available_.notify_one();
}

bool Database::Ping() noexcept {
    try {
        auto lease = Acquire();
        auto& stmt = lease->Prepare("SELECT 1");
        const bool ok = stmt.Step() && stmt.Int(0) == 1;
        stmt.Reset();
        return ok;
    } catch (const std::exception&) {
        return false;
    }
}

Database::Health Database::Probe(std::int64_t now_seconds) noexcept {
    Health health;
    try {
        auto lease = Acquire();
        health.schema_version = lease->UserVersion();
        health.readable = true;
        try {
            if (lease->Prepare(kTouchProbe).BindAll(now_seconds).Run() != 1) {
                health.write_error = "no_probe_row";
            }
        } catch (const StorageError& e) {
            health.write_error = std::string(StorageErrorKindName(e.Kind()));
        }
    } catch (const std::exception&) {
        health.readable = false;
    }
    return health;
}

void Database::Checkpoint() {
    auto lease = Acquire();
    if (lease->IsPostgres()) return;  // the server keeps its own write-ahead log
    lease->Execute("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace convene::storage
