#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <memory>
#include <mutex>

#include "convene/mail/mailer.hpp"

namespace convene::mail {
namespace {

struct Upload {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const auto n = std::min(size * count, upload->data.size() - upload->offset);
    std::copy_n(upload->data.data() + upload->offset, n, buffer);
    upload->offset += n;
    return n;
}

/// Keeps the last answer the SMTP server gave (libcurl hands its lines over as "headers in"),
/// except the goodbye to QUIT, which libcurl sends after a refusal too.
int RecordServerLine(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;
    std::string_view line(data, size);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (!line.empty() && !line.starts_with("221")) *static_cast<std::string*>(user) = line;
    return 0;
}

using GiveUpAt = std::atomic<std::chrono::steady_clock::rep>;

bool PastGiveUp(const GiveUpAt& give_up_at) {
    return std::chrono::steady_clock::now().time_since_epoch().count() >= give_up_at.load();
}

/// libcurl's progress hook, called about once a second even when nothing moves.
int AbortAfterGiveUp(void* give_up_at, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return PastGiveUp(*static_cast<GiveUpAt*>(give_up_at)) ? 1 : 0;
}

void GlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

/// True when the URL carries a user (and password): smtp://user:password@host.
bool HasCredentials(std::string_view url) {
    const auto start = url.find("://");
    const auto authority = url.substr(start == std::string_view::npos ? 0 : start + 3);
    return authority.substr(0, authority.find('/')).find('@') != std::string_view::npos;
}

SmtpMailer::SmtpMailer(Settings settings) : settings_(std::move(settings)) { GlobalInit(); }

Delivery SmtpMailer::Send(std::string_view from, std::string_view to, std::string_view mime,
                          std::string_view) {
    if (give_up_at_.load() != std::chrono::steady_clock::duration::max().count()) {
        return {false, false, "shutting down"};
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return {false, false, "cannot start libcurl"};
    const std::string mail_from = "<" + std::string(from) + ">";
    const std::string rcpt = "<" + std::string(to) + ">";
    curl_slist* recipients = curl_slist_append(nullptr, rcpt.c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> guard(recipients,
                                                                       &curl_slist_free_all);
    Upload upload{mime};
    curl_easy_setopt(curl.get(), CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl.get(), CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
    // STARTTLS whenever an smtp:// server offers it, and required before a password is sent;
    // smtps:// is TLS from the start.
    const bool secret = HasCredentials(settings_.url);
    curl_easy_setopt(curl.get(), CURLOPT_USE_SSL,
                     static_cast<long>(secret ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    if (!settings_.ca_file.empty()) {
        curl_easy_setopt(curl.get(), CURLOPT_CAINFO, settings_.ca_file.c_str());
    }
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, AbortAfterGiveUp);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &give_up_at_);
    curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
    // The server's own words, for the outbox's last error and `convene mail test`.
    std::string last_line;
    curl_easy_setopt(curl.get(), CURLOPT_DEBUGFUNCTION, RecordServerLine);
    curl_easy_setopt(curl.get(), CURLOPT_DEBUGDATA, &last_line);
    curl_easy_setopt(curl.get(), CURLOPT_VERBOSE, 1L);
    const CURLcode rc = curl_easy_perform(curl.get());
    std::string answer = std::move(last_line);
    curl_easy_setopt(curl.get(), CURLOPT_VERBOSE, 0L);  // nothing more to record at clean-up
    long code = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK) return {true, false, answer.empty() ? "accepted" : answer};
    std::string detail = curl_easy_strerror(rc);
    if (!answer.empty()) detail += ": " + answer;
    return {false, code >= 500 && code < 600, detail};
}

void SmtpMailer::Cancel(std::chrono::milliseconds grace) {
    give_up_at_ = (std::chrono::steady_clock::now() + grace).time_since_epoch().count();
}

FileMailer::FileMailer(std::filesystem::path folder) : folder_(std::move(folder)) {}

Delivery FileMailer::Send(std::string_view, std::string_view to, std::string_view mime,
                          std::string_view message_id) {
    std::error_code ec;
    std::filesystem::create_directories(folder_, ec);
    // The Message-ID is <id@host>: its id part is base32, safe as a file name.
    std::string name(message_id.substr(1, message_id.find('@') - 1));
    const auto path = folder_ / (name + ".eml");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << mime;
    out.close();
    if (!out) return {false, false, "cannot write " + path.string()};
    spdlog::info("no SMTP server configured: email to {} written to {}", to, path.string());
    return {true, false, "written to " + path.string()};
}

}  // namespace convene::mail
