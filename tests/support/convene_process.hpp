#pragma once

#include <signal.h>

#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"

namespace convene::testing {

/// The real `convene` binary (CONVENE_BINARY), started and stopped as often as a test likes on
/// the same arguments. Its output is read by a thread of its own while it runs, so its log never
/// fills the pipe and blocks it; Log() has it once it stopped.
class ConveneProcess {
public:
    /// `args` come after `--listen 127.0.0.1:0 --log-level info`.
    explicit ConveneProcess(std::vector<std::string> args) : args_(std::move(args)) {}
    ~ConveneProcess() { Stop(SIGKILL); }
    ConveneProcess(const ConveneProcess&) = delete;
    ConveneProcess& operator=(const ConveneProcess&) = delete;

    /// Starts the binary and waits until it listens; returns its port.
    std::uint16_t Start() {
        std::vector<std::string> argv{CONVENE_BINARY, "--listen", "127.0.0.1:0", "--log-level",
                                      "info"};
        argv.insert(argv.end(), args_.begin(), args_.end());
        child_ = std::make_unique<ChildProcess>(std::move(argv));
        auto listening =
            child_->WaitForLine(std::regex(R"(listening on 127\.0\.0\.1:(\d+))"), 60s);
        if (!listening) {
            const auto output = child_->Output();
            child_.reset();
            throw std::runtime_error("convene did not start: " + output);
        }
        reader_ = std::thread([this] { child_->ReadToEnd(3600s); });
        return static_cast<std::uint16_t>(std::stoi((*listening)[1]));
    }

    /// Sends `signal` and waits for the end; returns the exit code (128 + signal when killed).
    std::optional<int> Stop(int signal) {
        if (!child_) return std::nullopt;
        child_->Signal(signal);
        reader_.join();  // the output closed: the child has ended
        const auto code = child_->Wait(60s);
        log_ = child_->Output();
        child_.reset();
        return code;
    }

    /// The last run's output, once it has stopped.
    const std::string& Log() const { return log_; }

private:
    std::vector<std::string> args_;
    std::unique_ptr<ChildProcess> child_;
    std::thread reader_;
    std::string log_;
};

}  // namespace convene::testing
