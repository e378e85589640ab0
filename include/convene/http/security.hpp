#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "convene/http/request.hpp"

namespace convene::http {

/// Whether people reach Convene over https (the base URL's scheme, in any case).
bool IsHttps(std::string_view base_url);

/// The sign-in cookie's name: `__Host-convene_session` over https, which browsers accept only
/// from this exact host over https with `Path=/` (a sibling subdomain or a plain-http page
/// cannot plant or overwrite it), `convene_session` over http, where no prefix is possible.
std::string_view SessionCookieName(std::string_view base_url);

/// What is wrong with the base URL people are sent to, a sentence each for an admin: a
/// loopback address (links and QR codes point phones at themselves), or plain http on a real
/// host (sign-in cookies cannot be Secure). Empty when nothing is.
std::vector<std::string> BaseUrlWarnings(std::string_view base_url);

/// The headers every answer carries, whatever produced it (API, page, file, error): no MIME
/// sniffing, no framing by other sites, no Referer with a token in it beyond this site, a
/// Content-Security-Policy that lets nothing run unless the answer set its own (the pages do),
/// and HSTS over https.
void AddSecurityHeaders(Response& response, bool https);

/// `path` as the log may show it: the secret segment of a link path (a join link, a personal
/// registration or speaker link) becomes `…`, so that reading the log grants nothing.
std::string RedactedPath(std::string_view path);

}  // namespace convene::http
