#pragma once

#include <gtest/gtest.h>

#include "router_world.hpp"

namespace convene::testing {

/// A test that calls the real router directly (RouterWorld): no sockets.
class RouterFixture : public ::testing::Test, public RouterWorld {
protected:
    using RouterWorld::RouterWorld;
};

}  // namespace convene::testing
