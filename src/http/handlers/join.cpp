#include "convene/http/json.hpp"
#include "convene/http/render.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {

Response Join(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto code = OptionalString(*body, "code", "invalid_code");
    if (!code) return Error(call, code.error());
    auto link = OptionalString(*body, "link", "invalid_link");
    if (!link) return Error(call, link.error());
    auto participant = OptionalString(*body, "participant_token", "invalid_participant_token");
    if (!participant) return Error(call, participant.error());

    auto joined =
        call.services.joins.Join({*code, *link, *participant, call.request.client});
    if (!joined) return Error(call, joined.error());
    return JsonResponse(200, {{"session", RenderPublicSession(joined->session)},
                              {"participant_token", joined->participant_token},
                              {"participant_id", joined->participant.id},
                              {"returning", joined->returning}});
}

Response JoinPage(Call& call) {
    const bool live = call.services.joins.IsLiveLink(call.Param("token"));
    auto page = call.web.ServeFile(live ? "live.html" : "link-invalid.html", call.request);
    if (!page) return Error(call, domain::NotFound("not_found", "There is nothing here."));
    if (!live && page->status == 200) page->status = 404;
    return *page;
}

}  // namespace convene::http::handlers
