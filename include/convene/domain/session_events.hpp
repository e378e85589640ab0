#pragma once

#include <string_view>

namespace convene::domain {

/// What changed about a session, for live updates.
enum class SessionEvent {
    kOpened,
    kClosed,  ///< by the owner or by expiry (the session says which)
    kEndDate,
    kTitle,
    kCode,  ///< a new code and link: facilitators only ever see them
    kSlides,
    kActiveSlide,
    kDeleted,  ///< moved to the trash
};

/// Told about every committed change to a session. Implementations must not block for long
/// and must be thread-safe: services call them after their transaction commits, from
/// whatever thread ran the request or job.
class SessionEvents {
public:
    virtual ~SessionEvents() = default;
    virtual void SessionChanged(std::string_view session_id, SessionEvent change) = 0;
    /// A co-facilitator lost access: their live sockets on the session must go.
    virtual void AccessRevoked(std::string_view session_id, std::string_view user_id) = 0;
};

/// For tests and tools that have no live clients.
class NoSessionEvents final : public SessionEvents {
public:
    void SessionChanged(std::string_view, SessionEvent) override {}
    void AccessRevoked(std::string_view, std::string_view) override {}
};

}  // namespace convene::domain
