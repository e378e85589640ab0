#include "convene/app/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace convene::app {
namespace {

Command Parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    return ParseCommandLine(args, [env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    });
}

Config Serve(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    auto command = Parse(std::move(args), std::move(env));
    if (auto* error = std::get_if<UsageError>(&command)) ADD_FAILURE() << error->message;
    auto* serve = std::get_if<ServeCommand>(&command);
    return serve ? serve->config : Config{};
}

std::string Error(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    auto command = Parse(std::move(args), std::move(env));
    auto* error = std::get_if<UsageError>(&command);
    return error ? error->message : "";
}

TEST(Config, DefaultsMatchTheContract) {
    const auto config = Serve({});
    EXPECT_EQ(config.host, "127.0.0.1");
    EXPECT_EQ(config.port, 8080);
    EXPECT_EQ(config.db_path, "convene.db");
    EXPECT_EQ(config.base_url, "");
    EXPECT_EQ(config.max_body, 1024u * 1024u);
    EXPECT_FALSE(config.sqlite_synchronous_full);
}

TEST(Config, SqliteSynchronousIsNormalOrFull) {
    EXPECT_TRUE(Serve({"--sqlite-synchronous", "full"}).sqlite_synchronous_full);
    EXPECT_FALSE(Serve({"--sqlite-synchronous", "normal"}).sqlite_synchronous_full);
    EXPECT_TRUE(Serve({}, {{"CONVENE_SQLITE_SYNCHRONOUS", "full"}}).sqlite_synchronous_full);
    EXPECT_NE(Error({"--sqlite-synchronous", "off"}).find("expected normal or full"),
              std::string::npos);
}

TEST(Config, ServeIsTheDefaultCommand) {
    EXPECT_EQ(Serve({"serve", "--db", "x.db"}).db_path, "x.db");
    EXPECT_EQ(Serve({"--db=y.db"}).db_path, "y.db");
}

TEST(Config, EnvironmentIsReadAndFlagsWin) {
    const std::map<std::string, std::string> env = {{"CONVENE_LISTEN", "0.0.0.0:9000"},
                                                    {"CONVENE_DB", "/var/lib/convene/c.db"},
                                                    {"CONVENE_BASE_URL", "https://c.example/"},
                                                    {"CONVENE_SMTP_URL", "smtp://mail:25"}};
    auto config = Serve({}, env);
    EXPECT_EQ(config.host, "0.0.0.0");
    EXPECT_EQ(config.port, 9000);
    EXPECT_EQ(config.db_path, "/var/lib/convene/c.db");
    EXPECT_EQ(config.base_url, "https://c.example");
    EXPECT_EQ(config.smtp_url, "smtp://mail:25");
    config = Serve({"--listen", "127.0.0.1:7000"}, env);
    EXPECT_EQ(config.port, 7000);
    EXPECT_EQ(Serve({"--listen", "[::1]:7001"}).host, "::1");
}

TEST(Config, BadValuesGiveOneClearLine) {
    EXPECT_NE(Error({"--listen", "nowhere"}).find("--listen"), std::string::npos);
    EXPECT_NE(Error({"--listen", "1.2.3.4:70000"}).find("port"), std::string::npos);
    EXPECT_NE(Error({"--base-url", "example.org"}).find("--base-url"), std::string::npos);
    EXPECT_NE(Error({"--smtp-url", "http://x"}).find("--smtp-url"), std::string::npos);
    EXPECT_NE(Error({"--smtp-ca-file", "/no/such.pem"}).find("no such file"), std::string::npos);
    EXPECT_NE(Error({"--threads", "0"}).find("--threads"), std::string::npos);
    EXPECT_NE(Error({"--log-level", "loud"}).find("--log-level"), std::string::npos);
    EXPECT_NE(Error({"--web-dir", "/no/such/folder"}).find("--web-dir"), std::string::npos);
    EXPECT_NE(Error({"--max-body", "12x"}).find("--max-body"), std::string::npos);
    EXPECT_NE(Error({}, {{"CONVENE_LISTEN", "x"}}).find("CONVENE_LISTEN"), std::string::npos);
    EXPECT_NE(Error({"--bogus"}).find("unknown flag"), std::string::npos);
    EXPECT_NE(Error({"frobnicate"}).find("unknown command"), std::string::npos);
    EXPECT_NE(Error({"--db"}).find("needs a value"), std::string::npos);
    for (const auto& message : {Error({"--listen", "x"}), Error({"--bogus"})}) {
        EXPECT_EQ(message.find('\n'), std::string::npos);
    }
}

TEST(Config, TrustedProxiesAreIpAddresses) {
    EXPECT_EQ(Serve({"--trusted-proxy", "127.0.0.1,::1"}).trusted_proxies,
              (std::vector<std::string>{"127.0.0.1", "::1"}));
    EXPECT_NE(Error({"--trusted-proxy", "proxy.local"}).find("--trusted-proxy"), std::string::npos);
    EXPECT_NE(Error({"--trusted-proxy", "10.0.0.1,"}).find("--trusted-proxy"), std::string::npos);
}

TEST(Config, MailTestTakesAnAddressAndTheServeFlags) {
    const auto command = Parse({"mail", "test", "ann@example.org", "--smtp-url", "smtp://mx:25"},
                               {{"CONVENE_MAIL_FROM", "convene@example.org"}});
    const auto* mail_test = std::get_if<MailTestCommand>(&command);
    ASSERT_NE(mail_test, nullptr);
    EXPECT_EQ(mail_test->address, "ann@example.org");
    EXPECT_EQ(mail_test->config.smtp_url, "smtp://mx:25");
    EXPECT_EQ(mail_test->config.mail_from, "convene@example.org");
    EXPECT_NE(Error({"mail"}).find("usage: convene mail test ADDRESS"), std::string::npos);
    EXPECT_NE(Error({"mail", "send", "a@example.org"}).find("usage"), std::string::npos);
    EXPECT_NE(Error({"mail", "test", "--smtp-url", "smtp://mx"}).find("usage"), std::string::npos);
    EXPECT_NE(Error({"mail", "test", "not-an-address"}).find("not an email address"),
              std::string::npos);
    EXPECT_NE(HelpText().find("mail test ADDRESS"), std::string::npos);
}

TEST(Config, BackupAndRestoreTakeAFileAndTheDatabase) {
    const auto backup = Parse({"backup", "/var/backups/convene.db", "--db", "/srv/convene.db"});
    const auto* backing_up = std::get_if<BackupCommand>(&backup);
    ASSERT_NE(backing_up, nullptr);
    EXPECT_EQ(backing_up->file, "/var/backups/convene.db");
    EXPECT_EQ(backing_up->config.db_path, "/srv/convene.db");
    const auto restore = Parse({"restore", "b.db"}, {{"CONVENE_DB", "/srv/convene.db"}});
    const auto* restoring = std::get_if<RestoreCommand>(&restore);
    ASSERT_NE(restoring, nullptr);
    EXPECT_EQ(restoring->file, "b.db");
    EXPECT_EQ(restoring->config.db_path, "/srv/convene.db");
    EXPECT_NE(Error({"backup"}).find("usage: convene backup FILE"), std::string::npos);
    EXPECT_NE(Error({"restore", "--db", "x.db"}).find("usage: convene restore FILE"),
              std::string::npos);
    EXPECT_NE(HelpText().find("backup FILE"), std::string::npos);
}

TEST(Config, MigrateMayBeADryRun) {
    const auto dry = Parse({"migrate", "--dry-run", "--db", "/srv/convene.db"});
    const auto* listing = std::get_if<MigrateCommand>(&dry);
    ASSERT_NE(listing, nullptr);
    EXPECT_TRUE(listing->dry_run);
    EXPECT_EQ(listing->config.db_path, "/srv/convene.db");
    const auto real = Parse({"migrate"});
    ASSERT_NE(std::get_if<MigrateCommand>(&real), nullptr);
    EXPECT_FALSE(std::get<MigrateCommand>(real).dry_run);
    // --dry-run means something to migrate only.
    EXPECT_NE(Error({"serve", "--dry-run"}).find("unknown flag '--dry-run'"), std::string::npos);
}

TEST(Config, SignupIsOpenInviteOrClosed) {
    EXPECT_EQ(Serve({}).signup, "open");
    EXPECT_EQ(Serve({"--signup", "closed"}).signup, "closed");
    EXPECT_EQ(Serve({}, {{"CONVENE_SIGNUP", "invite"}}).signup, "invite");
    EXPECT_NE(Error({"--signup", "nobody"}).find("expected open, invite or closed"),
              std::string::npos);
}

TEST(Config, UserCreateTakesAnAddressARoleAndAName) {
    const auto admin = Parse({"user", "create", "ops@example.org", "--admin", "--db", "/srv/c.db"});
    const auto* made = std::get_if<UserCreateCommand>(&admin);
    ASSERT_NE(made, nullptr);
    EXPECT_EQ(made->email, "ops@example.org");
    EXPECT_TRUE(made->admin);
    EXPECT_EQ(made->name, "ops");  // the local part when no --name
    EXPECT_EQ(made->config.db_path, "/srv/c.db");

    const auto member = Parse({"user", "create", "ann@example.org", "--name=Ann Lee"});
    ASSERT_NE(std::get_if<UserCreateCommand>(&member), nullptr);
    EXPECT_FALSE(std::get<UserCreateCommand>(member).admin);
    EXPECT_EQ(std::get<UserCreateCommand>(member).name, "Ann Lee");

    EXPECT_NE(Error({"user", "create"}).find("usage: convene user create"), std::string::npos);
    EXPECT_NE(Error({"user", "delete", "a@b.org"}).find("usage"), std::string::npos);
    EXPECT_NE(Error({"user", "create", "nobody"}).find("not an email address"),
              std::string::npos);
    EXPECT_NE(Error({"user", "create", "a@b.org", "--name"}).find("needs a value"),
              std::string::npos);
    // --admin means something to user create only.
    EXPECT_NE(Error({"serve", "--admin"}).find("unknown flag '--admin'"), std::string::npos);
    EXPECT_NE(HelpText().find("user create EMAIL"), std::string::npos);
}

TEST(Config, HelpAndVersion) {
    EXPECT_TRUE(std::holds_alternative<HelpCommand>(Parse({"--help"})));
    EXPECT_TRUE(std::holds_alternative<HelpCommand>(Parse({"serve", "-h"})));
    EXPECT_TRUE(std::holds_alternative<VersionCommand>(Parse({"--version"})));
    const auto help = HelpText();
    for (const char* flag : {"serve", "--listen", "--db", "--base-url", "--smtp-url", "--web-dir",
                             "CONVENE_DB", "--version"}) {
        EXPECT_NE(help.find(flag), std::string::npos) << flag;
    }
    EXPECT_TRUE(VersionText().starts_with("convene "));
    EXPECT_NE(VersionText().find("(schema "), std::string::npos);
}

}  // namespace
}  // namespace convene::app
