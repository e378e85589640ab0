#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace convene::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

nlohmann::json HttpResult::Json() const { return nlohmann::json::parse(body); }

std::optional<std::string> HttpResult::Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::string HttpResult::ErrorCode() const {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded() || !json.contains("error")) return {};
    return json["error"].value("code", "");
}

struct HttpClient::Impl {
    explicit Impl(std::uint16_t p) : port(p), stream(std::make_unique<beast::tcp_stream>(ioc)) {}
    void Connect() {
        stream = std::make_unique<beast::tcp_stream>(ioc);
        stream->expires_after(std::chrono::seconds{10});
        stream->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        connected = true;
        ++opened;
    }
    std::uint16_t port;
    asio::io_context ioc;
    std::unique_ptr<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    bool connected = false;
    int opened = 0;
    std::string origin;
};

HttpClient::HttpClient(std::uint16_t port, std::string origin)
    : impl_(std::make_unique<Impl>(port)) {
    impl_->origin = std::move(origin);
}

HttpClient::~HttpClient() {
    if (impl_->connected) {
        beast::error_code ignored;
        impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
}

int HttpClient::ConnectionsOpened() const { return impl_->opened; }

HttpResult HttpClient::Request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
    bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), target, 11};
    request.set(bhttp::field::host, "127.0.0.1:" + std::to_string(impl_->port));
    if (!impl_->origin.empty()) request.set(bhttp::field::origin, impl_->origin);
    std::string cookie_header;
    for (const auto& [name, value] : cookies_) {
        if (!cookie_header.empty()) cookie_header += "; ";
        cookie_header += name + "=" + value;
    }
    if (!cookie_header.empty()) request.set(bhttp::field::cookie, cookie_header);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();

    // One retry on a fresh connection, in case the server closed an idle keep-alive one.
    for (int attempt = 0;; ++attempt) {
        if (!impl_->connected) impl_->Connect();
        beast::error_code ec;
        impl_->stream->expires_after(std::chrono::seconds{10});
        bhttp::write(*impl_->stream, request, ec);
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        parser.skip(method == "HEAD");  // a HEAD answer announces a body it does not send
        if (!ec) bhttp::read(*impl_->stream, impl_->buffer, parser, ec);
        auto response = parser.release();
        if (ec) {
            impl_->connected = false;
            impl_->buffer.clear();
            if (attempt == 0) continue;
            throw std::runtime_error("HTTP " + method + " " + target + " failed: " + ec.message());
        }
        HttpResult result;
        result.status = static_cast<int>(response.result_int());
        for (const auto& field : response) {
            result.headers.emplace(Lower(std::string(field.name_string())),
                                   std::string(field.value()));
        }
        result.body = response.body();
        for (auto [it, end] = result.headers.equal_range("set-cookie"); it != end; ++it) {
            const auto& text = it->second;
            const auto eq = text.find('=');
            const auto semi = text.find(';');
            const auto name = text.substr(0, eq);
            const auto value = text.substr(eq + 1, semi == std::string::npos ? semi : semi - eq - 1);
            if (value.empty() || text.find("Max-Age=0") != std::string::npos) {
                cookies_.erase(name);
            } else {
                cookies_[name] = value;
            }
        }
        if (!response.keep_alive()) {
            impl_->connected = false;
            impl_->buffer.clear();
        }
        return result;
    }
}

RawResult RawExchange(std::uint16_t port, const std::string& bytes,
                      std::chrono::milliseconds deadline) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(deadline);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    RawResult result;
    beast::error_code ec;
    asio::write(stream, asio::buffer(bytes), ec);
    std::array<char, 4096> chunk{};
    for (;;) {
        const auto n = stream.read_some(asio::buffer(chunk), ec);
        result.received.append(chunk.data(), n);
        if (ec) {
            result.closed = ec == asio::error::eof || ec == asio::error::connection_reset;
            break;
        }
    }
    return result;
}

}  // namespace convene::testing
