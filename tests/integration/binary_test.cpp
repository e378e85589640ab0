// The real `convene` executable: its command line, start-up checks and graceful shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "child_process.hpp"
#include "convene_process.hpp"
#include "convene/storage/connection.hpp"
#include "convene/storage/migrator.hpp"
#include "http_client.hpp"
#include "temp_dir.hpp"

namespace convene {
namespace {

using namespace std::chrono_literals;

/// The convene binary with these arguments.
class Child : public testing::ChildProcess {
public:
    explicit Child(std::vector<std::string> args, const std::string& stdin_file = {})
        : ChildProcess(WithBinary(std::move(args)), stdin_file) {}

private:
    static std::vector<std::string> WithBinary(std::vector<std::string> args) {
        args.insert(args.begin(), CONVENE_BINARY);
        return args;
    }
};

TEST(Binary, VersionPrintsVersionAndSchema) {
    Child child({"--version"});
    EXPECT_EQ(child.Wait(10s), 0);
    EXPECT_TRUE(std::regex_search(child.Output(), std::regex(R"(^convene \d+\.\d+\.\d+ \(schema \d+\)\n$)")))
        << child.Output();
}

TEST(Binary, HelpListsCommandsAndFlags) {
    Child child({"--help"});
    EXPECT_EQ(child.Wait(10s), 0);
    for (const char* text : {"serve", "--listen", "--db", "--base-url", "--smtp-url"}) {
        EXPECT_NE(child.Output().find(text), std::string::npos) << text;
    }
}

TEST(Binary, ABadFlagStopsStartUpWithOneLine) {
    Child child({"--listen", "not-an-address"});
    EXPECT_EQ(child.Wait(10s), 2);
    const auto output = child.Output();
    EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
    EXPECT_NE(output.find("--listen"), std::string::npos);
}

TEST(Binary, ADatabaseFromANewerConveneIsRefusedAndLeftUntouched) {
    testing::TempDir dir;
    const auto path = dir.File("future.db");
    {
        storage::Connection db(path, 1000ms);
        db.Execute("PRAGMA journal_mode = DELETE; PRAGMA user_version = 999");
    }
    const auto before = testing::ReadFile(path);
    Child child({"--db", path, "--listen", "127.0.0.1:0"});
    EXPECT_EQ(child.Wait(10s), 1);
    EXPECT_NE(child.Output().find("newer"), std::string::npos) << child.Output();
    EXPECT_EQ(testing::ReadFile(path), before);
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST(Binary, SigtermFinishesCleanlyWithinFiveSeconds) {
    testing::TempDir dir;
    Child child({"--db", dir.File("c.db"), "--listen", "127.0.0.1:0", "--log-level", "info"});
    auto listening = child.WaitForLine(std::regex(R"(listening on 127\.0\.0\.1:(\d+))"), 20s);
    ASSERT_TRUE(listening) << child.Output();
    const auto port = static_cast<std::uint16_t>(std::stoi((*listening)[1]));

    // An idle keep-alive connection must not hold the shutdown up.
    testing::HttpClient idle(port);
    ASSERT_EQ(idle.Get("/healthz").status, 200);

    const auto started = std::chrono::steady_clock::now();
    child.Signal(SIGTERM);
    const auto code = child.Wait(10s);
    EXPECT_EQ(code, 0) << child.Output();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_NE(child.Output().find("stopped"), std::string::npos) << child.Output();
    // No --base-url: links would point at 127.0.0.1, and the log says so at start-up.
    EXPECT_NE(child.Output().find("loopback address"), std::string::npos) << child.Output();
    // The WAL was checkpointed into the main file on the way out.
    std::error_code ec;
    const auto wal = std::filesystem::file_size(dir.File("c.db-wal"), ec);
    EXPECT_TRUE(ec || wal == 0) << wal;
}

TEST(Binary, AnAddressInUseIsAClearStartUpError) {
    testing::TempDir dir;
    Child first({"--db", dir.File("a.db"), "--listen", "127.0.0.1:0"});
    auto listening = first.WaitForLine(std::regex(R"(listening on 127\.0\.0\.1:(\d+))"), 20s);
    ASSERT_TRUE(listening) << first.Output();
    Child second({"--db", dir.File("b.db"), "--listen", "127.0.0.1:" + std::string((*listening)[1])});
    EXPECT_EQ(second.Wait(10s), 1);
    EXPECT_NE(second.Output().find("cannot listen"), std::string::npos) << second.Output();
}

TEST(Binary, BackupWhileServingThenRestoreOnceStopped) {
    testing::TempDir dir;
    const auto db = dir.File("live.db");
    const auto copy = dir.File("copy.db");
    testing::ConveneProcess server({"--db", db});
    auto port = server.Start();
    testing::HttpClient owner(port, "http://127.0.0.1:" + std::to_string(port));
    ASSERT_EQ(owner.PostJson("/api/auth/signup", {{"email", "ann@example.org"},
                                                  {"password", "long enough"},
                                                  {"name", "Ann"}})
                  .status,
              201);
    const std::string kept = owner.PostJson("/api/sessions", {{"title", "Kept"}}).Json()["id"];

    // A second server on the same file is refused: two would each think they own the timers.
    Child second({"serve", "--db", db, "--listen", "127.0.0.1:0"});
    EXPECT_EQ(second.Wait(30s), 1) << second.Output();
    EXPECT_NE(second.Output().find("another Convene server is running"), std::string::npos)
        << second.Output();

    // Backing up while it serves.
    Child backup({"backup", copy, "--db", db});
    ASSERT_EQ(backup.Wait(30s), 0) << backup.Output();
    EXPECT_NE(backup.Output().find("backed up"), std::string::npos) << backup.Output();
    EXPECT_FALSE(std::filesystem::exists(copy + ".partial"));
    // Restoring is refused while it serves, and changes nothing.
    Child refused({"restore", copy, "--db", db});
    EXPECT_EQ(refused.Wait(30s), 1);
    EXPECT_NE(refused.Output().find("is running"), std::string::npos) << refused.Output();

    const std::string later = owner.PostJson("/api/sessions", {{"title", "Later"}}).Json()["id"];
    ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();

    // A file that is not a database is refused, and nothing changes.
    const auto junk = dir.File("junk.db");
    std::ofstream(junk) << "not a database at all, but long enough to look like a header......";
    Child bad({"restore", junk, "--db", db});
    EXPECT_EQ(bad.Wait(30s), 1) << bad.Output();

    Child restore({"restore", copy, "--db", db});
    ASSERT_EQ(restore.Wait(30s), 0) << restore.Output();
    port = server.Start();
    testing::HttpClient again(port, "http://127.0.0.1:" + std::to_string(port));
    ASSERT_EQ(again.PostJson("/api/auth/login", {{"email", "ann@example.org"},
                                                 {"password", "long enough"}})
                  .status,
              200);
    EXPECT_EQ(again.Get("/api/sessions/" + kept).status, 200);
    EXPECT_EQ(again.Get("/api/sessions/" + later).status, 404);  // made after the backup
    ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();
}

TEST(Binary, MigrateListsWhatItWouldApplyThenAppliesIt) {
    testing::TempDir dir;
    const auto path = dir.File("old.db");
    const int latest = storage::LatestSchemaVersion();
    {
        // A database one version behind this binary.
        storage::Connection db(path, 1000ms);
        auto older = storage::EmbeddedMigrations();
        older.pop_back();
        storage::Migrate(db, older);
    }
    Child dry({"migrate", "--dry-run", "--db", path});
    ASSERT_EQ(dry.Wait(30s), 0) << dry.Output();
    const auto migrations = storage::EmbeddedMigrations();
    const auto& newest = migrations.back();
    char number[8];
    std::snprintf(number, sizeof number, "%04d_", newest.version);
    const auto name = number + newest.name;  // as in migrations/: 0012_health_probe
    EXPECT_NE(dry.Output().find("would apply:\n  " + name), std::string::npos) << dry.Output();
    EXPECT_EQ(storage::PeekSchemaVersion(path), latest - 1);  // nothing changed

    Child apply({"migrate", "--db", path});
    ASSERT_EQ(apply.Wait(30s), 0) << apply.Output();
    EXPECT_NE(apply.Output().find("applied:\n  " + name), std::string::npos) << apply.Output();
    EXPECT_EQ(storage::PeekSchemaVersion(path), latest);

    Child again({"migrate", "--dry-run", "--db", path});
    ASSERT_EQ(again.Wait(30s), 0) << again.Output();
    EXPECT_NE(again.Output().find("nothing to apply"), std::string::npos) << again.Output();
}

TEST(Binary, UserCreateMakesTheAdminOfAServerWithSignupClosed) {
    testing::TempDir dir;
    const auto db = dir.File("closed.db");
    const auto password = dir.File("password");
    std::ofstream(password) << "a long admin pass\n";
    Child create({"user", "create", "ops@example.org", "--admin", "--db", db}, password);
    ASSERT_EQ(create.Wait(30s), 0) << create.Output();
    EXPECT_NE(create.Output().find("admin account ops@example.org created"), std::string::npos)
        << create.Output();
    EXPECT_EQ(create.Output().find("a long admin pass"), std::string::npos);
    Child again({"user", "create", "OPS@example.org", "--db", db}, password);
    EXPECT_EQ(again.Wait(30s), 1);
    EXPECT_NE(again.Output().find("already exists"), std::string::npos) << again.Output();
    const auto empty = dir.File("empty");
    std::ofstream{empty};
    Child nothing({"user", "create", "ann@example.org", "--db", db}, empty);
    EXPECT_EQ(nothing.Wait(30s), 1);
    EXPECT_NE(nothing.Output().find("no password"), std::string::npos) << nothing.Output();

    testing::ConveneProcess server({"--db", db, "--signup", "closed"});
    const auto port = server.Start();
    testing::HttpClient visitor(port, "http://127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(visitor.Get("/api/auth/options").Json()["signup"], "closed");
    const auto refused = visitor.PostJson(
        "/api/auth/signup",
        {{"email", "ann@example.org"}, {"password", "long enough"}, {"name", "Ann"}});
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.Json()["error"]["code"], "signup_closed");
    const auto admin = visitor.PostJson(
        "/api/auth/login", {{"email", "ops@example.org"}, {"password", "a long admin pass"}});
    ASSERT_EQ(admin.status, 200) << admin.body;
    EXPECT_EQ(admin.Json()["role"], "admin");
    EXPECT_EQ(admin.Json()["name"], "ops");
    // A member made while the server runs signs in at once.
    std::ofstream(password) << "member password\n";
    Child member({"user", "create", "bo@example.org", "--name", "Bo", "--db", db}, password);
    ASSERT_EQ(member.Wait(30s), 0) << member.Output();
    testing::HttpClient bo(port, "http://127.0.0.1:" + std::to_string(port));
    const auto signed_in = bo.PostJson(
        "/api/auth/login", {{"email", "bo@example.org"}, {"password", "member password"}});
    ASSERT_EQ(signed_in.status, 200) << signed_in.body;
    EXPECT_EQ(signed_in.Json()["role"], "member");
    ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();
}

TEST(Binary, JsonLogsAreOneObjectALineWithTheRequestId) {
    testing::TempDir dir;
    testing::ConveneProcess server({"--db", dir.File("j.db"), "--log-format", "json"});
    const auto port = server.Start();
    testing::HttpClient client(port);
    auto missing = client.Get("/api/sessions/nothing");
    ASSERT_EQ(missing.status, 401);
    const auto request_id = missing.Header("x-request-id").value_or("");
    ASSERT_FALSE(request_id.empty());
    EXPECT_EQ(missing.Json()["error"]["request_id"], request_id);  // and in the error body
    ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();

    std::istringstream lines(server.Log());
    int access_lines = 0;
    for (std::string line; std::getline(lines, line);) {
        auto json = nlohmann::json::parse(line, nullptr, false);
        ASSERT_TRUE(json.is_object()) << line;
        EXPECT_TRUE(json["time"].is_string() && json["level"].is_string() && json["msg"].is_string())
            << line;
        if (json["msg"].get<std::string>().find("GET /api/sessions/nothing 401") != std::string::npos) {
            ++access_lines;
            EXPECT_EQ(json["request_id"], request_id) << line;
        }
    }
    EXPECT_EQ(access_lines, 1) << server.Log();
}

TEST(Binary, TheLogHoldsNoSecret) {
    testing::TempDir dir;
    const std::string base = "http://convene.test";
    testing::ConveneProcess server({"--db", dir.File("s.db"), "--base-url", base});
    const auto port = server.Start();

    const std::string password = "correct horse battery";
    testing::HttpClient owner(port, base);
    ASSERT_EQ(owner.PostJson("/api/auth/signup", {{"email", "ann@example.org"},
                                                  {"password", password},
                                                  {"name", "Ann"}})
                  .status,
              201);
    const std::string wrong = "not my password at all";
    testing::HttpClient guesser(port);
    EXPECT_EQ(guesser.PostJson("/api/auth/login", {{"email", "ann@example.org"}, {"password", wrong}})
                  .status,
              401);
    auto session = owner.PostJson("/api/sessions", {{"title", "Secrets"}}).Json();
    const std::string join_url = session["join_url"];
    const auto link = join_url.substr(join_url.rfind('/') + 1);
    testing::HttpClient phone(port);
    EXPECT_EQ(phone.Get("/j/" + link).status, 200);
    auto joined = phone.PostJson("/api/join", {{"link", link}});
    ASSERT_EQ(joined.status, 200) << joined.body;
    auto token = owner.PostJson("/api/tokens", {{"name", "script"}});
    ASSERT_EQ(token.status, 201) << token.body;
    ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();

    const auto& log = server.Log();
    EXPECT_NE(log.find("GET /j/\u2026 200"), std::string::npos) << log;  // logged, redacted
    for (const auto& secret :
         {password, wrong, owner.Cookies().at("convene_session"), link,
          joined.Json()["participant_token"].get<std::string>(),
          token.Json()["token"].get<std::string>()}) {
        EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in\n" << log;
    }
}

}  // namespace
}  // namespace convene
