#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace convene::testing {

/// A TCP port on 127.0.0.1 that nothing listens on (for a mail server that is down).
inline std::uint16_t UnusedPort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    close(fd);
    return ntohs(address.sin_port);
}

struct SmtpSinkOptions {
    std::uint16_t port = 0;  ///< 0: any free port
    /// How long accepting each message takes (a slow server).
    std::chrono::milliseconds delay{0};
    /// Offer STARTTLS (certificate tests/support/smtp_tls.crt for 127.0.0.1) and require it.
    bool tls = false;
    /// With `tls`: TLS from the first byte (smtps://) instead of STARTTLS.
    bool implicit_tls = false;
    /// Require AUTH with this `user:password`, when not empty.
    std::string login;
};

/// A real SMTP server in its own process: tests/support/smtp_sink.py on Debian's
/// python3-aiosmtpd. Each message it accepts is kept as JSON (envelope, decoded headers, the
/// text and HTML parts) as Python's email package reads it.
class SmtpSink {
public:
    /// Starts listening; throws if it does not within 10 s.
    explicit SmtpSink(SmtpSinkOptions options = {}) {
        std::vector<std::string> argv{"/usr/bin/python3",     CONVENE_SMTP_SINK,
                                      "--dir",                dir_.Path().string(),
                                      "--port",               std::to_string(options.port),
                                      "--delay-ms",           std::to_string(options.delay.count())};
        if (options.tls) argv.insert(argv.end(), {"--tls", CertificatePath(), KeyPath()});
        if (options.implicit_tls) argv.push_back("--implicit-tls");
        if (!options.login.empty()) argv.insert(argv.end(), {"--login", options.login});
        process_ = std::make_unique<ChildProcess>(std::move(argv));
        auto listening = process_->WaitForLine(std::regex(R"(^listening on (\d+))"),
                                               std::chrono::seconds{10});
        if (!listening) {
            throw std::runtime_error("the SMTP sink did not start: " + process_->Output());
        }
        port_ = static_cast<std::uint16_t>(std::stoi((*listening)[1]));
    }

    /// The sink's self-signed TLS certificate, which is also the CA to trust.
    static std::string CertificatePath() { return SupportFile("smtp_tls.crt"); }
    static std::string KeyPath() { return SupportFile("smtp_tls.key"); }

    std::uint16_t Port() const { return port_; }
    std::string Url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

    /// From now on, these recipients are refused with a permanent 550.
    void Refuse(const std::vector<std::string>& addresses) {
        std::ofstream out(dir_.File("refuse"), std::ios::trunc);
        for (const auto& address : addresses) out << address << "\n";
    }

    /// Every message accepted so far, in arrival order.
    std::vector<nlohmann::json> Messages() const {
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir_.Path())) {
            if (entry.path().extension() == ".json") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        std::vector<nlohmann::json> messages;
        for (const auto& file : files) messages.push_back(nlohmann::json::parse(ReadFile(file)));
        return messages;
    }

    /// Waits until at least `count` messages have arrived or `timeout` passes; returns them all.
    std::vector<nlohmann::json> WaitForMessages(std::size_t count,
                                                std::chrono::milliseconds timeout) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto messages = Messages();
            if (messages.size() >= count || std::chrono::steady_clock::now() >= deadline) {
                return messages;
            }
            // Polling interval, not a stand-in for the condition.
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
    }

private:
    static std::string SupportFile(const std::string& name) {
        return (std::filesystem::path(CONVENE_SMTP_SINK).parent_path() / name).string();
    }

    TempDir dir_;
    std::unique_ptr<ChildProcess> process_;
    std::uint16_t port_ = 0;
};

}  // namespace convene::testing
