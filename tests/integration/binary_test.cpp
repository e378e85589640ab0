// The real `convene` executable: its command line, start-up checks and graceful shutdown.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

#include "convene/storage/connection.hpp"
#include "http_client.hpp"
#include "temp_dir.hpp"

extern char** environ;

namespace convene {
namespace {

using namespace std::chrono_literals;

/// A child process with its stdout and stderr captured together.
class Child {
public:
    explicit Child(std::vector<std::string> args) {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        args.insert(args.begin(), CONVENE_BINARY);
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, CONVENE_BINARY, &actions, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot start " CONVENE_BINARY);
        }
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);
        out_ = fds[0];
    }
    ~Child() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0) close(out_);
    }

    /// Reads output until `pattern` matches a line or `timeout` passes; returns the match.
    std::optional<std::smatch> WaitForLine(const std::regex& pattern, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            std::size_t newline;
            while ((newline = pending_.find('\n')) != std::string::npos) {
                line_ = pending_.substr(0, newline);
                pending_.erase(0, newline + 1);
                output_ += line_ + "\n";
                std::smatch match;
                if (std::regex_search(line_, match, pattern)) return match;
            }
            if (!ReadSome(deadline)) return std::nullopt;
        }
    }

    /// Waits for the exit code; nullopt when it has not exited within `timeout`.
    std::optional<int> Wait(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (ReadSome(deadline)) {
        }
        int status = 0;
        for (;;) {
            const pid_t done = waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
            // The pipe is closed already; waitpid has no timed form, so poll it briefly.
            poll(nullptr, 0, 10);
        }
    }

    void Signal(int signal) { kill(pid_, signal); }
    std::string Output() const { return output_ + pending_; }

private:
    /// Reads what is available before `deadline`; false at end of output or deadline.
    bool ReadSome(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) return false;
        pollfd fd{out_, POLLIN, 0};
        if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) return false;
        char buffer[4096];
        const auto n = read(out_, buffer, sizeof buffer);
        if (n <= 0) return false;
        pending_.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_ = -1;
    std::string pending_;
    std::string line_;
    std::string output_;
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

}  // namespace
}  // namespace convene
