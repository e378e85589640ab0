#include "convene/http/json.hpp"
#include "convene/http/render.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {

Response JoinedResponse(const domain::Joined& joined) {
    return JsonResponse(200, {{"session", RenderPublicSession(joined.session)},
                              {"participant_token", joined.participant_token},
                              {"participant_id", joined.participant.id},
                              {"returning", joined.returning}});
}

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
    return JoinedResponse(*joined);
}

Response JoinPage(Call& call) {
    const auto room = call.services.joins.LiveLinkSession(call.Param("token"));
    if (room && call.services.registrations.IsCancelledRoom(*room)) {
        return Page(call, "cancelled.html");
    }
    return Page(call, room ? "live.html" : "link-invalid.html", room ? 200 : 404);
}

}  // namespace convene::http::handlers
