#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace convene::testing {

using namespace std::chrono_literals;

/// A child process with its stdout and stderr captured together.
/// `argv[0]` is the program's path; `stdin_file` its standard input (else the test's).
/// Killed (SIGKILL) when destroyed if still running.
class ChildProcess {
public:
    explicit ChildProcess(std::vector<std::string> argv, const std::string& stdin_file = {}) {
        int fds[2];
        // Close-on-exec: other children must not hold this pipe open.
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        if (!stdin_file.empty()) {
            posix_spawn_file_actions_addopen(&actions, 0, stdin_file.c_str(), O_RDONLY, 0);
        }
        std::vector<char*> pointers;
        for (auto& arg : argv) pointers.push_back(arg.data());
        pointers.push_back(nullptr);
        const int spawned =
            posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, pointers.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);
        out_ = fds[0];
        if (spawned != 0) {
            pid_ = -1;
            close(out_);
            throw std::runtime_error("cannot start " + argv[0]);
        }
    }
    ~ChildProcess() {
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

    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Signals the child while it has not been waited for (never pid -1: every process).
    void Signal(int signal) {
        if (pid_ > 0) kill(pid_, signal);
    }
    /// Reads its output until it closes (the child ended) or `timeout` passes. Touches only the
    /// output, so another thread may Signal() meanwhile.
    void ReadToEnd(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (ReadSome(deadline)) {
        }
    }
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

}  // namespace convene::testing
