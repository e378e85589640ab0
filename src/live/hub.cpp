#include "convene/live/hub.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "convene/http/render.hpp"

namespace convene::live {
namespace {

using http::Json;

std::uint64_t WallClockMillis() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

std::string_view TypeOf(domain::SessionEvent change) {
    using domain::SessionEvent;
    switch (change) {
        case SessionEvent::kOpened: return "opened";
        case SessionEvent::kClosed: return "closed";
        case SessionEvent::kEndDate: return "ends_at";
        case SessionEvent::kTitle: return "title";
        case SessionEvent::kCode: return "code";
        case SessionEvent::kSlides: return "slides";
        case SessionEvent::kActiveSlide: return "active_slide";
        case SessionEvent::kDeleted: return "deleted";
    }
    return "state";
}

/// Changes that leave an entry in the audit trail.
bool Audited(std::string_view type) {
    return type == "opened" || type == "closed" || type == "ends_at" || type == "code";
}

const model::Slide* ActiveSlide(const domain::LiveSnapshot& snapshot) {
    for (const auto& slide : snapshot.slides) {
        if (snapshot.session.active_slide_id == slide.id) return &slide;
    }
    return nullptr;
}

std::shared_ptr<const std::string> Share(const Json& json) {
    return std::make_shared<const std::string>(
        json.dump(-1, ' ', false, Json::error_handler_t::replace));
}

void DeliverAll(const std::vector<std::pair<std::shared_ptr<Subscriber>, Audience>>& targets,
                const std::shared_ptr<const std::string>& facilitator,
                const std::shared_ptr<const std::string>& participant, bool whole_state) {
    for (const auto& [subscriber, audience] : targets) {
        subscriber->Deliver(audience == Audience::kFacilitator ? facilitator : participant,
                            whole_state);
    }
}

}  // namespace

Hub::Hub(Loader loader, Settings settings)
    : loader_(std::move(loader)), settings_(std::move(settings)) {
    flusher_ = std::thread([this] { FlushCounts(); });
}

Hub::~Hub() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    counts_changed_.notify_all();
    flusher_.join();
}

void Hub::SetBaseUrl(std::string base_url) { settings_.base_url = std::move(base_url); }

Hub::Messages Hub::Build(std::string_view type, std::uint64_t version, std::size_t participants,
                         const domain::LiveSnapshot& snapshot) const {
    const auto& session = snapshot.session;
    const auto* active = ActiveSlide(snapshot);
    const char* status = model::StatusName(session.status);

    // Facilitators: the whole session (code and link included) and every slide.
    auto facilitator_session =
        http::RenderSession(session, model::SessionRole::kOwner, settings_.base_url);
    facilitator_session.erase("role");  // one copy for all facilitators: roles differ
    Json slides = Json::array();
    for (const auto& slide : snapshot.slides) {
        slides.push_back(http::RenderSlide(slide, active == &slide));
    }
    Json facilitator = {{"type", type},
                        {"version", version},
                        {"status", status},
                        {"participant_count", participants},
                        {"session", facilitator_session},
                        {"slides", slides},
                        {"active_slide", active ? http::RenderSlide(*active, true) : Json(nullptr)}};
    if (Audited(type) && snapshot.latest_audit) {
        facilitator["audit_entry"] = http::RenderAuditEntry(*snapshot.latest_audit);
    }

    // Participants: what the room shows, never the code or the link.
    auto public_session = http::RenderPublicSession(session);
    public_session["closed_at"] = facilitator_session["closed_at"];
    public_session["close_reason"] = facilitator_session["close_reason"];
    Json participant = {{"type", type},
                        {"version", version},
                        {"status", status},
                        {"participant_count", participants},
                        {"session", public_session},
                        {"active_slide", active ? http::RenderPublicSlide(*active) : Json(nullptr)}};
    return {Share(facilitator), Share(participant)};
}

Hub::Messages Hub::BuildCount(std::uint64_t version, const Room& room) const {
    auto message = Share({{"type", "participants"},
                          {"version", version},
                          {"status", room.status},
                          {"participant_count", room.participants}});
    return {message, message};
}

Hub::Room& Hub::RoomFor(const std::string& session_id) {
    auto [it, created] = rooms_.try_emplace(session_id);
    if (created) it->second.version = WallClockMillis();
    return it->second;
}

bool Hub::Subscribe(const std::string& session_id, Audience audience, const std::string& identity,
                    const std::shared_ptr<Subscriber>& subscriber) {
    std::lock_guard publishing(publish_mutex_);
    auto snapshot = loader_(session_id);
    if (!snapshot) return false;
    std::uint64_t version = 0;
    std::size_t participants = 0;
    {
        std::lock_guard lock(mutex_);
        Room& room = RoomFor(session_id);
        room.members.try_emplace(subscriber.get(), Member{subscriber, audience, identity});
        room.status = model::StatusName(snapshot->session.status);
        if (audience == Audience::kParticipant) {
            ++room.participants;
            room.count_dirty = true;
        }
        version = room.version;
        participants = room.participants;
    }
    counts_changed_.notify_all();
    auto messages = Build("state", version, participants, *snapshot);
    subscriber->Deliver(
        audience == Audience::kFacilitator ? messages.facilitator : messages.participant, true);
    if (audience == Audience::kParticipant &&
        snapshot->session.status == model::SessionStatus::kClosed) {
        subscriber->Close(kCloseSessionClosed, "session closed");
    }
    return true;
}

void Hub::Unsubscribe(const std::string& session_id, const Subscriber* subscriber) {
    {
        std::lock_guard lock(mutex_);
        auto it = rooms_.find(session_id);
        if (it == rooms_.end()) return;
        Room& room = it->second;
        auto member = room.members.find(subscriber);
        if (member == room.members.end()) return;
        if (member->second.audience == Audience::kParticipant) {
            --room.participants;
            room.count_dirty = true;
        }
        room.members.erase(member);
        // An empty room is kept only while a count push is pending; then it goes.
        if (room.members.empty() && !room.count_dirty) rooms_.erase(it);
    }
    counts_changed_.notify_all();
}

void Hub::SessionChanged(std::string_view session_id, domain::SessionEvent change) {
    const auto started = std::chrono::steady_clock::now();
    const std::string id(session_id);
    std::lock_guard publishing(publish_mutex_);
    {
        std::lock_guard lock(mutex_);
        if (!rooms_.contains(id)) return;  // nobody is watching: no need to read anything
    }
    auto snapshot = loader_(session_id);
    const bool deleted = change == domain::SessionEvent::kDeleted || !snapshot;

    std::vector<std::pair<std::shared_ptr<Subscriber>, Audience>> targets;
    std::uint64_t version = 0;
    std::size_t participants = 0;
    {
        std::lock_guard lock(mutex_);
        auto it = rooms_.find(id);
        if (it == rooms_.end()) return;
        Room& room = it->second;
        version = ++room.version;
        participants = room.participants;
        for (const auto& [key, member] : room.members) {
            if (auto subscriber = member.subscriber.lock()) {
                targets.emplace_back(std::move(subscriber), member.audience);
            }
        }
        if (snapshot) room.status = model::StatusName(snapshot->session.status);
        if (deleted) rooms_.erase(it);
    }

    if (deleted) {
        auto message = Share({{"type", "deleted"},
                              {"version", version},
                              {"status", "deleted"},
                              {"participant_count", participants}});
        for (const auto& [subscriber, audience] : targets) {
            subscriber->Deliver(message, true);
            subscriber->Close(kCloseSessionDeleted, "session deleted");
        }
        return;
    }
    auto messages = Build(TypeOf(change), version, participants, *snapshot);
    DeliverAll(targets, messages.facilitator, messages.participant, true);
    if (settings_.broadcast_seconds != nullptr) {
        settings_.broadcast_seconds->Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    if (snapshot->session.status == model::SessionStatus::kClosed) {
        // Participants have seen the closed state; now they are let go.
        for (const auto& [subscriber, audience] : targets) {
            if (audience == Audience::kParticipant) {
                subscriber->Close(kCloseSessionClosed, "session closed");
            }
        }
    }
}

void Hub::Disconnect(const std::string& session_id, const std::string& identity) {
    std::vector<std::shared_ptr<Subscriber>> targets;
    {
        std::lock_guard lock(mutex_);
        auto it = rooms_.find(session_id);
        if (it == rooms_.end()) return;
        for (const auto& [key, member] : it->second.members) {
            if (member.identity != identity) continue;
            if (auto subscriber = member.subscriber.lock()) targets.push_back(std::move(subscriber));
        }
    }
    const auto message = Share({{"type", "access_removed"}});
    for (const auto& subscriber : targets) {
        subscriber->Deliver(message, true);
        subscriber->Close(kCloseAccessRemoved, "access removed");
    }
}

void Hub::CloseAll() {
    std::vector<std::shared_ptr<Subscriber>> targets;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, room] : rooms_) {
            for (const auto& [key, member] : room.members) {
                if (auto subscriber = member.subscriber.lock()) {
                    targets.push_back(std::move(subscriber));
                }
            }
        }
    }
    for (const auto& subscriber : targets) subscriber->Close(1001, "server shutting down");
}

std::size_t Hub::Connections() const {
    const auto sockets = Sockets();
    return sockets.facilitators + sockets.participants;
}

Hub::SocketCounts Hub::Sockets() const {
    std::lock_guard lock(mutex_);
    SocketCounts counts;
    for (const auto& [id, room] : rooms_) {
        for (const auto& [key, member] : room.members) {
            ++(member.audience == Audience::kParticipant ? counts.participants
                                                         : counts.facilitators);
        }
    }
    return counts;
}

void Hub::FlushCounts() {
    using Targets = std::vector<std::pair<std::shared_ptr<Subscriber>, Audience>>;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            counts_changed_.wait(lock, [&] {
                return stopping_ || std::any_of(rooms_.begin(), rooms_.end(), [](const auto& r) {
                           return r.second.count_dirty;
                       });
            });
            // Wait out the interval first: every join within it ends up in one push.
            counts_changed_.wait_for(lock, settings_.count_interval, [&] { return stopping_; });
            if (stopping_) return;
        }
        // Same lock order as every publisher: numbering and handing out stay in step.
        std::lock_guard publishing(publish_mutex_);
        std::vector<std::pair<Targets, Messages>> pushes;
        std::vector<std::pair<std::string, std::size_t>> counts;
        {
            std::lock_guard lock(mutex_);
            for (auto it = rooms_.begin(); it != rooms_.end();) {
                Room& room = it->second;
                if (!room.count_dirty) {
                    ++it;
                    continue;
                }
                room.count_dirty = false;
                counts.emplace_back(it->first, room.participants);
                if (room.members.empty()) {
                    it = rooms_.erase(it);
                    continue;
                }
                Targets targets;
                for (const auto& [key, member] : room.members) {
                    if (auto subscriber = member.subscriber.lock()) {
                        targets.emplace_back(std::move(subscriber), member.audience);
                    }
                }
                pushes.emplace_back(std::move(targets), BuildCount(++room.version, room));
                ++it;
            }
        }
        for (const auto& [targets, messages] : pushes) {
            DeliverAll(targets, messages.facilitator, messages.participant, false);
        }
        if (settings_.counted) {
            try {
                settings_.counted(counts);
            } catch (const std::exception& e) {
                // Attendance history is a record, not the service: pushes go on without it.
                spdlog::warn("could not record attendance: {}", e.what());
            }
        }
    }
}

}  // namespace convene::live
