// HTTP/1.1 framing edge cases over a real socket, as a table. Each malformed request is
// followed on the same connection by a well-formed one: the server must answer the first with
// an error and close, never read the second as a request of its own (request smuggling, a
// desynchronised connection).
#include <gtest/gtest.h>

#include <regex>

#include "http_client.hpp"
#include "test_server.hpp"

namespace convene {
namespace {

using namespace std::chrono_literals;
using testing::RawExchange;
using testing::TestServer;

/// What a smuggler would hide behind the first request.
const std::string kSmuggled = "GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n";

struct EdgeCase {
    const char* name;
    std::string bytes;
    int status;  ///< the one answer expected
};

void PrintTo(const EdgeCase& edge, std::ostream* out) { *out << edge.name; }

std::vector<EdgeCase> Cases() {
    const std::string post = "POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    return {
        {"content_length_and_chunked",
         post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + kSmuggled,
         400},
        {"chunked_and_content_length",
         post + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" + kSmuggled,
         400},
        {"two_different_lengths", post + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}" + kSmuggled,
         400},
        {"two_equal_lengths", post + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}" + kSmuggled,
         400},
        {"length_list", post + "Content-Length: 2, 2\r\n\r\n{}" + kSmuggled, 400},
        {"negative_length", post + "Content-Length: -1\r\n\r\n" + kSmuggled, 400},
        {"signed_length", post + "Content-Length: +2\r\n\r\n{}" + kSmuggled, 400},
        {"hex_length", post + "Content-Length: 0x2\r\n\r\n{}" + kSmuggled, 400},
        {"length_with_space_inside", post + "Content-Length: 1 0\r\n\r\n{}" + kSmuggled, 400},
        {"length_overflowing_64_bits",
         post + "Content-Length: 99999999999999999999999\r\n\r\n{}" + kSmuggled, 400},
        {"bad_chunk_size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n" + kSmuggled,
         400},
        {"negative_chunk_size",
         post + "Transfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n" + kSmuggled, 400},
        {"chunk_size_overflowing_64_bits",
         post + "Transfer-Encoding: chunked\r\n\r\n10000000000000002\r\n{}\r\n0\r\n\r\n" + kSmuggled,
         400},
        {"chunk_longer_than_its_size",
         post + "Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n" + kSmuggled, 400},
        {"chunked_not_last", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + kSmuggled,
         400},
        {"unknown_transfer_coding", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + kSmuggled,
         400},
        {"unsupported_coding_before_chunked",
         post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + kSmuggled, 501},
        {"chunked_twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + kSmuggled,
         400},
        {"bare_lf_request", "GET /healthz HTTP/1.1\nHost: x\n\n" + kSmuggled, 400},
        {"bare_lf_in_headers", "GET /healthz HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n" + kSmuggled, 400},
        {"bare_cr_in_header", "GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n" + kSmuggled, 400},
        {"space_before_colon", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n" + kSmuggled, 400},
        {"nul_in_header_value",
         "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a" + std::string(1, '\0') + "b\r\n\r\n" + kSmuggled,
         400},
        {"no_host", "GET /healthz HTTP/1.1\r\nX-A: b\r\n\r\n" + kSmuggled, 400},
        {"two_hosts", "GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n" + kSmuggled, 400},
        {"space_in_target", "GET /health z HTTP/1.1\r\nHost: x\r\n\r\n" + kSmuggled, 400},
        {"unknown_version", "GET /healthz HTTP/3.7\r\nHost: x\r\n\r\n" + kSmuggled, 400},
        {"huge_header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') +
                            "\r\n\r\n" + kSmuggled,
         431},
        {"many_headers",
         [] {
             std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
             for (int i = 0; i < 4000; ++i) request += "X-" + std::to_string(i) + ": a\r\n";
             return request + "\r\n" + kSmuggled;
         }(),
         431},
        {"huge_target", "GET /" + std::string(64 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n" + kSmuggled,
         431},
    };
}

/// How many HTTP responses `received` holds (their status lines; bodies are JSON).
int Responses(const std::string& received) {
    static const std::regex status_line(R"(HTTP/1\.[01] \d{3} )");
    return static_cast<int>(std::distance(
        std::sregex_iterator(received.begin(), received.end(), status_line), std::sregex_iterator()));
}

class HttpEdge : public ::testing::TestWithParam<EdgeCase> {
protected:
    static void SetUpTestSuite() { server = new TestServer(); }
    static void TearDownTestSuite() {
        delete server;
        server = nullptr;
    }
    static TestServer* server;
};
TestServer* HttpEdge::server = nullptr;

TEST_P(HttpEdge, IsRefusedWithOneAnswerAndAClosedConnection) {
    const auto& edge = GetParam();
    auto raw = RawExchange(server->Port(), edge.bytes, 10s);
    const auto head = raw.received.substr(0, raw.received.find("\r\n"));
    EXPECT_EQ(head.substr(0, 12), "HTTP/1.1 " + std::to_string(edge.status)) << raw.received;
    EXPECT_EQ(Responses(raw.received), 1) << raw.received;
    EXPECT_TRUE(raw.closed);
    EXPECT_NE(raw.received.find("\"error\""), std::string::npos) << raw.received;
    EXPECT_NE(raw.received.find("X-Content-Type-Options: nosniff"), std::string::npos);
    // Refused before routing, it still has a request id to quote, the same in both places.
    std::smatch id;
    ASSERT_TRUE(std::regex_search(raw.received, id, std::regex("X-Request-Id: ([0-9a-f]{16})")))
        << raw.received;
    EXPECT_NE(raw.received.find("\"request_id\":\"" + id[1].str() + "\""), std::string::npos)
        << raw.received;
}

INSTANTIATE_TEST_SUITE_P(Framing, HttpEdge, ::testing::ValuesIn(Cases()),
                         [](const auto& test) { return std::string(test.param.name); });

// The well-formed neighbours of the cases above are served, twice on one connection: the
// table's refusals come from the framing, not from refusing everything.
TEST(HttpEdgeControl, WellFormedRequestsArePipelinedOnOneConnection) {
    TestServer server;
    const std::string chunked =
        "POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    const std::string length =
        "POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\n\r\n{}";
    const std::string last = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    auto raw = RawExchange(server.Port(), chunked + length + last, 10s);
    EXPECT_EQ(Responses(raw.received), 3) << raw.received;
    // An empty join is a well-framed request the API refuses on its own terms.
    EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 422")) << raw.received;
    EXPECT_NE(raw.received.find("HTTP/1.1 200"), std::string::npos) << raw.received;
    EXPECT_TRUE(raw.closed);
}

// Obsolete line folding: Beast joins the folded line to its field with a space, one of the two
// answers RFC 9112 (5.2) allows a server; the fold never starts a header or request of its own.
TEST(HttpEdgeControl, AFoldedHeaderLineStaysPartOfItsField) {
    TestServer server;
    auto raw = RawExchange(server.Port(),
                           "GET /api/me HTTP/1.1\r\nHost: x\r\nX-A: a\r\n Connection: close\r\n\r\n"
                           "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    // Had the fold been read as a header line of its own, the connection would close here.
    EXPECT_EQ(Responses(raw.received), 2) << raw.received;
    EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 401")) << raw.received;
}

}  // namespace
}  // namespace convene
