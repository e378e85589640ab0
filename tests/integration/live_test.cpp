// Live state over real WebSockets against the real server.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "convene/util/time.hpp"
#include "http_client.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"
#include "ws_client.hpp"

namespace convene {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using testing::HttpClient;
using testing::TestServer;
using testing::WsClient;

class LiveTest : public ::testing::Test {
protected:
    LiveTest() : owner(server.Port(), server.BaseUrl()) {
        SignUp(owner, "owner@example.org");
        auto created = owner.PostJson("/api/sessions", {{"title", "All hands"}});
        EXPECT_EQ(created.status, 201) << created.body;
        session = created.Json();
        id = session["id"];
    }

    static void SignUp(HttpClient& client, const std::string& email) {
        auto response = client.PostJson(
            "/api/auth/signup", {{"email", email}, {"password", "long enough"}, {"name", "N"}});
        EXPECT_EQ(response.status, 201) << response.body;
    }

    WsClient::Headers OwnerHeaders() {
        return {{"Origin", server.BaseUrl()},
                {"Cookie", "convene_session=" + owner.Cookies().at("convene_session")}};
    }

    std::string Target() const { return "/ws/sessions/" + id; }

    /// Joins by code and returns the participant token.
    std::string Join() {
        auto joined = HttpClient(server.Port()).PostJson("/api/join", {{"code", session["code"]}});
        EXPECT_EQ(joined.status, 200) << joined.body;
        return joined.Json()["participant_token"];
    }

    std::unique_ptr<WsClient> Participant() {
        return std::make_unique<WsClient>(server.Port(), Target() + "?participant_token=" + Join(),
                                          WsClient::Headers{{"Origin", server.BaseUrl()}});
    }

    testing::HttpResult Post(const std::string& path, const json& body = json::object()) {
        return owner.Request("POST", path, body.dump());
    }

    TestServer server;
    HttpClient owner;
    json session;
    std::string id;
};

TEST_F(LiveTest, FacilitatorsGetTheWholeStateFirst) {
    WsClient ws(server.Port(), Target(), OwnerHeaders());
    auto state = ws.Next();
    ASSERT_TRUE(state);
    EXPECT_EQ((*state)["type"], "state");
    EXPECT_EQ((*state)["status"], "open");
    EXPECT_EQ((*state)["participant_count"], 0);
    EXPECT_EQ((*state)["session"]["code"], session["code"]);
    EXPECT_EQ((*state)["session"]["join_url"], session["join_url"]);
    EXPECT_EQ((*state)["slides"].size(), 1u);
    EXPECT_EQ((*state)["active_slide"]["kind"], "join");
    EXPECT_TRUE((*state)["version"].is_number_unsigned());
}

TEST_F(LiveTest, ParticipantsGetTheirStateWithoutTheCodeOrLink) {
    auto participant = Participant();
    auto text = participant->NextText();
    ASSERT_TRUE(text);
    auto state = json::parse(*text);
    EXPECT_EQ(state["type"], "state");
    EXPECT_EQ(state["session"]["title"], "All hands");
    EXPECT_EQ(state["participant_count"], 1);
    EXPECT_FALSE(state["session"].contains("code"));
    EXPECT_EQ(text->find(std::string(session["code"])), std::string::npos);
    const std::string url = session["join_url"];
    EXPECT_EQ(text->find(url.substr(url.rfind('/') + 1)), std::string::npos);
}

TEST_F(LiveTest, UpgradesAreRefusedBeforeAnySessionData) {
    EXPECT_EQ(WsClient::RefusedStatus(server.Port(), Target()), 401);
    EXPECT_EQ(WsClient::RefusedStatus(server.Port(), Target() + "?participant_token=ptk_forged"), 404);
    auto headers = OwnerHeaders();
    headers[0].second = "http://evil.example";
    EXPECT_EQ(WsClient::RefusedStatus(server.Port(), Target(), headers), 403);

    HttpClient stranger(server.Port(), server.BaseUrl());
    SignUp(stranger, "stranger@example.org");
    EXPECT_EQ(WsClient::RefusedStatus(
                  server.Port(), Target(),
                  {{"Cookie", "convene_session=" + stranger.Cookies().at("convene_session")}}),
              404);
    // A participant token of another session opens nothing here.
    auto other = owner.PostJson("/api/sessions", {{"title", "Other"}}).Json();
    auto joined = HttpClient(server.Port()).PostJson("/api/join", {{"code", other["code"]}}).Json();
    EXPECT_EQ(WsClient::RefusedStatus(server.Port(), Target() + "?participant_token=" +
                                                         std::string(joined["participant_token"])),
              404);
    // A bearer token works without an Origin (a script, not a browser).
    auto token = Post("/api/tokens", {{"name", "script"}}).Json()["token"].get<std::string>();
    WsClient script(server.Port(), Target(), {{"Authorization", "Bearer " + token}});
    EXPECT_EQ((*script.Next())["type"], "state");
}

TEST_F(LiveTest, ChangesReachEveryoneWithGrowingVersions) {
    WsClient facilitator(server.Port(), Target(), OwnerHeaders());
    auto first = *facilitator.Next();
    auto participant = Participant();
    participant->Next();  // its state
    auto count = facilitator.NextOfType("participants");
    ASSERT_TRUE(count);
    EXPECT_EQ((*count)["participant_count"], 1);
    EXPECT_EQ((*count)["version"], first["version"].get<std::uint64_t>() + 1);

    ASSERT_EQ(owner.Request("PATCH", "/api/sessions/" + id, R"({"title":"Renamed"})").status, 200);
    auto renamed = facilitator.NextOfType("title");
    ASSERT_TRUE(renamed);
    EXPECT_EQ((*renamed)["session"]["title"], "Renamed");
    EXPECT_EQ((*renamed)["version"], (*count)["version"].get<std::uint64_t>() + 1);
    auto seen = participant->NextOfType("title");
    ASSERT_TRUE(seen);
    EXPECT_EQ((*seen)["session"]["title"], "Renamed");
    EXPECT_EQ((*seen)["status"], "open");

    const auto ends_at = util::FormatRfc3339(util::SystemClock{}.Now() + std::chrono::days{3});
    owner.Request("PATCH", "/api/sessions/" + id, json{{"ends_at", ends_at}}.dump());
    EXPECT_EQ((*participant->NextOfType("ends_at"))["session"]["ends_at"], ends_at);

    auto slide = Post("/api/sessions/" + id + "/slides", {{"title", "Q1"}, {"body", "Numbers"}}).Json();
    Post("/api/sessions/" + id + "/slides/" + std::string(slide["id"]) + "/activate");
    auto active = participant->NextOfType("active_slide");
    ASSERT_TRUE(active);
    EXPECT_EQ((*active)["active_slide"]["title"], "Q1");
    EXPECT_EQ((*active)["active_slide"]["body"], "Numbers");
}

TEST_F(LiveTest, ANewCodeReachesFacilitatorsOnly) {
    WsClient facilitator(server.Port(), Target(), OwnerHeaders());
    facilitator.Next();
    auto participant = Participant();
    participant->Next();
    auto redrawn = Post("/api/sessions/" + id + "/code").Json();
    const std::string code = redrawn["code"];
    const std::string url = redrawn["join_url"];

    auto seen = facilitator.NextOfType("code");
    ASSERT_TRUE(seen);
    EXPECT_EQ((*seen)["session"]["code"], code);
    EXPECT_EQ((*seen)["session"]["join_url"], url);
    EXPECT_EQ((*seen)["audit_entry"]["action"], "code_regenerated");
    for (;;) {
        auto text = participant->NextText(2s);
        ASSERT_TRUE(text) << "the participant never heard of the change";
        EXPECT_EQ(text->find(code), std::string::npos) << *text;
        EXPECT_EQ(text->find("audit"), std::string::npos) << *text;
        EXPECT_EQ(text->find(url.substr(url.rfind('/') + 1)), std::string::npos) << *text;
        if (json::parse(*text)["type"] == "code") break;
    }
}

TEST_F(LiveTest, ClosingTellsEveryoneThenLetsParticipantsGo) {
    WsClient facilitator(server.Port(), Target(), OwnerHeaders());
    facilitator.Next();
    auto participant = Participant();
    participant->Next();
    ASSERT_EQ(Post("/api/sessions/" + id + "/close").status, 200);

    auto closed = participant->NextOfType("closed");
    ASSERT_TRUE(closed);
    EXPECT_EQ((*closed)["status"], "closed");
    EXPECT_EQ((*closed)["session"]["close_reason"], "owner");
    EXPECT_EQ(participant->WaitForClose(), 4000);
    auto seen = facilitator.NextOfType("closed");
    ASSERT_TRUE(seen);
    EXPECT_EQ((*seen)["status"], "closed");
    EXPECT_EQ((*seen)["audit_entry"]["action"], "closed");
    // Facilitators stay: they may reopen.
    ASSERT_EQ(Post("/api/sessions/" + id + "/open").status, 200);
    EXPECT_EQ((*facilitator.NextOfType("opened"))["status"], "open");
}

TEST_F(LiveTest, ExpiryIsPushedWithItsReason) {
    const auto ends_at = util::FormatRfc3339(util::SystemClock{}.Now() + 2s);
    owner.Request("PATCH", "/api/sessions/" + id, json{{"ends_at", ends_at}}.dump());
    auto participant = Participant();
    participant->Next();
    auto closed = participant->NextOfType("closed", 10s);
    ASSERT_TRUE(closed);
    EXPECT_EQ((*closed)["session"]["close_reason"], "expiry");
    EXPECT_EQ((*closed)["session"]["closed_at"], ends_at);
    EXPECT_EQ(participant->WaitForClose(), 4000);
}

TEST_F(LiveTest, DeletionClosesEverySocketWithAClearCode) {
    WsClient facilitator(server.Port(), Target(), OwnerHeaders());
    facilitator.Next();
    auto participant = Participant();
    participant->Next();
    ASSERT_EQ(owner.Request("DELETE", "/api/sessions/" + id).status, 204);
    EXPECT_TRUE(participant->NextOfType("deleted"));
    EXPECT_EQ(participant->WaitForClose(), 4404);
    EXPECT_TRUE(facilitator.NextOfType("deleted"));
    EXPECT_EQ(facilitator.WaitForClose(), 4404);
}

TEST_F(LiveTest, ClientMessagesAreTypedAndCapped) {
    WsClient ws(server.Port(), Target(), OwnerHeaders());
    ws.Next();
    ws.Send(R"({"type":"ping"})");
    EXPECT_TRUE(ws.NextOfType("pong"));
    ws.Send(R"({"type":"dance"})");
    auto error = ws.NextOfType("error");
    ASSERT_TRUE(error);
    EXPECT_EQ((*error)["error"]["code"], "unknown_type");

    ws.Send("this is not json");
    EXPECT_EQ(ws.WaitForClose(), 1007);

    WsClient binary(server.Port(), Target(), OwnerHeaders());
    binary.Next();
    binary.SendBinary(std::string("\x01\x02", 2));
    EXPECT_EQ(binary.WaitForClose(), 1003);

    WsClient big(server.Port(), Target(), OwnerHeaders());
    big.Next();
    big.Send(R"({"type":"ping","pad":")" + std::string(5000, 'x') + "\"}");
    EXPECT_EQ(big.WaitForClose(), 1009);
}

TEST_F(LiveTest, ParticipantCountsAreCoalescedUnderAJoinStorm) {
    WsClient facilitator(server.Port(), Target(), OwnerHeaders());
    facilitator.Next();
    std::vector<std::unique_ptr<WsClient>> crowd;
    for (int i = 0; i < 30; ++i) crowd.push_back(Participant());
    // Each participant's own state says how many were in when it joined; the facilitator sees
    // the count converge on 30 in far fewer pushes than 30.
    int pushes = 0;
    for (;;) {
        auto count = facilitator.NextOfType("participants", 5s);
        ASSERT_TRUE(count) << "the count never reached 30";
        ++pushes;
        if ((*count)["participant_count"] == 30) break;
    }
    EXPECT_LT(pushes, 30);
}

TEST_F(LiveTest, ShutdownClosesLiveSocketsCleanly) {
    WsClient facilitator(server.Port(), Target(), OwnerHeaders());
    facilitator.Next();
    auto participant = Participant();
    participant->Next();
    const auto started = std::chrono::steady_clock::now();
    // Stop from another thread: the clients must keep reading to answer the close handshake,
    // as browsers do.
    std::jthread stopper([&] { server.Stop(); });
    EXPECT_EQ(facilitator.WaitForClose(), 1001);
    EXPECT_EQ(participant->WaitForClose(), 1001);
    stopper.join();
    // Well inside the 4 s grace period: nobody was left to be forced shut.
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(LiveTest, ARemovedCoFacilitatorIsToldAndDisconnected) {
    HttpClient helper(server.Port(), server.BaseUrl());
    SignUp(helper, "helper@example.org");
    auto added = Post("/api/sessions/" + id + "/facilitators", {{"email", "helper@example.org"}});
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(added.Json()["status"], "added");
    const std::string helper_id = added.Json()["facilitator"]["user_id"];

    WsClient socket(server.Port(), Target(),
                    {{"Origin", server.BaseUrl()},
                     {"Cookie", "convene_session=" + helper.Cookies().at("convene_session")}});
    ASSERT_EQ((*socket.Next())["type"], "state");
    WsClient owner_socket(server.Port(), Target(), OwnerHeaders());
    owner_socket.Next();

    ASSERT_EQ(owner.Request("DELETE", "/api/sessions/" + id + "/facilitators/" + helper_id).status,
              204);
    EXPECT_TRUE(socket.NextOfType("access_removed"));
    EXPECT_EQ(socket.WaitForClose(), 4403);
    EXPECT_EQ(helper.Get("/api/sessions/" + id).status, 404);
    // The owner's socket is untouched.
    ASSERT_EQ(owner.Request("PATCH", "/api/sessions/" + id, R"({"title":"Still here"})").status, 200);
    EXPECT_TRUE(owner_socket.NextOfType("title"));
}

TEST_F(LiveTest, WithoutSmtpEmailsBecomeEmlFilesNextToTheDatabase) {
    ASSERT_EQ(Post("/api/sessions/" + id + "/facilitators", {{"email", "new@example.org"}}).status,
              201);
    const std::filesystem::path folder = server.DbPath() + "-mail";
    // The relay is woken by the commit; wait (bounded) for its file.
    std::string eml;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (eml.empty() && std::chrono::steady_clock::now() < deadline) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
            eml = testing::ReadFile(entry.path().string());
        }
        if (eml.empty()) std::this_thread::sleep_for(20ms);  // polling interval
    }
    ASSERT_FALSE(eml.empty()) << "no .eml file in " << folder;
    EXPECT_NE(eml.find("To: <new@example.org>"), std::string::npos);
    EXPECT_NE(eml.find("Subject: Invitation to co-facilitate \"All hands\""), std::string::npos);
}

}  // namespace
}  // namespace convene
