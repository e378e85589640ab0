#include "convene/http/json.hpp"
#include "convene/util/time.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {
namespace {

Json RenderFacilitator(const model::Facilitator& f) {
    return {{"user_id", f.user_id},
            {"email", f.email},
            {"name", f.name},
            {"added_at", util::FormatRfc3339(f.added_at)}};
}

Json RenderInvitation(const model::FacilitatorInvitation& i) {
    return {{"id", i.id}, {"email", i.email}, {"invited_at", util::FormatRfc3339(i.created_at)}};
}

}  // namespace

Response ListFacilitators(Call& call) {
    auto list = call.services.facilitators.List(call.User(), call.Param("id"));
    if (!list) return Error(call, list.error());
    Json facilitators = Json::array();
    for (const auto& f : list->facilitators) facilitators.push_back(RenderFacilitator(f));
    Json pending = Json::array();
    for (const auto& i : list->pending) pending.push_back(RenderInvitation(i));
    return JsonResponse(200, {{"facilitators", facilitators}, {"pending", pending}});
}

Response AddFacilitator(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto email = RequiredString(*body, "email", "invalid_email");
    if (!email) return Error(call, email.error());
    auto added = call.services.facilitators.Add(call.User(), call.Param("id"), *email);
    if (!added) return Error(call, added.error());
    if (const auto* facilitator = std::get_if<model::Facilitator>(&*added)) {
        return JsonResponse(201, {{"status", "added"}, {"facilitator", RenderFacilitator(*facilitator)}});
    }
    return JsonResponse(201, {{"status", "invited"},
                              {"invitation",
                               RenderInvitation(std::get<model::FacilitatorInvitation>(*added))}});
}

Response RemoveFacilitator(Call& call) {
    auto removed =
        call.services.facilitators.Remove(call.User(), call.Param("id"), call.Param("user_id"));
    if (!removed) return Error(call, removed.error());
    return NoContent();
}

Response RevokeInvitation(Call& call) {
    auto revoked = call.services.facilitators.Revoke(call.User(), call.Param("id"),
                                                     call.Param("invitation_id"));
    if (!revoked) return Error(call, revoked.error());
    return NoContent();
}

}  // namespace convene::http::handlers

namespace convene::http::handlers {

Response InvitationResponse(
    Call& call,
    const std::function<domain::Result<domain::InvitationResult>(const std::vector<std::string>&)>&
        invite) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    const auto it = body->find("emails");
    std::vector<std::string> addresses;
    std::vector<domain::RefusedAddress> unreadable;
    if (it != body->end() && it->is_string()) {
        addresses = domain::SplitAddressList(it->get<std::string>());
    } else if (it != body->end() && it->is_array()) {
        for (const auto& item : *it) {
            if (item.is_string()) {
                addresses.push_back(item.get<std::string>());
            } else {
                unreadable.push_back({item.dump(), "not text"});
            }
        }
    } else {
        return Error(call, domain::Invalid("invalid_emails",
                                           "emails must be a list of addresses, as text "
                                           "(separated by commas, semicolons or new lines) or "
                                           "as an array."));
    }
    auto result = invite(addresses);
    if (!result) return Error(call, result.error());
    Json invalid = Json::array();
    for (const auto& refused : unreadable) {
        invalid.push_back({{"address", refused.address}, {"reason", refused.reason}});
    }
    for (const auto& refused : result->invalid) {
        invalid.push_back({{"address", refused.address}, {"reason", refused.reason}});
    }
    return JsonResponse(202, {{"sent", result->sent}, {"invalid", invalid}});
}

Response InviteBySession(Call& call) {
    return InvitationResponse(call, [&](const std::vector<std::string>& addresses) {
        return call.services.invitations.Invite(call.User(), call.Param("id"), addresses);
    });
}

}  // namespace convene::http::handlers
