// Email end to end: the real server sends its outbox to a real SMTP server process.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>

#include "child_process.hpp"
#include "convene/storage/connection.hpp"
#include "convene/util/time.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "smtp_sink.hpp"
#include "test_server.hpp"

namespace convene {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using testing::HttpClient;
using testing::SmtpSink;
using testing::TestServer;

constexpr auto kDelivery = 20s;  // how long a test waits for mail before failing

app::Config MailConfig(std::uint16_t smtp_port) {
    app::Config config;
    config.smtp_url = "smtp://127.0.0.1:" + std::to_string(smtp_port);
    config.mail_from = "convene@example.org";
    return config;
}

/// The server's own admin: signs up first, creates a session, invites people, reads the outbox.
class Admin {
public:
    explicit Admin(const TestServer& server) : client_(server.Port(), server.BaseUrl()) {
        auto signed_up = client_.PostJson(
            "/api/auth/signup",
            {{"email", "ann@example.org"}, {"password", "long enough"}, {"name", "Ann Organizer"}});
        EXPECT_EQ(signed_up.status, 201) << signed_up.body;
    }

    json CreateSession(const std::string& title) {
        auto created = client_.PostJson("/api/sessions", {{"title", title}});
        EXPECT_EQ(created.status, 201) << created.body;
        return created.Json();
    }

    json Invite(const std::string& session_id, const json& emails) {
        auto invited =
            client_.PostJson("/api/sessions/" + session_id + "/invitations", {{"emails", emails}});
        EXPECT_EQ(invited.status, 202) << invited.body;
        return invited.Json();
    }

    json Outbox(const std::string& query = {}) {
        auto outbox = client_.Get("/api/admin/outbox" + query);
        EXPECT_EQ(outbox.status, 200) << outbox.body;
        return outbox.Json();
    }

    /// Polls the outbox until `done(outbox)` holds or `timeout` passes; returns the last one.
    template <typename Done>
    json WaitForOutbox(Done done, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto outbox = Outbox();
            if (done(outbox) || std::chrono::steady_clock::now() >= deadline) return outbox;
            std::this_thread::sleep_for(20ms);  // polling interval, not a stand-in
        }
    }

    HttpClient& Client() { return client_; }

private:
    HttpClient client_;
};

std::multiset<std::string> MessageIds(const std::vector<json>& messages) {
    std::multiset<std::string> ids;
    for (const auto& m : messages) ids.insert(m["message_id"].get<std::string>());
    return ids;
}

std::set<std::string> Recipients(const std::vector<json>& messages) {
    std::set<std::string> to;
    for (const auto& m : messages) {
        EXPECT_EQ(m["rcpt_tos"].size(), 1u) << m;  // one envelope per person: no shared list
        to.insert(m["rcpt_tos"][0].get<std::string>());
    }
    return to;
}

TEST(Mail, InvitationsArriveWithTheirRecipientSubjectAndLink) {
    SmtpSink sink;
    TestServer server(MailConfig(sink.Port()));
    Admin admin(server);
    const auto session = admin.CreateSession("Café & <Strategy>");
    admin.Invite(session["id"], "bob@example.org, Carol@Example.org; not-an-address");

    const auto messages = sink.WaitForMessages(2, kDelivery);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(Recipients(messages),
              (std::set<std::string>{"bob@example.org", "Carol@Example.org"}));
    const std::string join_url = session["join_url"];
    for (const auto& m : messages) {
        EXPECT_EQ(m["mail_from"], "convene@example.org");
        EXPECT_EQ(m["to"], m["rcpt_tos"][0]);
        EXPECT_EQ(m["subject"], "Ann Organizer invites you to \"Café & <Strategy>\"");
        EXPECT_TRUE(m["raw_subject"].get<std::string>().starts_with("=?UTF-8?")) << m;
        EXPECT_EQ(m["content_type"], "multipart/alternative");
        EXPECT_TRUE(m["defects"].empty()) << m;
        EXPECT_NE(m["text"].get<std::string>().find(join_url), std::string::npos) << m["text"];
        EXPECT_NE(m["text"].get<std::string>().find(session["code"].get<std::string>()),
                  std::string::npos);
        EXPECT_NE(m["html"].get<std::string>().find("href=\"" + join_url + "\""),
                  std::string::npos);
        EXPECT_NE(m["html"].get<std::string>().find("Café &amp; &lt;Strategy&gt;"),
                  std::string::npos)
            << m["html"];
    }
    // The outbox says so too, and the server's answer is kept.
    const auto outbox = admin.WaitForOutbox(
        [](const json& o) { return o["counts"]["sent"] == 2; }, kDelivery);
    EXPECT_EQ(outbox["counts"], json({{"queued", 0}, {"sent", 2}, {"failed", 0}}));
}

TEST(Mail, CoFacilitatorsGetTheirEmail) {
    SmtpSink sink;
    TestServer server(MailConfig(sink.Port()));
    Admin admin(server);
    ASSERT_EQ(HttpClient(server.Port(), server.BaseUrl())
                  .PostJson("/api/auth/signup", {{"email", "dan@example.org"},
                                                 {"password", "long enough"},
                                                 {"name", "Dan"}})
                  .status,
              201);
    const std::string id = admin.CreateSession("Board")["id"];
    const auto path = "/api/sessions/" + id + "/facilitators";
    ASSERT_EQ(admin.Client().PostJson(path, {{"email", "dan@example.org"}}).status, 201);
    ASSERT_EQ(admin.Client().PostJson(path, {{"email", "eve@example.org"}}).status, 201);

    const auto messages = sink.WaitForMessages(2, kDelivery);
    ASSERT_EQ(messages.size(), 2u);
    for (const auto& m : messages) {
        const auto text = m["text"].get<std::string>();
        if (m["rcpt_tos"][0] == "dan@example.org") {  // has an account: access at once
            EXPECT_EQ(m["subject"], "You co-facilitate \"Board\"");
            EXPECT_NE(text.find(server.BaseUrl() + "/sessions/" + id), std::string::npos) << text;
        } else {  // no account yet: a sign-up link
            EXPECT_EQ(m["rcpt_tos"][0], "eve@example.org");
            EXPECT_EQ(m["subject"], "Invitation to co-facilitate \"Board\"");
            EXPECT_NE(text.find(server.BaseUrl() + "/signin#signup"), std::string::npos) << text;
        }
    }
}

TEST(Mail, AServerThatIsDownThenUpGetsEveryMessageOnce) {
    const auto port = testing::UnusedPort();
    TestServer server(MailConfig(port), {.mail_first_retry = 1s});
    Admin admin(server);
    const auto session = admin.CreateSession("Retro");
    admin.Invite(session["id"], json::array({"a@example.org", "b@example.org", "c@example.org"}));

    // Nobody listens: each attempt fails, is recorded and will be retried.
    const auto waiting = admin.WaitForOutbox(
        [](const json& o) {
            for (const auto& m : o["messages"]) {
                if (m["attempts"] < 1) return false;
            }
            return o["messages"].size() == 3;
        },
        kDelivery);
    ASSERT_EQ(waiting["messages"].size(), 3u) << waiting;
    for (const auto& m : waiting["messages"]) {
        EXPECT_EQ(m["status"], "queued");
        EXPECT_GE(m["attempts"], 1);
        EXPECT_NE(m["last_error"].get<std::string>().find("connect"), std::string::npos) << m;
        EXPECT_FALSE(m["next_attempt_at"].is_null());
    }

    SmtpSink sink({.port = port});
    const auto messages = sink.WaitForMessages(3, kDelivery);
    EXPECT_EQ(Recipients(messages),
              (std::set<std::string>{"a@example.org", "b@example.org", "c@example.org"}));
    const auto outbox = admin.WaitForOutbox(
        [](const json& o) { return o["counts"]["sent"] == 3; }, kDelivery);
    EXPECT_EQ(outbox["counts"], json({{"queued", 0}, {"sent", 3}, {"failed", 0}}));
    // Once each: with every message recorded as sent, nothing more can arrive.
    const auto ids = MessageIds(sink.Messages());
    EXPECT_EQ(ids.size(), 3u);
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 3u);
}

TEST(Mail, ARestartInTheMiddleLosesNothingAndSendsNothingTwice) {
    // Mail queued while the SMTP server is down and Convene stops: sent after the restart.
    const auto port = testing::UnusedPort();
    TestServer server(MailConfig(port), {.mail_first_retry = 1s});
    json session;
    {
        Admin admin(server);
        session = admin.CreateSession("Kick-off");
        admin.Invite(session["id"], json::array({"a@example.org", "b@example.org"}));
    }
    server.Stop();
    SmtpSink sink({.port = port, .delay = 25ms});  // slow enough to stop in the middle
    server.Restart();
    EXPECT_EQ(Recipients(sink.WaitForMessages(2, kDelivery)),
              (std::set<std::string>{"a@example.org", "b@example.org"}));

    // A stop while a batch is on its way: what was not sent yet goes after the restart.
    {
        HttpClient client(server.Port(), server.BaseUrl());
        ASSERT_EQ(client.PostJson("/api/auth/login",
                                  {{"email", "ann@example.org"}, {"password", "long enough"}})
                      .status,
                  200);
        json batch = json::array();
        for (int i = 0; i < 40; ++i) batch.push_back("p" + std::to_string(i) + "@example.org");
        ASSERT_EQ(client.PostJson("/api/sessions/" + session["id"].get<std::string>() +
                                      "/invitations",
                                  {{"emails", batch}})
                      .status,
                  202);
    }
    sink.WaitForMessages(4, kDelivery);  // under way
    server.Stop();
    const auto at_stop = sink.Messages().size();
    EXPECT_LT(at_stop, 42u);  // 40 messages at 25 ms each: the stop came in the middle
    server.Restart();
    const auto messages = sink.WaitForMessages(42, kDelivery);
    EXPECT_EQ(Recipients(messages).size(), 42u);
    const auto ids = MessageIds(sink.Messages());
    EXPECT_EQ(ids.size(), 42u);  // a graceful stop finishes the message in hand: none twice
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 42u);
}

TEST(Mail, ARefusedMessageFailsAndAnAdminCanRetryIt) {
    SmtpSink sink;
    sink.Refuse({"gone@example.org"});
    TestServer server(MailConfig(sink.Port()));
    Admin admin(server);
    const auto session = admin.CreateSession("Weekly");
    admin.Invite(session["id"], "gone@example.org");
    auto outbox = admin.WaitForOutbox(
        [](const json& o) { return o["counts"]["failed"] == 1; }, kDelivery);
    ASSERT_EQ(outbox["counts"]["failed"], 1) << outbox;
    const auto failed = outbox["messages"][0];
    EXPECT_EQ(failed["status"], "failed");
    EXPECT_NE(failed["last_error"].get<std::string>().find("550"), std::string::npos) << failed;

    sink.Refuse({});  // the mailbox is back
    auto retried = admin.Client().Request(
        "POST", "/api/admin/outbox/" + failed["id"].get<std::string>() + "/retry");
    ASSERT_EQ(retried.status, 200) << retried.body;
    const auto messages = sink.WaitForMessages(1, kDelivery);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]["message_id"], failed["message_id"]);  // the same message, recognisable
    outbox = admin.WaitForOutbox([](const json& o) { return o["counts"]["sent"] == 1; },
                                 kDelivery);
    EXPECT_EQ(outbox["counts"], json({{"queued", 0}, {"sent", 1}, {"failed", 0}}));
}

/// A mail server that accepts connections and then says nothing, ever.
class SilentServer {
public:
    SilentServer() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || listen(fd_, 8) != 0 ||
            getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
            throw std::runtime_error("cannot listen");
        }
        port_ = ntohs(address.sin_port);
    }
    ~SilentServer() {
        for (int fd : accepted_) close(fd);
        close(fd_);
    }
    std::uint16_t Port() const { return port_; }
    /// Waits for a client to connect (true) or `timeout` to pass (false).
    bool AcceptOne(std::chrono::milliseconds timeout) {
        pollfd waiting{fd_, POLLIN, 0};
        if (poll(&waiting, 1, static_cast<int>(timeout.count())) != 1) return false;
        accepted_.push_back(accept(fd_, nullptr, nullptr));
        return accepted_.back() >= 0;
    }

private:
    int fd_;
    std::uint16_t port_ = 0;
    std::vector<int> accepted_;
};

TEST(Mail, ASilentMailServerHoldsUpNeitherRequestsNorShutdown) {
    SilentServer smtp;
    TestServer server(MailConfig(smtp.Port()));
    std::string session_id;
    {
        Admin admin(server);
        session_id = admin.CreateSession("Standup")["id"];
        const auto ends_at = testing::NowSeconds() + 2s;
        auto ending = admin.Client().PostJson(
            "/api/sessions", {{"title", "Ends"}, {"ends_at", util::FormatRfc3339(ends_at)}});
        ASSERT_EQ(ending.status, 201) << ending.body;
        admin.Invite(session_id, "bob@example.org");
        ASSERT_TRUE(smtp.AcceptOne(kDelivery));  // the relay is now waiting for a greeting
        // Everything else goes on meanwhile.
        EXPECT_EQ(admin.Client().PostJson("/api/sessions", {{"title", "Another"}}).status, 201);
        EXPECT_EQ(admin.Outbox()["counts"]["queued"], 1);
        // The auto-close too: long before libcurl gives up on the greeting (30 s).
        json closed;
        EXPECT_TRUE(testing::Eventually(
            [&] {
                closed = admin.Client().Get("/api/sessions/" + ending.Json()["id"].get<std::string>()).Json();
                return closed["status"] == "closed";
            },
            15s))
            << closed;
        EXPECT_EQ(closed["closed_at"], util::FormatRfc3339(ends_at));
        EXPECT_EQ(admin.Outbox()["counts"]["queued"], 1);
    }
    // libcurl would wait 30 s for the greeting; a stop cuts that short.
    const auto stopping = std::chrono::steady_clock::now();
    server.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, 10s);
    // The message is left as it was, for the next start: not an attempt, not an error.
    storage::Connection db(server.DbPath(), 1s, storage::Connection::Mode::kReadOnly);
    auto& row = db.Prepare("SELECT status, attempts, last_error IS NULL FROM outbox");
    ASSERT_TRUE(row.Step());
    EXPECT_EQ(row.Text(0), "queued");
    EXPECT_EQ(row.Int(1), 0);
    EXPECT_EQ(row.Int(2), 1);
}

TEST(Mail, MailTestPrintsWhatTheServerAnswered) {
    SmtpSink sink;
    sink.Refuse({"gone@example.org"});
    {
        testing::ChildProcess sent(
            {CONVENE_BINARY, "mail", "test", "eve@example.org", "--smtp-url", sink.Url(),
             "--mail-from", "convene@example.org", "--base-url", "https://convene.example.org"});
        EXPECT_EQ(sent.Wait(20s), 0) << sent.Output();
        EXPECT_TRUE(std::regex_search(sent.Output(), std::regex("eve@example.org: 250 .*queued")))
            << sent.Output();
    }
    const auto messages = sink.WaitForMessages(1, kDelivery);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]["rcpt_tos"], json::array({"eve@example.org"}));
    EXPECT_EQ(messages[0]["subject"], "Convene test message");
    EXPECT_NE(messages[0]["text"].get<std::string>().find("https://convene.example.org"),
              std::string::npos);

    testing::ChildProcess refused({CONVENE_BINARY, "mail", "test", "gone@example.org",
                                   "--smtp-url", sink.Url(), "--mail-from",
                                   "convene@example.org"});
    EXPECT_EQ(refused.Wait(20s), 1);
    EXPECT_NE(refused.Output().find("550"), std::string::npos) << refused.Output();

    testing::ChildProcess down({CONVENE_BINARY, "mail", "test", "eve@example.org", "--smtp-url",
                                "smtp://127.0.0.1:" + std::to_string(testing::UnusedPort())});
    EXPECT_EQ(down.Wait(20s), 1);
    EXPECT_NE(down.Output().find("not sent"), std::string::npos) << down.Output();
}

TEST(Mail, StartTlsAndTheLoginOfTheUrl) {
    SmtpSink sink({.tls = true, .login = "convene:s3cret pass"});
    auto config = MailConfig(sink.Port());
    config.smtp_url = "smtp://convene:s3cret%20pass@127.0.0.1:" + std::to_string(sink.Port());
    config.smtp_ca_file = SmtpSink::CertificatePath();
    TestServer server(config);
    Admin admin(server);
    admin.Invite(admin.CreateSession("Secure")["id"], "bob@example.org");
    const auto messages = sink.WaitForMessages(1, kDelivery);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]["rcpt_tos"], json::array({"bob@example.org"}));

    const auto port = std::to_string(sink.Port());
    auto mail_test = [&](const std::string& url, const std::vector<std::string>& more) {
        std::vector<std::string> argv{CONVENE_BINARY,  "mail", "test", "eve@example.org",
                                      "--smtp-url",    url,    "--mail-from",
                                      "convene@example.org"};
        argv.insert(argv.end(), more.begin(), more.end());
        testing::ChildProcess child(std::move(argv));
        const auto status = child.Wait(20s);
        return std::pair{status.value_or(-1), child.Output()};
    };
    const std::vector<std::string> trust{"--smtp-ca-file", SmtpSink::CertificatePath()};
    auto [wrong_status, wrong] = mail_test("smtp://convene:nope@127.0.0.1:" + port, trust);
    EXPECT_EQ(wrong_status, 1);
    EXPECT_NE(wrong.find("535"), std::string::npos) << wrong;  // authentication failed
    auto [untrusted_status, untrusted] =
        mail_test("smtp://convene:s3cret%20pass@127.0.0.1:" + port, {});
    EXPECT_EQ(untrusted_status, 1);  // a certificate nobody vouches for is refused
    EXPECT_NE(untrusted.find("not sent"), std::string::npos) << untrusted;
    EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST(Mail, SmtpsIsTlsFromTheStart) {
    SmtpSink sink({.tls = true, .implicit_tls = true, .login = "convene:s3cret"});
    testing::ChildProcess child(
        {CONVENE_BINARY, "mail", "test", "eve@example.org", "--smtp-url",
         "smtps://convene:s3cret@127.0.0.1:" + std::to_string(sink.Port()), "--mail-from",
         "convene@example.org", "--smtp-ca-file", SmtpSink::CertificatePath()});
    EXPECT_EQ(child.Wait(20s), 0) << child.Output();
    const auto messages = sink.WaitForMessages(1, kDelivery);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]["rcpt_tos"], json::array({"eve@example.org"}));
}

TEST(Mail, APasswordIsNeverSentWithoutTls) {
    SmtpSink sink({.login = "convene:s3cret"});  // accepts AUTH in the clear: we must not
    testing::ChildProcess child({CONVENE_BINARY, "mail", "test", "eve@example.org", "--smtp-url",
                                 "smtp://convene:s3cret@127.0.0.1:" + std::to_string(sink.Port()),
                                 "--mail-from", "convene@example.org"});
    EXPECT_EQ(child.Wait(20s), 1);
    EXPECT_NE(child.Output().find("SSL"), std::string::npos) << child.Output();
    EXPECT_TRUE(sink.Messages().empty());
}

TEST(Mail, MailTestWithoutSmtpWritesAnEmlFile) {
    testing::TempDir dir;
    testing::ChildProcess written(
        {CONVENE_BINARY, "mail", "test", "eve@example.org", "--db", dir.File("c.db")});
    EXPECT_EQ(written.Wait(20s), 0) << written.Output();
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.File("c.db-mail"))) {
        files += entry.path().extension() == ".eml";
    }
    EXPECT_EQ(files, 1u);
    EXPECT_NE(written.Output().find("written to"), std::string::npos) << written.Output();
}

TEST(Mail, ARegistrantGetsTheirTimesAndCalendarInTheirZoneThroughEveryChange) {
    SmtpSink sink;
    TestServer server(MailConfig(sink.Port()));
    Admin admin(server);
    auto& organizer = admin.Client();
    const auto event = organizer.PostJson("/api/events", {{"title", "Spring Workshop"}}).Json();
    const std::string events = "/api/events/" + event["id"].get<std::string>();
    // Tuesday 2 March 2027, 18:00 in Paris (17:00Z), far enough ahead for both reminders.
    const auto added = organizer.PostJson(events + "/sessions", {{"start", "2027-03-02T18:00"},
                                                                 {"timezone", "Europe/Paris"}});
    ASSERT_EQ(added.status, 201) << added.body;
    const std::string session = added.Json()["sessions"][0]["id"];

    HttpClient visitor(server.Port());
    const auto registered = visitor.PostJson(
        "/api/public/events/spring-workshop/registrations",
        {{"session_id", session}, {"name", "Vi Sitor"}, {"email", "vi@example.org"},
         {"timezone", "America/New_York"}});
    ASSERT_EQ(registered.status, 201) << registered.body;
    const std::string link = registered.Json()["link"];

    auto messages = sink.WaitForMessages(1, kDelivery);
    ASSERT_EQ(messages.size(), 1u);
    const auto& confirmation = messages[0];
    EXPECT_EQ(confirmation["rcpt_tos"], json::array({"vi@example.org"}));
    EXPECT_EQ(confirmation["subject"], "You are registered: Spring Workshop");
    EXPECT_EQ(confirmation["content_type"], "multipart/mixed");
    EXPECT_TRUE(confirmation["defects"].empty()) << confirmation;
    EXPECT_NE(confirmation["text"].get<std::string>().find(
                  "Tuesday 2 March 2027, 12:00 (America/New_York, UTC-05:00)"),
              std::string::npos)
        << confirmation["text"];
    EXPECT_NE(confirmation["text"].get<std::string>().find(link), std::string::npos);
    EXPECT_NE(confirmation["html"].get<std::string>().find("href=\"" + link + "\""),
              std::string::npos);
    const auto& invite = confirmation["calendar"];
    ASSERT_TRUE(invite.is_object()) << confirmation;
    EXPECT_EQ(invite["method"], "REQUEST");
    EXPECT_EQ(invite["content_method"], "REQUEST");
    EXPECT_EQ(invite["filename"], "invite.ics");
    EXPECT_EQ(invite["events"], 1);
    EXPECT_EQ(invite["sequence"], 0);
    EXPECT_EQ(invite["start"], "2027-03-02T17:00:00+00:00");
    EXPECT_EQ(invite["end"], "2027-03-02T18:00:00+00:00");
    EXPECT_EQ(invite["summary"], "Spring Workshop");
    EXPECT_EQ(invite["status"], "CONFIRMED");
    EXPECT_EQ(invite["url"], link);
    EXPECT_EQ(invite["attendee"], "mailto:vi@example.org");
    const std::string uid = invite["uid"];

    // Moved an hour later: an update of the same calendar entry, one SEQUENCE up.
    const auto moved = organizer.Request(
        "PATCH", events + "/sessions/" + session, json{{"start", "2027-03-02T19:00"}}.dump(),
        {{"Content-Type", "application/json"}});
    ASSERT_EQ(moved.status, 200) << moved.body;
    messages = sink.WaitForMessages(2, kDelivery);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[1]["subject"], "New time: Spring Workshop");
    EXPECT_NE(messages[1]["text"].get<std::string>().find("Tuesday 2 March 2027, 13:00 (America"),
              std::string::npos);
    EXPECT_EQ(messages[1]["calendar"]["uid"], uid);
    EXPECT_EQ(messages[1]["calendar"]["sequence"], 1);
    EXPECT_EQ(messages[1]["calendar"]["start"], "2027-03-02T18:00:00+00:00");

    // Cancelled: the same entry is taken out of their calendar, and nothing else is due.
    const auto cancelled =
        organizer.PostJson(events + "/sessions/" + session + "/cancel?confirm=true", json::object());
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    messages = sink.WaitForMessages(3, kDelivery);
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[2]["subject"], "Cancelled: Spring Workshop");
    EXPECT_EQ(messages[2]["calendar"]["method"], "CANCEL");
    EXPECT_EQ(messages[2]["calendar"]["content_method"], "CANCEL");
    EXPECT_EQ(messages[2]["calendar"]["status"], "CANCELLED");
    EXPECT_EQ(messages[2]["calendar"]["uid"], uid);
    EXPECT_EQ(messages[2]["calendar"]["sequence"], 2);
    const auto outbox =
        admin.WaitForOutbox([](const json& o) { return o["counts"]["sent"] == 3; }, kDelivery);
    EXPECT_EQ(outbox["counts"], json({{"queued", 0}, {"sent", 3}, {"failed", 0}}));
    // The personal link now shows the cancelled page.
    const auto page = visitor.Get(link.substr(link.find("/r/")));
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("cancelled.js"), std::string::npos);
}

}  // namespace
}  // namespace convene
