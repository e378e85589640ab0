// Graceful stop of the real transport over real sockets, with a handler we control.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "convene/http/json.hpp"
#include "convene/live/hub.hpp"
#include "convene/transport/server.hpp"
#include "http_client.hpp"
#include "router_fixture.hpp"

namespace convene {
namespace {

using namespace std::chrono_literals;

class GracefulStopTest : public testing::RouterFixture {
protected:
    GracefulStopTest()
        : RouterFixture({{http::Method::kGet, "/api/test/slow",
                          [this](http::Call&) {
                              entered_.set_value();
                              release_.wait();
                              return http::JsonResponse(200, {{"done", true}});
                          },
                          {}}}) {}

    /// Waits (bounded) until the server reports `count` open connections.
    static bool WaitForConnections(const transport::Server& server, std::size_t count) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (server.OpenConnections() != count) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::yield();
        }
        return true;
    }

    std::promise<void> entered_;
    std::promise<void> release_promise_;
    std::shared_future<void> release_ = release_promise_.get_future().share();
};

TEST_F(GracefulStopTest, InFlightRequestFinishesIdleOnesCloseNewOnesAreRefused) {
    live::Hub hub([this](std::string_view id) { return sessions.Snapshot(id); }, {});
    transport::Server server({.host = "127.0.0.1", .port = 0, .io_threads = 2, .app_threads = 2},
                             router, hub);
    const auto port = server.Listen();
    server.Start();

    testing::HttpClient idle(port);
    ASSERT_EQ(idle.Get("/healthz").status, 200);  // stays open, idle, under keep-alive

    auto slow = std::async(std::launch::async, [port] {
        testing::HttpClient client(port);
        return client.Get("/api/test/slow");
    });
    entered_.get_future().wait();
    ASSERT_TRUE(WaitForConnections(server, 2));

    std::jthread stopper([&] { server.Stop(); });  // joined even when an assertion fails
    // The idle connection is closed at once while the slow request is still running.
    ASSERT_TRUE(WaitForConnections(server, 1));
    EXPECT_THROW(testing::HttpClient(port).Get("/healthz"), std::exception);

    release_promise_.set_value();
    const auto result = slow.get();
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.Json()["done"], true);
    EXPECT_EQ(result.Header("connection"), "close");
    stopper.join();
    EXPECT_EQ(server.OpenConnections(), 0u);
}

}  // namespace
}  // namespace convene
