#include "convene/domain/slide_service.hpp"

#include <algorithm>

#include "convene/domain/session_service.hpp"
#include "convene/domain/validation.hpp"
#include "convene/storage/replay_repository.hpp"
#include "convene/storage/session_repository.hpp"
#include "convene/storage/slide_repository.hpp"

namespace convene::domain {
namespace {

using storage::SessionRepository;
using storage::SlideRepository;

AppError SlideNotFound() { return NotFound("slide_not_found", "No such slide."); }

std::vector<model::Slide>::iterator FindSlide(std::vector<model::Slide>& slides,
                                              std::string_view id) {
    return std::find_if(slides.begin(), slides.end(),
                        [&](const model::Slide& s) { return s.id == id; });
}

Result<void> CheckText(std::string_view text, int max, bool single_line,
                                 const char* code, const char* what) {
    const auto length = Utf8Length(text);
    if (length == std::string_view::npos || length > static_cast<std::size_t>(max) ||
        (single_line && !IsSingleLineText(text))) {
        return Invalid(code, std::string(what) + " must be at most " + std::to_string(max) +
                                 " characters" + (single_line ? " on one line." : "."));
    }
    return {};
}

Result<void> CheckContent(const std::optional<std::string>& title,
                                    const std::optional<std::string>& body) {
    if (title) {
        auto ok = CheckText(*title, SlideService::kMaxTitleLength, true, "invalid_title",
                            "A slide title");
        if (!ok) return ok;
    }
    if (body) {
        auto ok = CheckText(*body, SlideService::kMaxBodyLength, false, "invalid_body",
                            "A slide body");
        if (!ok) return ok;
    }
    return {};
}

AppError InvalidPosition(std::size_t count) {
    return Invalid("invalid_position",
                   "position must be from 0 to " + std::to_string(count) + ".");
}

/// Writes positions 0..n-1 in vector order, touching only the slides that moved.
void Renumber(storage::Connection& db, std::vector<model::Slide>& slides) {
    for (std::size_t i = 0; i < slides.size(); ++i) {
        if (slides[i].position != static_cast<int>(i)) {
            slides[i].position = static_cast<int>(i);
            SlideRepository::Update(db, slides[i]);
        }
    }
}

}  // namespace

void AddJoinSlide(storage::Connection& db, util::Random& random, model::Session& session,
                  util::Instant now) {
    model::Slide slide{random.Id(), session.id, 0, model::SlideKind::kJoin, "Join", "", now};
    SlideRepository::Insert(db, slide);
    session.active_slide_id = slide.id;
}

void CopySlides(storage::Connection& db, util::Random& random, const model::Session& from,
                model::Session& to, util::Instant now) {
    for (auto slide : SlideRepository::List(db, from.id)) {
        const bool active = from.active_slide_id == slide.id;
        slide.id = random.Id();
        slide.session_id = to.id;
        slide.created_at = now;
        SlideRepository::Insert(db, slide);
        if (active) to.active_slide_id = slide.id;
    }
}

SlideService::SlideService(storage::Database& database, const util::Clock& clock,
                           util::Random& random, SessionEvents& events)
    : database_(database), clock_(clock), random_(random), events_(events) {}

Result<SlideDeck> SlideService::List(const model::User& caller, std::string_view session_id) {
    auto db = database_.Acquire();
    auto found = FindSessionFor(*db, caller, session_id);
    if (!found) return found.error();
    return SlideDeck{SlideRepository::List(*db, session_id), found->session.active_slide_id};
}

Result<model::Slide> SlideService::Add(const model::User& caller, std::string_view session_id,
                                       const NewSlide& request) {
    auto valid = CheckContent(request.title, request.body);
    if (!valid) return valid.error();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    if (auto found = FindSessionFor(*db, caller, session_id); !found) return found.error();
    auto slides = SlideRepository::List(*db, session_id);
    if (slides.size() >= static_cast<std::size_t>(kMaxSlides)) {
        return Invalid("too_many_slides",
                       "A session has at most " + std::to_string(kMaxSlides) + " slides.");
    }
    const auto at = request.position.value_or(static_cast<int>(slides.size()));
    if (at < 0 || static_cast<std::size_t>(at) > slides.size()) {
        return InvalidPosition(slides.size());
    }
    model::Slide slide{random_.Id(), std::string(session_id), at, request.kind, request.title,
                       request.body, clock_.Now()};
    SlideRepository::Insert(*db, slide);
    slides.insert(slides.begin() + at, slide);
    Renumber(*db, slides);
    tx.Commit();
    events_.SessionChanged(session_id, SessionEvent::kSlides);
    return slide;
}

Result<model::Slide> SlideService::Update(const model::User& caller, std::string_view session_id,
                                          std::string_view slide_id, const SlideChange& change) {
    auto valid = CheckContent(change.title, change.body);
    if (!valid) return valid.error();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindSessionFor(*db, caller, session_id);
    if (!found) return found.error();
    auto slides = SlideRepository::List(*db, session_id);
    auto it = FindSlide(slides, slide_id);
    if (it == slides.end()) return SlideNotFound();
    if (change.title) it->title = *change.title;
    if (change.body) it->body = *change.body;
    SlideRepository::Update(*db, *it);
    if (change.position) {
        if (*change.position < 0 || static_cast<std::size_t>(*change.position) >= slides.size()) {
            return InvalidPosition(slides.size() - 1);
        }
        auto moved = *it;
        slides.erase(it);
        slides.insert(slides.begin() + *change.position, moved);
        Renumber(*db, slides);
        it = slides.begin() + *change.position;
    }
    auto result = *it;
    tx.Commit();
    // Participants see the active slide's content; a change elsewhere is for facilitators.
    events_.SessionChanged(session_id, found->session.active_slide_id == result.id
                                           ? SessionEvent::kActiveSlide
                                           : SessionEvent::kSlides);
    return result;
}

Result<void> SlideService::Remove(const model::User& caller, std::string_view session_id,
                                  std::string_view slide_id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindSessionFor(*db, caller, session_id);
    if (!found) return found.error();
    auto slides = SlideRepository::List(*db, session_id);
    const auto it = FindSlide(slides, slide_id);
    if (it == slides.end()) return SlideNotFound();
    slides.erase(it);
    SlideRepository::Delete(*db, slide_id);
    Renumber(*db, slides);
    const bool was_active = found->session.active_slide_id == slide_id;
    if (was_active) {
        found->session.active_slide_id.reset();
        SessionRepository::Update(*db, found->session);
        storage::ReplayRepository::AddSlideShow(*db, session_id, {clock_.Now(), std::nullopt, ""});
    }
    tx.Commit();
    events_.SessionChanged(session_id,
                           was_active ? SessionEvent::kActiveSlide : SessionEvent::kSlides);
    return {};
}

Result<SlideDeck> SlideService::Activate(const model::User& caller, std::string_view session_id,
                                         std::string_view slide_id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindSessionFor(*db, caller, session_id);
    if (!found) return found.error();
    auto slides = SlideRepository::List(*db, session_id);
    if (FindSlide(slides, slide_id) == slides.end()) return SlideNotFound();
    found->session.active_slide_id = std::string(slide_id);
    SessionRepository::Update(*db, found->session);
    const auto& shown = *FindSlide(slides, slide_id);
    storage::ReplayRepository::AddSlideShow(*db, session_id,
                                            {clock_.Now(), shown.id, shown.title});
    tx.Commit();
    events_.SessionChanged(session_id, SessionEvent::kActiveSlide);
    return SlideDeck{std::move(slides), found->session.active_slide_id};
}

}  // namespace convene::domain
