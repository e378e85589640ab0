// Faults of the machine under the real binary: a disk that fills up while it serves.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include "convene/storage/connection.hpp"
#include "convene/util/time.hpp"
#include "convene_process.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "temp_dir.hpp"

namespace convene {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using testing::Eventually;
using testing::HttpClient;
using testing::NowSeconds;

constexpr const char* kBaseUrl = "http://convene.test";

/// A small file system of its own (tmpfs), so that filling it up touches nothing else.
/// Mounting needs root, as the test command runs.
class SmallDisk {
public:
    explicit SmallDisk(const std::filesystem::path& at, const std::string& size) : path_(at) {
        std::filesystem::create_directories(path_);
        const auto options = "size=" + size;
        if (mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
            throw std::runtime_error("cannot mount a tmpfs (the test needs root): " +
                                     std::string(std::strerror(errno)));
        }
    }
    ~SmallDisk() { umount2(path_.c_str(), MNT_DETACH); }
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;

    std::string File(const std::string& name) const { return (path_ / name).string(); }

    /// Writes a file until the disk has no room left.
    void Fill() {
        std::FILE* out = std::fopen(File("filler").c_str(), "wb");
        const std::string chunk(4096, 'x');
        while (std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size() &&
               std::fflush(out) == 0) {
        }
        std::fclose(out);
    }
    void Free() { std::filesystem::remove(File("filler")); }

private:
    std::filesystem::path path_;
};

/// An ext4 file system in an image file on a loop device, mounted to turn read-only on an
/// error, as a server's disk does when it fails. Needs root and a free loop device.
class Ext4Disk {
public:
    explicit Ext4Disk(const std::filesystem::path& folder) : path_(folder / "disk") {
        const auto image = (folder / "disk.img").string();
        std::filesystem::create_directories(path_);
        Run({"/usr/bin/truncate", "-s", "32M", image});
        Run({"/usr/sbin/mkfs.ext4", "-q", image});
        Run({"/usr/bin/mount", "-o", "loop,errors=remount-ro", image, path_.string()});
        auto source = Run({"/usr/bin/findmnt", "-n", "-o", "SOURCE", path_.string()});
        device_ = std::filesystem::path(source.substr(0, source.find('\n'))).filename();
    }
    ~Ext4Disk() { Run({"/usr/bin/umount", path_.string()}, false); }
    Ext4Disk(const Ext4Disk&) = delete;
    Ext4Disk& operator=(const Ext4Disk&) = delete;

    std::string File(const std::string& name) const { return (path_ / name).string(); }

    /// What ext4 does on an I/O error: the kernel remounts it read-only, open files included.
    void FailIntoReadOnly() {
        std::ofstream("/sys/fs/ext4/" + device_ + "/trigger_fs_error") << "convene test";
    }

private:
    static std::string Run(std::vector<std::string> argv, bool check = true) {
        testing::ChildProcess child(argv);
        const auto code = child.Wait(60s);
        if (check && code != 0) {
            throw std::runtime_error(argv[0] + " failed (the test needs root): " + child.Output());
        }
        return child.Output();
    }

    std::filesystem::path path_;
    std::string device_;
};

/// Signs `owner` up and creates a session while the disk is fine; the creation's answer.
testing::HttpResult SignUpWithASession(HttpClient& owner, const std::string& email) {
    auto signed_up = owner.PostJson(
        "/api/auth/signup", {{"email", email}, {"password", "long enough"}, {"name", "Owner"}});
    if (signed_up.status != 201) return signed_up;
    return owner.PostJson("/api/sessions", {{"title", "Written before"}});
}

TEST(Faults, AFullDiskAnswers503KeepsServingReadsAndRecoversWhenThereIsRoomAgain) {
    testing::TempDir dir;
    SmallDisk disk(dir.Path() / "disk", "8m");
    const auto db_path = disk.File("convene.db");
    testing::ConveneProcess server({"--db", db_path, "--base-url", kBaseUrl});
    const auto port = server.Start();

    HttpClient owner(port, kBaseUrl);
    const auto kept = SignUpWithASession(owner, "full@example.org");
    ASSERT_EQ(kept.status, 201) << kept.body;
    const std::string kept_id = kept.Json()["id"];
    // Its end date passes while the disk is full: it must close once there is room again.
    const auto ends_at = NowSeconds() + 3s;
    auto ending = owner.PostJson("/api/sessions", {{"title", "Ends while full"},
                                                   {"ends_at", util::FormatRfc3339(ends_at)}});
    ASSERT_EQ(ending.status, 201) << ending.body;
    const std::string ending_id = ending.Json()["id"];

    // A token never used yet: its first use records when, which must not turn a read into a 503.
    auto token = owner.PostJson("/api/tokens", {{"name", "script"}});
    ASSERT_EQ(token.status, 201) << token.body;
    const std::string bearer = "Bearer " + token.Json()["token"].get<std::string>();
    // A participant who will come back, and an event page that counts its visitors.
    HttpClient phone(port);
    auto joined = phone.PostJson("/api/join", {{"code", kept.Json()["code"]}});
    ASSERT_EQ(joined.status, 200) << joined.body;
    auto event = owner.PostJson("/api/events", {{"title", "Full disk day"}});
    ASSERT_EQ(event.status, 201) << event.body;
    const std::string event_page =
        "/api/public/events/" + event.Json()["slug"].get<std::string>() + "?visitor=v1";

    disk.Fill();
    // Writes fail once SQLite needs room it cannot get (the WAL may reuse some space first);
    // each failure is a clear 503, and what was answered 201 stays readable.
    std::vector<std::string> created;
    testing::HttpResult refused;
    for (int i = 0; i < 2000 && refused.status == 0; ++i) {
        auto answer = owner.PostJson("/api/sessions", {{"title", std::string(150, 'f')}});
        if (answer.status == 201) {
            created.push_back(answer.Json()["id"]);
        } else {
            refused = answer;
        }
    }
    ASSERT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.ErrorCode(), "storage_unavailable");
    EXPECT_TRUE(refused.Header("retry-after")) << refused.body;
    EXPECT_TRUE(refused.Json()["error"]["request_id"].is_string());
    // Joining writes a participant: refused the same way, not a 500.
    auto join = phone.PostJson("/api/join", {{"code", kept.Json()["code"]}});
    EXPECT_EQ(join.status, 503) << join.body;
    // Coming back only refreshes when they were last seen: they are let in.
    auto back = phone.PostJson("/api/join", {{"participant_token", joined.Json()["participant_token"]}});
    EXPECT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(back.Json()["returning"], true);

    // Reads go on: sessions, the account, pages, health.
    EXPECT_EQ(owner.Get("/api/sessions/" + kept_id).status, 200);
    EXPECT_EQ(owner.Get("/api/me").status, 200);
    HttpClient script(port);
    auto me = script.Request("GET", "/api/me", {}, {{"Authorization", bearer}});
    EXPECT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(owner.Get("/api/sessions?status=open").status, 200);
    EXPECT_EQ(owner.Get("/").status, 200);
    EXPECT_EQ(phone.Get(event_page).status, 200);
    for (const auto& id : created) EXPECT_EQ(owner.Get("/api/sessions/" + id).status, 200) << id;
    // Still serving reads: not taken out of rotation (the probe's one-row write may still
    // find room in the WAL, so whether it says writable is not asserted here).
    auto ready = script.Get("/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_NE(ready.Json()["status"], "unavailable") << ready.body;

    // The end date passes with no room to record the close.
    std::this_thread::sleep_until(std::chrono::system_clock::time_point(ends_at + 1s));
    disk.Free();
    // Room again: writes succeed without a restart, and the overdue close happens.
    EXPECT_TRUE(Eventually(
        [&] { return owner.PostJson("/api/sessions", {{"title", "After"}}).status == 201; }, 10s));
    json closed;
    EXPECT_TRUE(Eventually(
        [&] {
            closed = owner.Get("/api/sessions/" + ending_id).Json();
            return closed["status"] == "closed";
        },
        15s))
        << closed;
    EXPECT_EQ(closed["closed_at"], util::FormatRfc3339(ends_at));

    ASSERT_EQ(server.Stop(SIGTERM), 0) << server.Log();
    EXPECT_NE(server.Log().find("storage"), std::string::npos) << server.Log();
    storage::Connection db(db_path, 5000ms);
    EXPECT_EQ(db.Prepare("PRAGMA integrity_check").ReadOne([](storage::Statement& s) {
        return s.Text(0);
    }),
              "ok");
}

TEST(Faults, AFileSystemTurnedReadOnlyAnswers503AndKeepsServingReads) {
    testing::TempDir dir;
    Ext4Disk disk(dir.Path());
    testing::ConveneProcess server({"--db", disk.File("convene.db"), "--base-url", kBaseUrl});
    const auto port = server.Start();

    HttpClient owner(port, kBaseUrl);
    const auto kept = SignUpWithASession(owner, "ro@example.org");
    ASSERT_EQ(kept.status, 201) << kept.body;
    const std::string kept_id = kept.Json()["id"];

    disk.FailIntoReadOnly();
    auto refused = owner.PostJson("/api/sessions", {{"title", "After"}});
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.ErrorCode(), "storage_unavailable");
    EXPECT_TRUE(refused.Header("retry-after")) << refused.body;
    auto close = owner.PostJson("/api/sessions/" + kept_id + "/close", json::object());
    EXPECT_EQ(close.status, 503) << close.body;

    auto read = owner.Get("/api/sessions/" + kept_id);
    EXPECT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.Json()["status"], "open");
    EXPECT_EQ(owner.Get("/api/me").status, 200);
    EXPECT_EQ(owner.Get("/").status, 200);
    HttpClient phone(port);
    EXPECT_EQ(phone.Get("/api/sessions/" + kept_id).status, 401);
    // Readiness tells: still serving (200), but the database takes no writes.
    auto ready = phone.Get("/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(ready.Json()["status"], "degraded") << ready.body;
    EXPECT_EQ(ready.Json()["checks"]["database"]["writable"], false) << ready.body;
    const std::string error = ready.Json()["checks"]["database"]["error"];
    EXPECT_TRUE(error == "read_only" || error == "disk") << error;

    // A clean stop still: what cannot be written back was never acknowledged.
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Log();
    EXPECT_NE(server.Log().find("disk I/O error"), std::string::npos) << server.Log();
    EXPECT_EQ(server.Log().find("rollback failed"), std::string::npos) << server.Log();
}

}  // namespace
}  // namespace convene
