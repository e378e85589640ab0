#pragma once

#include <gtest/gtest.h>

#include "service_world.hpp"

namespace convene::testing {

/// A test over every service (ServiceWorld): a migrated :memory: database, fake clock and random.
class ServiceFixture : public ::testing::Test, public ServiceWorld {};

}  // namespace convene::testing
