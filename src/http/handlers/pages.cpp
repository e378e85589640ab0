#include "handlers.hpp"

namespace convene::http::handlers {
namespace {

/// A page of the web app; the page itself asks the API for what the visitor may see.
Response Page(const Call& call, const char* file) {
    auto page = call.web.ServeFile(file, call.request);
    if (!page) return Error(call, domain::NotFound("not_found", "There is nothing here."));
    return *page;
}

}  // namespace

Response SessionPage(Call& call) { return Page(call, "session.html"); }

Response PresentPage(Call& call) { return Page(call, "present.html"); }

}  // namespace convene::http::handlers
