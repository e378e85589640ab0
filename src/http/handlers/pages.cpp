#include "convene/domain/registration_service.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {

Response Page(const Call& call, const char* file, int status) {
    auto page = call.web.ServeFile(file, call.request);
    if (!page) return Error(call, domain::NotFound("not_found", "There is nothing here."));
    if (page->status == 200) page->status = status;
    return *page;
}

Response SessionPage(Call& call) { return Page(call, "session.html"); }

Response PresentPage(Call& call) { return Page(call, "present.html"); }

Response EventPage(Call& call) { return Page(call, "event.html"); }

Response SpeakerPage(Call& call) {
    const bool cancelled = call.services.team.IsCancelledSpeakerLink(call.Param("token"));
    return Page(call, cancelled ? "cancelled.html" : "speaker.html");
}

Response ReplayPage(Call& call) { return Page(call, "replay.html"); }

Response RegistrationPage(Call& call) {
    const bool known = call.services.registrations.PublicView(call.Param("slug"), std::nullopt)
                           .has_value();
    return Page(call, known ? "register.html" : "link-invalid.html", known ? 200 : 404);
}

Response PersonalLinkPage(Call& call) {
    auto link = call.services.registrations.Resolve(call.Param("token"));
    if (!link) return Page(call, "link-invalid.html", 404);
    if (link->state == domain::LinkState::kCancelled) return Page(call, "cancelled.html");
    return Page(call, "registration.html");
}

}  // namespace convene::http::handlers
