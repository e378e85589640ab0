#pragma once

#include <gtest/gtest.h>

#include <string>

#include "service_world.hpp"
#include "test_databases.hpp"

namespace convene::testing {

/// The database a ServiceFixture's world runs on, made before the world (a base class before
/// it): SQLite's :memory: for "sqlite", a schema of the test server for "postgres".
class FixtureDatabase {
protected:
    explicit FixtureDatabase(const std::string& engine)
        : postgres_(engine == "postgres" ? std::make_unique<TestDatabase>(engine) : nullptr) {}
    std::string Path() const { return postgres_ ? postgres_->Url() : ":memory:"; }

private:
    std::unique_ptr<TestDatabase> postgres_;
};

/// A test over every service (ServiceWorld): a migrated database, fake clock and random. Each
/// test runs on both engines: instantiate a suite with CONVENE_ON_BOTH_ENGINES(Suite).
class ServiceFixture : public ::testing::TestWithParam<std::string>,
                       private FixtureDatabase,
                       public ServiceWorld {
protected:
    ServiceFixture() : FixtureDatabase(GetParam()), ServiceWorld(FixtureDatabase::Path()) {}
};

}  // namespace convene::testing

#define CONVENE_ON_BOTH_ENGINES(suite)                                                \
    INSTANTIATE_TEST_SUITE_P(Engines, suite, ::testing::Values("sqlite", "postgres"), \
                             [](const ::testing::TestParamInfo<std::string>& engine) {  \
                                 return engine.param;                                 \
                             })
