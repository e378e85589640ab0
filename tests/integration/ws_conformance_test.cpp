// WebSocket conformance in the spirit of the Autobahn suite (which cannot run here): frames
// written byte by byte on a real socket against the live endpoint, checking framing,
// fragmentation, ping/pong, reserved bits and opcodes, UTF-8, sizes and the close handshake
// (RFC 6455).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>

#include "http_client.hpp"
#include "test_server.hpp"

namespace convene {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

enum Opcode : std::uint8_t {
    kContinuation = 0x0,
    kText = 0x1,
    kBinary = 0x2,
    kClose = 0x8,
    kPing = 0x9,
    kPong = 0xA
};
constexpr std::uint8_t kFin = 0x80;

/// One client frame: `head` is the first byte (FIN, RSV bits, opcode), masked unless told.
std::string Frame(int head, const std::string& payload, bool masked = true) {
    std::string frame(1, static_cast<char>(head));
    const std::uint8_t mask_bit = masked ? 0x80 : 0x00;
    const auto size = payload.size();
    if (size < 126) {
        frame += static_cast<char>(mask_bit | size);
    } else if (size <= 0xFFFF) {
        frame += static_cast<char>(mask_bit | 126);
        frame += static_cast<char>(size >> 8);
        frame += static_cast<char>(size & 0xFF);
    } else {
        frame += static_cast<char>(mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((size >> shift) & 0xFF);
    }
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked) frame.append(key, 4);
    for (std::size_t i = 0; i < size; ++i) frame += masked ? payload[i] ^ key[i % 4] : payload[i];
    return frame;
}

std::string CloseFrame(std::uint16_t code, const std::string& reason = {}) {
    std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    return Frame(kFin | kClose, payload + reason);
}

struct ServerFrame {
    bool fin = false;
    std::uint8_t opcode = 0;
    std::string payload;
    std::uint16_t CloseCode() const {
        return payload.size() >= 2 ? static_cast<std::uint16_t>(
                                         static_cast<std::uint8_t>(payload[0]) << 8 |
                                         static_cast<std::uint8_t>(payload[1]))
                                   : 1005;
    }
};

/// A WebSocket spoken by hand over a plain socket; every read has a deadline.
class RawWebSocket {
public:
    RawWebSocket(std::uint16_t port, const std::string& target, const std::string& origin) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("cannot connect");
        }
        Send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             "Sec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\n\r\n");
        while (buffer_.find("\r\n\r\n") == std::string::npos) {
            if (!Fill()) throw std::runtime_error("no upgrade answer: " + buffer_);
        }
        const auto end = buffer_.find("\r\n\r\n") + 4;
        if (!buffer_.starts_with("HTTP/1.1 101")) throw std::runtime_error(buffer_);
        buffer_.erase(0, end);
    }
    ~RawWebSocket() { close(fd_); }

    void Send(const std::string& bytes) {
        // The server may close before everything is written: that is what some tests expect.
        ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }

    /// The next frame, or nullopt once the connection closed or nothing came in time.
    std::optional<ServerFrame> Next() {
        for (;;) {
            if (auto frame = Parse()) return frame;
            if (!Fill()) return std::nullopt;
        }
    }

    /// Skips data frames up to the server's close frame and answers it, as a client must;
    /// its code, or nullopt without one.
    std::optional<std::uint16_t> CloseCode() {
        while (auto frame = Next()) {
            if (frame->opcode == kClose) {
                Send(Frame(kFin | kClose, frame->payload.substr(0, 2)));
                return frame->CloseCode();
            }
        }
        return std::nullopt;
    }

    /// Skips frames until `opcode` arrives.
    std::optional<ServerFrame> NextOf(std::uint8_t opcode) {
        while (auto frame = Next()) {
            if (frame->opcode == opcode) return frame;
        }
        return std::nullopt;
    }

    /// True when the server closes the TCP connection in time (after its close frame).
    bool TcpClosed() {
        while (Fill()) buffer_.clear();
        return closed_;
    }

private:
    bool Fill() {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 10'000) <= 0) return false;
        char chunk[8192];
        const auto n = recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            closed_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    std::optional<ServerFrame> Parse() {
        if (buffer_.size() < 2) return std::nullopt;
        const auto b0 = static_cast<std::uint8_t>(buffer_[0]);
        const auto b1 = static_cast<std::uint8_t>(buffer_[1]);
        std::size_t size = b1 & 0x7F;
        std::size_t at = 2;
        const std::size_t extra = size == 126 ? 2 : size == 127 ? 8 : 0;
        if (buffer_.size() < at + extra) return std::nullopt;
        if (extra) {
            size = 0;
            for (std::size_t i = 0; i < extra; ++i) size = size << 8 | static_cast<std::uint8_t>(buffer_[at + i]);
            at += extra;
        }
        if (buffer_.size() < at + size) return std::nullopt;
        ServerFrame frame{(b0 & 0x80) != 0, static_cast<std::uint8_t>(b0 & 0x0F), buffer_.substr(at, size)};
        buffer_.erase(0, at + size);
        return frame;
    }

    int fd_ = -1;
    std::string buffer_;
    bool closed_ = false;
};

/// One server and one session for the whole suite; each test joins as a new participant.
class WsConformance : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server = new testing::TestServer();
        testing::HttpClient owner(server->Port(), server->BaseUrl());
        owner.PostJson("/api/auth/signup",
                       {{"email", "ws@example.org"}, {"password", "long enough"}, {"name", "W"}});
        session = new json(owner.PostJson("/api/sessions", {{"title", "Frames"}}).Json());
    }
    static void TearDownTestSuite() {
        delete session;
        delete server;
    }

    /// A participant's live socket, its first state message read.
    static std::unique_ptr<RawWebSocket> Open() {
        auto joined = testing::HttpClient(server->Port())
                          .PostJson("/api/join", {{"code", (*session)["code"]}})
                          .Json();
        auto ws = std::make_unique<RawWebSocket>(
            server->Port(),
            "/ws/sessions/" + (*session)["id"].get<std::string>() +
                "?participant_token=" + joined["participant_token"].get<std::string>(),
            server->BaseUrl());
        EXPECT_TRUE(ws->NextOf(kText));  // the state on arrival
        return ws;
    }

    static testing::TestServer* server;
    static json* session;
};
testing::TestServer* WsConformance::server = nullptr;
json* WsConformance::session = nullptr;

const std::string kPingMessage = R"({"type":"ping"})";

/// Sends `bytes`, then expects the server's close frame with `code` and the TCP close.
void ExpectClosedWith(RawWebSocket& ws, const std::string& bytes, std::uint16_t code) {
    ws.Send(bytes);
    EXPECT_EQ(ws.CloseCode(), code);
    EXPECT_TRUE(ws.TcpClosed());
}

// Framing: masks, reserved bits and opcodes.
TEST_F(WsConformance, AnUnmaskedClientFrameIsAProtocolError) {
    ExpectClosedWith(*Open(), Frame(kFin | kText, kPingMessage, false), 1002);
}
TEST_F(WsConformance, ReservedBitsWithoutAnExtensionAreAProtocolError) {
    for (int rsv : {0x40, 0x20, 0x10}) {
        ExpectClosedWith(*Open(), Frame(kFin | rsv | kText, kPingMessage), 1002);
    }
}
TEST_F(WsConformance, ReservedOpcodesAreAProtocolError) {
    for (int opcode : {0x3, 0x7, 0xB, 0xF}) {
        ExpectClosedWith(*Open(), Frame(kFin | opcode, "x"), 1002);
    }
}

// Fragmentation.
TEST_F(WsConformance, AFragmentedMessageIsOneMessageAndPingsMayComeBetweenItsFrames) {
    auto ws = Open();
    ws->Send(Frame(kText, R"({"ty)") + Frame(kFin | kPing, "between") + Frame(kContinuation, "") +
             Frame(kFin | kContinuation, R"(pe":"ping"})"));
    auto pong = ws->Next();
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->opcode, kPong) << pong->CloseCode() << " " << pong->payload;
    EXPECT_EQ(pong->payload, "between");
    auto reply = ws->NextOf(kText);
    ASSERT_TRUE(reply);
    EXPECT_EQ(json::parse(reply->payload)["type"], "pong");
}
TEST_F(WsConformance, AContinuationWithNothingToContinueIsAProtocolError) {
    ExpectClosedWith(*Open(), Frame(kFin | kContinuation, kPingMessage), 1002);
}
TEST_F(WsConformance, ANewMessageInsideAFragmentedOneIsAProtocolError) {
    ExpectClosedWith(*Open(), Frame(kText, R"({"ty)") + Frame(kFin | kText, kPingMessage), 1002);
}
TEST_F(WsConformance, AFragmentedControlFrameIsAProtocolError) {
    ExpectClosedWith(*Open(), Frame(kPing, "x") + Frame(kFin | kContinuation, "y"), 1002);
}

// Ping and pong.
TEST_F(WsConformance, APingIsAnsweredWithItsPayload) {
    auto ws = Open();
    const std::string payload(125, 'p');
    ws->Send(Frame(kFin | kPing, payload));
    auto pong = ws->NextOf(kPong);
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->payload, payload);
    ws->Send(Frame(kFin | kPong, "unasked"));  // an unasked pong is ignored
    ws->Send(Frame(kFin | kText, kPingMessage));
    auto reply = ws->NextOf(kText);
    ASSERT_TRUE(reply);
    EXPECT_EQ(json::parse(reply->payload)["type"], "pong");
}
TEST_F(WsConformance, AControlFrameOver125BytesIsAProtocolError) {
    ExpectClosedWith(*Open(), Frame(kFin | kPing, std::string(126, 'p')), 1002);
}

// Payloads: UTF-8, size, kind.
TEST_F(WsConformance, InvalidUtf8TextIs1007) {
    ExpectClosedWith(*Open(), Frame(kFin | kText, "{\"type\":\"\xc3\x28\"}"), 1007);
}
TEST_F(WsConformance, InvalidUtf8SplitAcrossFragmentsIs1007) {
    // U+110000 and above do not exist: F4 90 is wrong already in the first fragment.
    ExpectClosedWith(*Open(), Frame(kText, "{\"type\":\"\xf4\x90") + Frame(kFin | kContinuation, "\x80\x80\"}"),
                     1007);
}
TEST_F(WsConformance, TextThatIsNotAJsonMessageIs1007) {
    ExpectClosedWith(*Open(), Frame(kFin | kText, "hello"), 1007);
}
TEST_F(WsConformance, AnUnknownTypeWithManyBytesGetsItsErrorAndTheServerStaysUp) {
    // The error names the type cut to 64 bytes; cutting inside "é" once made an answer that
    // could not be serialised, and the exception ended the whole server.
    auto ws = Open();
    const std::string type = std::string(63, 'a') + "\xC3\xA9";
    ws->Send(Frame(kFin | kText, json{{"type", type}}.dump()));
    auto reply = ws->NextOf(kText);
    ASSERT_TRUE(reply);
    EXPECT_EQ(json::parse(reply->payload)["error"]["code"], "unknown_type");
    ws->Send(Frame(kFin | kText, kPingMessage));
    reply = ws->NextOf(kText);
    ASSERT_TRUE(reply);
    EXPECT_EQ(json::parse(reply->payload)["type"], "pong");
}
TEST_F(WsConformance, AMessageOverTheLimitIs1009) {
    ExpectClosedWith(*Open(), Frame(kFin | kText, std::string(64 * 1024, ' ')), 1009);
}
TEST_F(WsConformance, FragmentsAddingUpOverTheLimitAre1009) {
    std::string frames = Frame(kText, "[");
    for (int i = 0; i < 16; ++i) frames += Frame(kContinuation, std::string(1024, ' '));
    ExpectClosedWith(*Open(), frames + Frame(kFin | kContinuation, "]"), 1009);
}
TEST_F(WsConformance, BinaryMessagesAreRefusedWith1003) {
    ExpectClosedWith(*Open(), Frame(kFin | kBinary, "\x01\x02"), 1003);
}

// The close handshake.
TEST_F(WsConformance, ACloseIsEchoedThenTheServerClosesTheConnection) {
    auto ws = Open();
    ws->Send(CloseFrame(1000, "bye"));
    EXPECT_EQ(ws->CloseCode(), 1000);
    EXPECT_TRUE(ws->TcpClosed());
}
TEST_F(WsConformance, AnEmptyCloseIsEchoed) {
    auto ws = Open();
    ws->Send(Frame(kFin | kClose, ""));
    auto close = ws->NextOf(kClose);
    ASSERT_TRUE(close);
    EXPECT_TRUE(close->payload.empty() || close->CloseCode() == 1000) << close->CloseCode();
    EXPECT_TRUE(ws->TcpClosed());
}
TEST_F(WsConformance, CloseCodesThatMustNotBeSentAreAProtocolError) {
    // Beast, which speaks the protocol for us, echoes codes of 5000 and above instead.
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999}) {
        SCOPED_TRACE(code);
        ExpectClosedWith(*Open(), CloseFrame(static_cast<std::uint16_t>(code)), 1002);
    }
}
TEST_F(WsConformance, AOneByteCloseIsAProtocolError) {
    ExpectClosedWith(*Open(), Frame(kFin | kClose, "\x03"), 1002);
}
TEST_F(WsConformance, ACloseReasonInInvalidUtf8FailsTheConnection) {
    // RFC 6455 lets a server fail the connection here; Beast does so with 1002, not 1007.
    ExpectClosedWith(*Open(), CloseFrame(1000, "\xff\xfe"), 1002);
}
TEST_F(WsConformance, NothingIsReadAfterTheClose) {
    // A message after the client's close is not answered: the server only finishes closing.
    auto ws = Open();
    ws->Send(CloseFrame(1000) + Frame(kFin | kText, kPingMessage));
    EXPECT_EQ(ws->CloseCode(), 1000);
    EXPECT_FALSE(ws->NextOf(kText));
    EXPECT_TRUE(ws->TcpClosed());
}

}  // namespace
}  // namespace convene
