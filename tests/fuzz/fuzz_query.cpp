// Request targets and their query strings: the path and query split, parameters decoded,
// cookies read, and the path as the log prints it. The input is "target\nparameter name".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "convene/http/request.hpp"
#include "convene/http/security.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto end = input.find('\n');
    const auto target = input.substr(0, end);
    const auto name = end == std::string_view::npos ? std::string_view{"status"}
                                                    : input.substr(end + 1);
    using namespace convene::http;
    const auto request = Request::Make(Method::kGet, std::string(target), {},
                                       {{"Cookie", std::string(name)}});
    // The path never holds the query, and the two give the target back.
    if (request.path.find('?') != std::string::npos) std::abort();
    const auto joined = request.query.empty() && target.find('?') == std::string_view::npos
                            ? request.path
                            : request.path + "?" + request.query;
    if (joined != target) std::abort();
    request.QueryParam(name);
    request.Cookie(name);
    PercentDecode(name, true);
    // A link's secret never reaches the log, whatever comes after it.
    const auto logged = RedactedPath(request.path);
    if (request.path.starts_with("/j/") && !logged.starts_with("/j/\u2026")) std::abort();
    return 0;
}
