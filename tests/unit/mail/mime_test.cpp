#include <gtest/gtest.h>
#include <sodium.h>

#include "convene/mail/mailer.hpp"

namespace convene::mail {
namespace {

model::OutboxMessage Message(std::string subject) {
    model::OutboxMessage m;
    m.id = "abc123";
    m.message_id = "<abc123@convene.example>";
    m.recipient = "ann@example.org";
    m.subject = std::move(subject);
    m.text_body = "Hello Zoë\nline two";
    m.html_body = "<p>Hello Zo&euml;</p>";
    return m;
}

std::string Header(const std::string& mime, const std::string& name) {
    const auto at = mime.find("\r\n" + name + ": ");
    if (at == std::string::npos) return mime.starts_with(name + ": ") ? mime.substr(name.size() + 2, mime.find("\r\n") - name.size() - 2) : "";
    const auto start = at + name.size() + 4;
    return mime.substr(start, mime.find("\r\n", start) - start);
}

const util::Instant kDate{std::chrono::seconds{1'795'341'600}};

TEST(Mime, HeadersAndTwoAlternatives) {
    const auto mime = RenderMime(Message("Plain subject"), "convene@convene.example", kDate);
    EXPECT_EQ(Header(mime, "From"), "Convene <convene@convene.example>");
    EXPECT_EQ(Header(mime, "To"), "<ann@example.org>");
    EXPECT_EQ(Header(mime, "Subject"), "Plain subject");
    EXPECT_EQ(Header(mime, "Date"), "Sun, 22 Nov 2026 10:00:00 +0000");
    EXPECT_EQ(Header(mime, "Message-ID"), "<abc123@convene.example>");
    EXPECT_EQ(Header(mime, "MIME-Version"), "1.0");
    EXPECT_NE(mime.find("multipart/alternative; boundary=\"convene-abc123\""), std::string::npos);
    EXPECT_NE(mime.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
    EXPECT_NE(mime.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
    EXPECT_TRUE(mime.ends_with("--convene-abc123--\r\n"));
    // Every line ends with CRLF, and none is longer than the 998 characters RFC 5322 allows.
    std::size_t start = 0;
    while (start < mime.size()) {
        const auto end = mime.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - start, 998u);
        EXPECT_EQ(mime.substr(start, end - start).find('\n'), std::string::npos);
        start = end + 2;
    }
}

TEST(Mime, BodiesAreBase64OfTheUtf8Text) {
    const auto mime = RenderMime(Message("s"), "c@convene.example", kDate);
    const auto at = mime.find("text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    ASSERT_NE(at, std::string::npos);
    const auto start = mime.find("\r\n\r\n", at) + 4;
    const auto encoded = mime.substr(start, mime.find("\r\n--", start) - start);
    std::string decoded(encoded.size(), '\0');
    std::size_t length = 0;
    ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                                encoded.data(), encoded.size(), "\r\n", &length, nullptr,
                                sodium_base64_VARIANT_ORIGINAL),
              0);
    decoded.resize(length);
    EXPECT_EQ(decoded, "Hello Zoë\nline two");
}

TEST(Mime, NonAsciiSubjectsAreEncodedWords) {
    const auto mime = RenderMime(Message("Réunion « Q4 » 🎉"), "c@convene.example", kDate);
    const auto subject = Header(mime, "Subject");
    EXPECT_TRUE(subject.starts_with("=?UTF-8?B?")) << subject;
    EXPECT_EQ(subject.find("Réunion"), std::string::npos);
}

TEST(Mime, NoFieldCanAddAHeader) {
    EXPECT_THROW(RenderMime(Message("Hi\r\nBcc: evil@example.org"), "c@convene.example", kDate),
                 std::invalid_argument);
    auto message = Message("Hi");
    message.recipient = "a@b.org\nBcc: evil@example.org";
    EXPECT_THROW(RenderMime(message, "c@convene.example", kDate), std::invalid_argument);
    EXPECT_THROW(RenderMime(Message("Hi"), "c@x.org\r\nX: y", kDate), std::invalid_argument);
}

TEST(Mime, ACalendarGoesAlongAsAnIcsPartWithItsMethod) {
    auto message = Message("Cancelled: Demo");
    message.calendar = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n";
    const auto mime = RenderMime(message, "convene@convene.example", kDate);
    EXPECT_NE(mime.find("Content-Type: multipart/mixed; boundary=\"convene-mixed-abc123\""),
              std::string::npos);
    EXPECT_NE(mime.find("Content-Type: text/calendar; charset=utf-8; method=CANCEL; "
                        "name=\"invite.ics\""),
              std::string::npos);
    EXPECT_NE(mime.find("Content-Disposition: attachment; filename=\"invite.ics\""),
              std::string::npos);
    EXPECT_TRUE(mime.ends_with("--convene-mixed-abc123--\r\n"));
    // Without a calendar the message stays two alternatives.
    EXPECT_EQ(RenderMime(Message("Plain"), "c@convene.example", kDate).find("multipart/mixed"),
              std::string::npos);
}

}  // namespace
}  // namespace convene::mail
