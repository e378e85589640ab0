#include <date/date.h>
#include <sodium.h>

#include <stdexcept>

#include "convene/mail/mailer.hpp"

namespace convene::mail {
namespace {

std::string Base64(std::string_view data) {
    std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                      data.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

/// Base64 in lines of 76 characters, as MIME wants.
std::string WrappedBase64(std::string_view data) {
    const auto encoded = Base64(data);
    std::string out;
    for (std::size_t i = 0; i < encoded.size(); i += 76) {
        out += encoded.substr(i, 76);
        out += "\r\n";
    }
    return out;
}

std::string_view HeaderValue(std::string_view value) {
    if (value.find_first_of("\r\n") != std::string_view::npos) {
        throw std::invalid_argument("a mail header may not contain CR or LF");
    }
    return value;
}

bool IsPlainAscii(std::string_view text) {
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) return false;
    }
    return true;
}

/// The METHOD line's value of an iCalendar object (REQUEST when it has none).
std::string CalendarMethod(std::string_view calendar) {
    constexpr std::string_view kMethod = "\r\nMETHOD:";
    const auto at = calendar.find(kMethod);
    if (at == std::string_view::npos) return "REQUEST";
    const auto start = at + kMethod.size();
    const auto end = calendar.find('\r', start);
    const auto method = calendar.substr(start, end - start);
    const bool token = !method.empty() && method.find_first_not_of(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") == std::string_view::npos;
    return token ? std::string(method) : "REQUEST";
}

}  // namespace

std::string RenderMime(const model::OutboxMessage& message, std::string_view from,
                       util::Instant date) {
    const std::string subject(HeaderValue(message.subject));
    // RFC 2047: anything beyond printable ASCII goes as encoded words (UTF-8, base64),
    // each at most 75 characters, cut between whole UTF-8 sequences.
    std::string encoded_subject;
    if (IsPlainAscii(subject) && subject.size() <= 900) {
        encoded_subject = subject;
    } else {
        std::size_t start = 0;
        while (start < subject.size()) {
            std::size_t end = std::min(subject.size(), start + 45);
            while (end < subject.size() && (static_cast<unsigned char>(subject[end]) & 0xc0) == 0x80) {
                --end;
            }
            if (!encoded_subject.empty()) encoded_subject += "\r\n ";
            encoded_subject += "=?UTF-8?B?" + Base64(subject.substr(start, end - start)) + "?=";
            start = end;
        }
    }
    const std::string boundary = "convene-" + message.id;
    const std::string mixed = "convene-mixed-" + message.id;
    const bool has_calendar = !message.calendar.empty();
    std::string mime;
    mime += "From: Convene <" + std::string(HeaderValue(from)) + ">\r\n";
    mime += "To: <" + std::string(HeaderValue(message.recipient)) + ">\r\n";
    mime += "Subject: " + encoded_subject + "\r\n";
    mime += "Date: " + date::format("%a, %d %b %Y %H:%M:%S +0000", date) + "\r\n";
    mime += "Message-ID: " + std::string(HeaderValue(message.message_id)) + "\r\n";
    mime += "MIME-Version: 1.0\r\n";
    if (has_calendar) {
        // The text and HTML alternatives, then the invitation as an .ics file (RFC 6047).
        mime += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n";
        mime += "--" + mixed + "\r\n";
    }
    mime += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    mime += "--" + boundary + "\r\n";
    mime += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    mime += WrappedBase64(message.text_body);
    mime += "--" + boundary + "\r\n";
    mime += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    mime += WrappedBase64(message.html_body);
    mime += "--" + boundary + "--\r\n";
    if (has_calendar) {
        const auto method = CalendarMethod(message.calendar);
        mime += "--" + mixed + "\r\n";
        mime += "Content-Type: text/calendar; charset=utf-8; method=" + method +
                "; name=\"invite.ics\"\r\n";
        mime += "Content-Disposition: attachment; filename=\"invite.ics\"\r\n";
        mime += "Content-Transfer-Encoding: base64\r\n\r\n";
        mime += WrappedBase64(message.calendar);
        mime += "--" + mixed + "--\r\n";
    }
    return mime;
}

}  // namespace convene::mail
