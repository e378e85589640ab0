#include "convene/http/json.hpp"
#include "convene/http/render.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {
namespace {

Response DeckResponse(const Call& call, const Result<domain::SlideDeck>& deck) {
    if (!deck) return Error(call, deck.error());
    Json slides = Json::array();
    for (const auto& slide : deck->slides) {
        slides.push_back(RenderSlide(slide, deck->active_slide_id == slide.id));
    }
    return JsonResponse(200, {{"slides", slides},
                              {"active_slide_id", deck->active_slide_id
                                                      ? Json(*deck->active_slide_id)
                                                      : Json(nullptr)}});
}

constexpr int kMaxPosition = domain::SlideService::kMaxSlides;

}  // namespace

Response ListSlides(Call& call) {
    return DeckResponse(call, call.services.slides.List(call.User(), call.Param("id")));
}

Response AddSlide(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto kind = OptionalString(*body, "kind", "invalid_kind");
    if (!kind) return Error(call, kind.error());
    if (*kind && **kind != "text" && **kind != "join") {
        return Error(call, domain::Invalid("invalid_kind", "kind must be text or join."));
    }
    auto title = OptionalString(*body, "title", "invalid_title");
    if (!title) return Error(call, title.error());
    auto text = OptionalString(*body, "body", "invalid_body");
    if (!text) return Error(call, text.error());
    auto position = OptionalInt(*body, "position", "invalid_position", 0, kMaxPosition);
    if (!position) return Error(call, position.error());

    const auto slide_kind = *kind == "join" ? model::SlideKind::kJoin : model::SlideKind::kText;
    auto slide = call.services.slides.Add(
        call.User(), call.Param("id"),
        {slide_kind, title->value_or(""), text->value_or(""), *position});
    if (!slide) return Error(call, slide.error());
    return JsonResponse(201, RenderSlide(*slide, false));
}

Response PatchSlide(Call& call) {
    auto body = ParseObject(call.request);
    if (!body) return Error(call, body.error());
    auto title = OptionalString(*body, "title", "invalid_title");
    if (!title) return Error(call, title.error());
    auto text = OptionalString(*body, "body", "invalid_body");
    if (!text) return Error(call, text.error());
    auto position = OptionalInt(*body, "position", "invalid_position", 0, kMaxPosition);
    if (!position) return Error(call, position.error());

    auto slide = call.services.slides.Update(call.User(), call.Param("id"), call.Param("slide_id"),
                                             {*title, *text, *position});
    if (!slide) return Error(call, slide.error());
    auto deck = call.services.slides.List(call.User(), call.Param("id"));
    return JsonResponse(200, RenderSlide(*slide, deck && deck->active_slide_id == slide->id));
}

Response DeleteSlide(Call& call) {
    auto removed =
        call.services.slides.Remove(call.User(), call.Param("id"), call.Param("slide_id"));
    if (!removed) return Error(call, removed.error());
    return NoContent();
}

Response ActivateSlide(Call& call) {
    return DeckResponse(call, call.services.slides.Activate(call.User(), call.Param("id"),
                                                            call.Param("slide_id")));
}

}  // namespace convene::http::handlers
