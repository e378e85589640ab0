#pragma once

#include <memory>
#include <optional>
#include <string>

#include "convene/app/app.hpp"
#include "convene/util/logging.hpp"
#include "temp_dir.hpp"

namespace convene::testing {

/// The real App on 127.0.0.1:0 with its own temporary database. Restart() keeps the database.
class TestServer {
public:
    explicit TestServer(app::Config config = {}, app::App::Overrides overrides = {})
        : config_(std::move(config)), overrides_(overrides) {
        overrides_.cheap_password_hashing = true;
        config_.host = "127.0.0.1";
        config_.port = 0;
        if (config_.db_path == app::Config{}.db_path) config_.db_path = dir_.File("convene.db");
        config_.log_level = "warn";
        util::SetUpLogging(config_.log_level);
        Start();
    }
    ~TestServer() { app_.reset(); }

    void Restart() {
        app_.reset();
        Start();
    }
    void Stop() { app_.reset(); }

    std::uint16_t Port() const { return port_; }
    const std::string& BaseUrl() const { return app_->BaseUrl(); }
    const std::string& DbPath() const { return config_.db_path; }

private:
    void Start() {
        app_ = std::make_unique<app::App>(config_, overrides_);
        port_ = app_->Start();
    }

    TempDir dir_;
    app::Config config_;
    app::App::Overrides overrides_;
    std::unique_ptr<app::App> app_;
    std::uint16_t port_ = 0;
};

}  // namespace convene::testing
