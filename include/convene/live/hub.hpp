#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "convene/domain/session_events.hpp"
#include "convene/domain/session_service.hpp"
#include "convene/util/metrics.hpp"

namespace convene::live {

/// Who a live connection speaks for. Each message is built once per audience, so a
/// facilitator-only field (the code, the link) never enters a participant's copy.
enum class Audience { kFacilitator, kParticipant };

/// A live connection, as the Hub sees it (the transport's WebSocket session implements it).
/// Both calls are thread-safe and never block: they queue work for the connection's I/O
/// thread, in the order they were made.
class Subscriber {
public:
    virtual ~Subscriber() = default;
    /// Queues a message. `whole_state` messages carry everything their audience may see, so a
    /// connection that lags may drop older queued ones in favour of the newest.
    virtual void Deliver(std::shared_ptr<const std::string> message, bool whole_state) = 0;
    /// Sends what is queued, then closes with this WebSocket close code.
    virtual void Close(std::uint16_t code, std::string reason) = 0;
};

/// WebSocket close codes Convene uses besides the standard ones.
inline constexpr std::uint16_t kCloseSessionClosed = 4000;   ///< participants, at close
inline constexpr std::uint16_t kCloseSessionDeleted = 4404;  ///< everyone, at deletion
inline constexpr std::uint16_t kCloseAccessRemoved = 4403;   ///< a removed co-facilitator

/// Rooms per session, audiences per room, fan-out of every committed change. Thread-safe.
///
/// Messages: `{"type", "version", "status", "participant_count", ...}`. The first one on a
/// connection is `state`; later ones are named after the change (`opened`, `closed`,
/// `ends_at`, `title`, `code`, `slides`, `active_slide`, `participants`, `deleted`) and carry
/// the same whole state, so a client may apply any of them and ignore older versions.
/// `version` grows by one per change in a room; it starts from the wall clock in
/// milliseconds when the room is made, so it keeps growing across restarts.
class Hub final : public domain::SessionEvents {
public:
    struct Settings {
        std::string base_url;
        /// Participant-count pushes are coalesced to at most one per interval per room.
        std::chrono::milliseconds count_interval{250};
        /// Told the participant counts each flush pushed (0 for a room everyone left), on
        /// the flushing thread, outside every lock: the sessions' attendance over time.
        std::function<void(const std::vector<std::pair<std::string, std::size_t>>&)> counted;
        /// When set, observes each change's fan-out: from the change to its message handed
        /// to every socket of the room (loading the state, serialising, queueing).
        util::Histogram* broadcast_seconds = nullptr;
    };
    using Loader = std::function<std::optional<domain::LiveSnapshot>(std::string_view)>;

    Hub(Loader loader, Settings settings);
    ~Hub() override;
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    /// Sets the base URL used in facilitators' join links (before serving starts).
    void SetBaseUrl(std::string base_url);

    /// Adds the subscriber to the session's room and delivers the initial `state` to it.
    /// `identity` is the user id (facilitators) or participant id. A participant of a
    /// closed session gets the closed state and is then disconnected. False when the
    /// session is gone (nothing was delivered).
    bool Subscribe(const std::string& session_id, Audience audience, const std::string& identity,
                   const std::shared_ptr<Subscriber>& subscriber);
    void Unsubscribe(const std::string& session_id, const Subscriber* subscriber);

    void SessionChanged(std::string_view session_id, domain::SessionEvent change) override;
    void AccessRevoked(std::string_view session_id, std::string_view user_id) override {
        Disconnect(std::string(session_id), std::string(user_id));
    }
    /// Tells the sockets `identity` holds on a session that access was removed
    /// (`{"type":"access_removed"}`), then closes them with 4403 (a co-facilitator removed).
    void Disconnect(const std::string& session_id, const std::string& identity);
    /// Closes every connection (server shutdown).
    void CloseAll();

    std::size_t Connections() const;
    struct SocketCounts {
        std::size_t facilitators = 0;
        std::size_t participants = 0;
    };
    /// Open sockets by audience, over every room.
    SocketCounts Sockets() const;

private:
    struct Member {
        std::weak_ptr<Subscriber> subscriber;
        Audience audience;
        std::string identity;
    };
    struct Room {
        /// By subscriber: a crowd of 10,000 leaving finds each one at once (a list made it
        /// quadratic, under the lock every fan-out needs).
        std::unordered_map<const Subscriber*, Member> members;
        std::uint64_t version = 0;
        std::size_t participants = 0;
        bool count_dirty = false;
        std::string status;
    };
    struct Messages {
        std::shared_ptr<const std::string> facilitator;
        std::shared_ptr<const std::string> participant;
    };

    Messages Build(std::string_view type, std::uint64_t version, std::size_t participants,
                   const domain::LiveSnapshot& snapshot) const;
    Messages BuildCount(std::uint64_t version, const Room& room) const;
    Room& RoomFor(const std::string& session_id);
    void FlushCounts();

    Loader loader_;
    Settings settings_;
    /// Held while a change is loaded, numbered and handed out, so that versions and contents
    /// agree (a later version never carries an older state).
    std::mutex publish_mutex_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Room> rooms_;
    std::condition_variable counts_changed_;
    bool stopping_ = false;
    std::thread flusher_;
};

}  // namespace convene::live
