#include "convene/domain/session_service.hpp"

#include <cstdio>

#include "convene/domain/slide_service.hpp"
#include "convene/domain/validation.hpp"
#include "convene/storage/slide_repository.hpp"
#include "convene/util/time.hpp"

namespace convene::domain {
namespace {

using model::SessionKind;
using model::SessionRole;
using model::SessionStatus;
using storage::SessionRepository;

constexpr int kMaxCodeDraws = 64;

AppError SessionNotFound() { return NotFound("session_not_found", "No such session."); }

AppError OwnerOnly() {
    return Forbidden("owner_only", "Only the owner of this session can do that.");
}

Result<std::string> ValidTitle(std::string_view title) {
    auto valid = SingleLine(title, static_cast<std::size_t>(SessionService::kMaxTitleLength));
    if (!valid) return Invalid("invalid_title", "The title must be 1 to 200 characters on one line.");
    return *valid;
}

/// A new open session with no code yet (DrawCodeAndLink gives it one).
model::Session NewRecord(std::string id, std::string owner_id, std::string title, SessionKind kind,
                         std::optional<util::Instant> ends_at, util::Instant now) {
    return model::Session{
        .id = std::move(id),
        .owner_id = std::move(owner_id),
        .title = std::move(title),
        .kind = kind,
        .status = SessionStatus::kOpen,
        .code = {},
        .link_token = {},
        .active_slide_id = std::nullopt,
        .created_at = now,
        .ends_at = ends_at,
        .closed_at = std::nullopt,
        .close_reason = std::nullopt,
        .deleted_at = std::nullopt,
    };
}

}  // namespace

std::string JsonObjectText(std::initializer_list<std::pair<std::string_view, std::string>> pairs) {
    auto escape = [](std::string_view text) {
        std::string out;
        for (char c : text) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (u < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
                out += buffer;
            } else {
                out += c;
            }
        }
        return out;
    };
    std::string out = "{";
    for (const auto& [key, value] : pairs) {
        if (out.size() > 1) out += ',';
        out += '"' + escape(key) + "\":\"" + escape(value) + '"';
    }
    return out + "}";
}

SessionService::SessionService(storage::Database& database, const util::Clock& clock,
                               util::Random& random, SessionEvents& events,
                               std::function<void()> end_dates_changed, Settings settings)
    : database_(database),
      clock_(clock),
      random_(random),
      events_(events),
      end_dates_changed_(std::move(end_dates_changed)),
      settings_(settings) {}

Result<SessionView> FindSessionFor(storage::Connection& db, const model::User& caller,
                                   std::string_view session_id) {
    if (auto found = SessionRepository::FindForUser(db, session_id, caller.id)) return *found;
    return SessionNotFound();
}

Result<SessionView> FindOwnedSession(storage::Connection& db, const model::User& caller,
                                     std::string_view session_id) {
    auto found = FindSessionFor(db, caller, session_id);
    if (!found) return found;
    if (found->role != SessionRole::kOwner) return OwnerOnly();
    return found;
}

Result<std::optional<util::Instant>> SessionService::EndDate(const model::User& owner,
                                                             std::optional<int> duration_days,
                                                             std::optional<util::Instant> ends_at,
                                                             util::Instant now) const {
    if (duration_days && ends_at) {
        return Invalid("invalid_ends_at", "Give either ends_at or duration_days, not both.");
    }
    if (duration_days) {
        if (*duration_days < 1 || *duration_days > 365) {
            return Invalid("invalid_duration_days",
                           "duration_days must be a whole number from 1 to 365.");
        }
        return std::optional<util::Instant>{now + std::chrono::days{*duration_days}};
    }
    if (ends_at) {
        if (*ends_at <= now) return Invalid("invalid_ends_at", "ends_at must be in the future.");
        if (*ends_at > now + settings_.max_horizon) {
            return Invalid("invalid_ends_at", "ends_at must be within ten years.");
        }
        return std::optional<util::Instant>{*ends_at};
    }
    return std::optional<util::Instant>{now + std::chrono::days{owner.default_session_days}};
}

void SessionService::DrawCode(storage::Connection& db, model::Session& session) {
    for (int attempt = 0; attempt < kMaxCodeDraws; ++attempt) {
        char code[8];
        std::snprintf(code, sizeof code, "%06u", random_.Uniform(1'000'000));
        if (code == session.code) continue;
        // First a code no session holds, so that an old code rarely leads someone into a
        // stranger's session; once those are hard to find (most of the million codes held),
        // one that only closed sessions hold.
        const bool free = attempt < kMaxCodeDraws / 2
                              ? !SessionRepository::CodeTaken(db, code)
                              : !SessionRepository::CodeOpen(db, code, session.id);
        if (free) {
            session.code = code;
            return;
        }
    }
    // Every draw held by an open session: the server has far too many open at once.
    throw std::runtime_error("no free session code after " + std::to_string(kMaxCodeDraws) +
                             " draws");
}

void SessionService::DrawCodeAndLink(storage::Connection& db, model::Session& session) {
    DrawCode(db, session);
    session.link_token = random_.Token();
}

void SessionService::Audit(storage::Connection& db, const model::Session& session,
                           const std::optional<std::string>& actor, std::string action,
                           std::string detail) {
    SessionRepository::AppendAudit(
        db, {0, session.id, actor, std::move(action), std::move(detail), clock_.Now()});
}

Result<SessionView> SessionService::Create(const model::User& caller, const NewSession& request) {
    auto title = ValidTitle(request.title);
    if (!title) return title.error();
    const auto now = clock_.Now();
    std::optional<util::Instant> ends_at;
    if (request.kind == SessionKind::kMain) {
        if (request.ends_at || request.duration_days) {
            return Invalid("invalid_ends_at", "Main sessions have no end date.");
        }
    } else {
        auto end = EndDate(caller, request.duration_days, request.ends_at, now);
        if (!end) return end.error();
        ends_at = *end;
    }
    auto session = NewRecord(random_.Id(), caller.id, *title, request.kind, ends_at, now);
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        DrawCodeAndLink(*db, session);
        SessionRepository::Insert(*db, session);
        AddJoinSlide(*db, random_, session, now);
        SessionRepository::Update(*db, session);
        tx.Commit();
    }
    end_dates_changed_();
    return SessionView{session, SessionRole::kOwner};
}

model::Session SessionService::CreateRoom(storage::Connection& db, const std::string& owner_id,
                                          const std::string& title, util::Instant ends_at) {
    const auto now = clock_.Now();
    auto room = NewRecord(random_.Id(), owner_id, title, SessionKind::kEvent, ends_at, now);
    DrawCodeAndLink(db, room);
    SessionRepository::Insert(db, room);
    AddJoinSlide(db, random_, room, now);
    SessionRepository::Update(db, room);
    Audit(db, room, std::nullopt, "room_created");
    return room;
}

std::optional<SessionEvent> SessionService::UpdateRoom(storage::Connection& db,
                                                       std::string_view room_id,
                                                       util::Instant ends_at, bool close) {
    auto room = SessionRepository::FindById(db, room_id);
    if (!room) return std::nullopt;
    const auto now = clock_.Now();
    std::optional<SessionEvent> change;
    if (close) {
        if (room->status == SessionStatus::kClosed) return std::nullopt;
        room->status = SessionStatus::kClosed;
        room->closed_at = now;
        room->close_reason = model::CloseReason::kOwner;
        change = SessionEvent::kClosed;
        Audit(db, *room, std::nullopt, "closed");
    } else {
        if (room->ends_at == ends_at) return std::nullopt;
        room->ends_at = ends_at;
        change = SessionEvent::kEndDate;
        if (room->status == SessionStatus::kClosed &&
            room->close_reason == model::CloseReason::kExpiry && ends_at > now) {
            room->status = SessionStatus::kOpen;
            room->closed_at.reset();
            room->close_reason.reset();
            change = SessionEvent::kOpened;
        }
        Audit(db, *room, std::nullopt, "end_date_changed",
              JsonObjectText({{"ends_at", util::FormatRfc3339(ends_at)}}));
    }
    SessionRepository::Update(db, *room);
    return change;
}

void SessionService::RoomChanged(std::string_view room_id, std::optional<SessionEvent> change) {
    end_dates_changed_();
    if (change) events_.SessionChanged(room_id, *change);
}

Result<SessionView> SessionService::Get(const model::User& caller, std::string_view id) {
    auto db = database_.Acquire();
    return FindSessionFor(*db, caller, id);
}

std::vector<SessionView> SessionService::List(const model::User& caller,
                                              const SessionFilter& filter) {
    auto db = database_.Acquire();
    auto sessions = SessionRepository::ListForUser(*db, caller.id);
    std::erase_if(sessions, [&](const SessionView& view) {
        return (filter.status && view.session.status != *filter.status) ||
               (filter.role && view.role != *filter.role);
    });
    return sessions;
}

Result<SessionView> SessionService::Update(const model::User& caller, std::string_view id,
                                           const SessionChange& change) {
    std::optional<std::string> title;
    if (change.title) {
        auto valid = ValidTitle(*change.title);
        if (!valid) return valid.error();
        title = *valid;
    }
    const bool moves_end = change.ends_at || change.duration_days;
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindSessionFor(*db, caller, id);
    if (!found) return found;
    auto& session = found->session;
    if (moves_end) {
        if (found->role != SessionRole::kOwner) return OwnerOnly();
        if (session.kind == SessionKind::kMain) {
            return Invalid("invalid_ends_at", "Main sessions have no end date.");
        }
        auto end = EndDate(caller, change.duration_days, change.ends_at, clock_.Now());
        if (!end) return end.error();
        session.ends_at = *end;
        Audit(*db, session, caller.id, "end_date_changed",
              JsonObjectText({{"ends_at", util::FormatRfc3339(**end)}}));
    }
    if (title) session.title = *title;
    SessionRepository::Update(*db, session);
    tx.Commit();
    if (moves_end) {
        end_dates_changed_();
        events_.SessionChanged(session.id, SessionEvent::kEndDate);
    }
    if (title) events_.SessionChanged(session.id, SessionEvent::kTitle);
    return found;
}

Result<SessionView> SessionService::Close(const model::User& caller, std::string_view id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindOwnedSession(*db, caller, id);
    if (!found) return found;
    auto& session = found->session;
    const bool changed = session.status == SessionStatus::kOpen;
    if (changed) {
        session.status = SessionStatus::kClosed;
        session.closed_at = clock_.Now();
        session.close_reason = model::CloseReason::kOwner;
        SessionRepository::Update(*db, session);
        Audit(*db, session, caller.id, "closed");
    }
    tx.Commit();
    end_dates_changed_();
    if (changed) events_.SessionChanged(session.id, SessionEvent::kClosed);
    return found;
}

Result<SessionView> SessionService::Open(const model::User& caller, std::string_view id,
                                         std::optional<util::Instant> ends_at) {
    const auto now = clock_.Now();
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindOwnedSession(*db, caller, id);
    if (!found) return found;
    auto& session = found->session;
    if (ends_at && session.kind == SessionKind::kMain) {
        return Invalid("invalid_ends_at", "Main sessions have no end date.");
    }
    bool changed = session.status == SessionStatus::kClosed;
    const bool expired = session.ends_at && *session.ends_at <= now;
    if (ends_at || (session.kind != SessionKind::kMain && expired)) {
        auto end = EndDate(caller, std::nullopt, ends_at, now);
        if (!end) return end.error();
        session.ends_at = *end;
        changed = true;
    }
    if (changed) {
        // While it was closed, its code may have gone to another open session: it gets a new
        // one (its link stays).
        if (SessionRepository::CodeOpen(*db, session.code, session.id)) DrawCode(*db, session);
        session.status = SessionStatus::kOpen;
        session.closed_at.reset();
        session.close_reason.reset();
        SessionRepository::Update(*db, session);
        Audit(*db, session, caller.id, "opened",
              session.ends_at ? JsonObjectText({{"ends_at", util::FormatRfc3339(*session.ends_at)}})
                              : "{}");
    }
    tx.Commit();
    end_dates_changed_();
    if (changed) events_.SessionChanged(session.id, SessionEvent::kOpened);
    return found;
}

Result<SessionView> SessionService::RegenerateCode(const model::User& caller,
                                                   std::string_view id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindOwnedSession(*db, caller, id);
    if (!found) return found;
    DrawCodeAndLink(*db, found->session);
    SessionRepository::Update(*db, found->session);
    Audit(*db, found->session, caller.id, "code_regenerated");
    tx.Commit();
    events_.SessionChanged(found->session.id, SessionEvent::kCode);
    return found;
}

Result<SessionView> SessionService::Duplicate(const model::User& caller, std::string_view id) {
    const auto now = clock_.Now();
    model::Session copy;
    {
        auto db = database_.Acquire();
        storage::Transaction tx(*db);
        auto found = FindSessionFor(*db, caller, id);
        if (!found) return found;
        const auto& original = found->session;
        const std::string suffix = " (copy)";
        auto title = original.title;
        if (Utf8Length(title) + suffix.size() <= static_cast<std::size_t>(kMaxTitleLength)) {
            title += suffix;
        }
        const auto ends_at =
            original.kind == SessionKind::kMain
                ? std::nullopt
                : std::optional(now + std::chrono::days{caller.default_session_days});
        // A copy of an event's room is a session of its own, no longer tied to the event.
        const auto kind =
            original.kind == SessionKind::kEvent ? SessionKind::kStandard : original.kind;
        copy = NewRecord(random_.Id(), caller.id, title, kind, ends_at, now);
        DrawCodeAndLink(*db, copy);
        SessionRepository::Insert(*db, copy);
        CopySlides(*db, random_, original, copy, now);
        SessionRepository::Update(*db, copy);
        tx.Commit();
    }
    end_dates_changed_();
    return SessionView{copy, SessionRole::kOwner};
}

Result<void> SessionService::Trash(const model::User& caller, std::string_view id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto found = FindOwnedSession(*db, caller, id);
    if (!found) return found.error();
    found->session.deleted_at = clock_.Now();
    SessionRepository::Update(*db, found->session);
    Audit(*db, found->session, caller.id, "deleted");
    tx.Commit();
    end_dates_changed_();
    events_.SessionChanged(found->session.id, SessionEvent::kDeleted);
    return {};
}

std::vector<model::Session> SessionService::ListTrash(const model::User& caller) {
    auto db = database_.Acquire();
    return SessionRepository::ListTrash(*db, caller.id);
}

Result<SessionView> SessionService::Restore(const model::User& caller, std::string_view id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto session = SessionRepository::FindById(*db, id);
    if (!session || session->owner_id != caller.id || !session->deleted_at) {
        return NotFound("session_not_found", "No such session in your trash.");
    }
    session->deleted_at.reset();
    // An open session keeps its code in the trash, so it is normally still its own; draw
    // anew only if not (a database restored from elsewhere, say).
    if (session->status == SessionStatus::kOpen &&
        SessionRepository::CodeOpen(*db, session->code, session->id)) {
        DrawCodeAndLink(*db, *session);
    }
    SessionRepository::Update(*db, *session);
    Audit(*db, *session, caller.id, "restored");
    tx.Commit();
    end_dates_changed_();
    return SessionView{*session, SessionRole::kOwner};
}

Result<std::vector<model::AuditEntry>> SessionService::Audit(const model::User& caller,
                                                             std::string_view id) {
    auto db = database_.Acquire();
    auto found = FindOwnedSession(*db, caller, id);
    if (!found) return found.error();
    return SessionRepository::ListAudit(*db, id);
}

std::vector<model::Session> SessionService::CloseExpired(util::Instant now) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db);
    auto expired = SessionRepository::ListExpired(*db, now);
    for (auto& session : expired) {
        session.status = SessionStatus::kClosed;
        session.closed_at = session.ends_at;  // to the second, even when we are late
        session.close_reason = model::CloseReason::kExpiry;
        SessionRepository::Update(*db, session);
        Audit(*db, session, std::nullopt, "closed",
              JsonObjectText({{"reason", "expiry"}}));
    }
    tx.Commit();
    for (const auto& session : expired) {
        events_.SessionChanged(session.id, SessionEvent::kClosed);
    }
    return expired;
}

std::optional<LiveSnapshot> SessionService::Snapshot(std::string_view id) {
    auto db = database_.Acquire();
    storage::Transaction tx(*db, storage::Transaction::Mode::kRead);
    auto session = SessionRepository::FindById(*db, id);
    if (!session || session->deleted_at) return std::nullopt;
    return LiveSnapshot{std::move(*session), storage::SlideRepository::List(*db, id),
                        SessionRepository::LatestAudit(*db, id)};
}

std::int64_t SessionService::CountOpen() {
    auto db = database_.Acquire();
    return SessionRepository::CountOpen(*db);
}

std::optional<util::Instant> SessionService::NextEndDate() {
    auto db = database_.Acquire();
    return SessionRepository::NextEndDate(*db);
}

int SessionService::PurgeTrash(util::Instant now) {
    auto db = database_.Acquire();
    return SessionRepository::PurgeTrashedBefore(*db, now - settings_.trash_retention);
}

}  // namespace convene::domain
