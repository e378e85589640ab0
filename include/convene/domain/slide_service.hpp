#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convene/domain/error.hpp"
#include "convene/domain/session_events.hpp"
#include "convene/model/session.hpp"
#include "convene/model/user.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"

namespace convene::domain {

struct NewSlide {
    model::SlideKind kind = model::SlideKind::kText;
    std::string title;
    std::string body;
    /// 0-based; at the end when absent.
    std::optional<int> position;
};

struct SlideChange {
    std::optional<std::string> title;
    std::optional<std::string> body;
    /// Moves the slide there (0-based), shifting the others.
    std::optional<int> position;
};

/// A session's slides in order, and which one is shown.
struct SlideDeck {
    std::vector<model::Slide> slides;
    std::optional<std::string> active_slide_id;
};

/// Slides: the owner and co-facilitators add, edit, reorder, remove and activate them;
/// anyone else gets 404. Thread-safe.
class SlideService {
public:
    static constexpr int kMaxSlides = 200;
    static constexpr int kMaxTitleLength = 200;
    static constexpr int kMaxBodyLength = 10'000;

    SlideService(storage::Database& database, const util::Clock& clock, util::Random& random,
                 SessionEvents& events);

    Result<SlideDeck> List(const model::User& caller, std::string_view session_id);
    /// 422 invalid_title / invalid_body / invalid_position / too_many_slides.
    Result<model::Slide> Add(const model::User& caller, std::string_view session_id,
                             const NewSlide& slide);
    Result<model::Slide> Update(const model::User& caller, std::string_view session_id,
                                std::string_view slide_id, const SlideChange& change);
    Result<void> Remove(const model::User& caller, std::string_view session_id,
                        std::string_view slide_id);
    Result<SlideDeck> Activate(const model::User& caller, std::string_view session_id,
                               std::string_view slide_id);

private:
    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    SessionEvents& events_;
};

/// Adds the "Link and QR code" slide every new session starts with, and makes it active.
/// Runs inside the caller's transaction.
void AddJoinSlide(storage::Connection& db, util::Random& random, model::Session& session,
                  util::Instant now);
/// Copies `from`'s slides to `to` (new ids, same order and content), keeping which one is
/// active. Runs inside the caller's transaction.
void CopySlides(storage::Connection& db, util::Random& random, const model::Session& from,
                model::Session& to, util::Instant now);

}  // namespace convene::domain
