#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "convene/model/event.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for event teams and speakers. Stateless.
class TeamRepository {
public:
    /// Throws StorageError kUnique when they are in the team already.
    static void AddMember(Connection& db, std::string_view event_id, std::string_view user_id,
                          util::Instant at);
    static bool RemoveMember(Connection& db, std::string_view event_id, std::string_view user_id);
    static bool IsMember(Connection& db, std::string_view event_id, std::string_view user_id);
    static std::vector<model::TeamMember> ListMembers(Connection& db, std::string_view event_id);
    /// Adds (`included`) or leaves out one person for one session, replacing any earlier choice.
    static void Adjust(Connection& db, std::string_view event_session_id, std::string_view user_id,
                       bool included);
    /// The session's team: the event's members not left out of it, and those added to it.
    static std::vector<model::TeamMember> SessionMembers(Connection& db, std::string_view event_id,
                                                         std::string_view event_session_id);

    /// Throws StorageError kUnique when that address speaks at the session already.
    static void AddSpeaker(Connection& db, const model::Speaker& speaker,
                           std::string_view token_hash);
    static bool RemoveSpeaker(Connection& db, std::string_view event_session_id,
                              std::string_view speaker_id);
    static std::vector<model::Speaker> ListSpeakers(Connection& db,
                                                    std::string_view event_session_id);
    static std::optional<model::Speaker> FindSpeakerByToken(Connection& db,
                                                            std::string_view token_hash);
    static void SetSpeakerUser(Connection& db, std::string_view speaker_id,
                               std::string_view user_id);
};

}  // namespace convene::storage
