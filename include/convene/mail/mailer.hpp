#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "convene/model/mail.hpp"

namespace convene::mail {

/// What one delivery attempt came to.
struct Delivery {
    bool ok = false;
    /// The server refused for good (a 5xx answer): retrying will not help.
    bool permanent = false;
    /// What the server said, or why we could not reach it.
    std::string detail;
};

/// Sends one rendered message. Implementations are thread-safe.
class Mailer {
public:
    virtual ~Mailer() = default;
    virtual Delivery Send(std::string_view from, std::string_view to, std::string_view mime,
                          std::string_view message_id) = 0;
    /// Shutting down: no new send starts, and one in progress gets `grace` to finish (so a
    /// message the server is accepting is not cut off and sent twice) before it gives up,
    /// instead of waiting for a slow or silent server's time-out. Final.
    virtual void Cancel(std::chrono::milliseconds grace) { (void)grace; }
};

/// SMTP through libcurl: smtp:// (STARTTLS when the server offers it), smtps://, and the
/// user:password of the URL, which is only ever sent over TLS (STARTTLS is then required).
class SmtpMailer final : public Mailer {
public:
    struct Settings {
        std::string url;
        std::chrono::seconds timeout{30};
        /// PEM file of the CA (or the self-signed certificate) to trust for the server's TLS,
        /// instead of the system's; empty for the system's.
        std::string ca_file;
    };

    explicit SmtpMailer(Settings settings);
    Delivery Send(std::string_view from, std::string_view to, std::string_view mime,
                  std::string_view message_id) override;
    void Cancel(std::chrono::milliseconds grace) override;

private:
    Settings settings_;
    /// steady_clock ticks after which a send gives up; max() until Cancel.
    std::atomic<std::chrono::steady_clock::rep> give_up_at_{
        std::chrono::steady_clock::duration::max().count()};
};

/// No SMTP server configured: each message becomes an .eml file in `folder` (and a log line),
/// so nothing is lost and an admin can still read or forward them.
class FileMailer final : public Mailer {
public:
    explicit FileMailer(std::filesystem::path folder);
    Delivery Send(std::string_view from, std::string_view to, std::string_view mime,
                  std::string_view message_id) override;
    const std::filesystem::path& Folder() const { return folder_; }

private:
    std::filesystem::path folder_;
};

/// The message as RFC 5322 / MIME text with CRLF line ends: UTF-8 plain text and HTML
/// alternatives (base64), an RFC 2047 subject, its stable Message-ID.
/// Throws std::invalid_argument when a header field would contain CR or LF.
std::string RenderMime(const model::OutboxMessage& message, std::string_view from,
                       util::Instant date);

}  // namespace convene::mail
