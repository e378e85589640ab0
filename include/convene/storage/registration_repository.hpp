#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "convene/model/event.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for registrations, their personal links and the registration page's visitors.
/// Stateless.
class RegistrationRepository {
public:
    /// Throws StorageError kUnique when the address is registered to that session already.
    static void Insert(Connection& db, const model::Registration& registration);
    static void Delete(Connection& db, std::string_view id);
    static void AddLink(Connection& db, std::string_view token_hash,
                        std::string_view registration_id);
    static std::optional<model::Registration> FindByLink(Connection& db,
                                                         std::string_view token_hash);
    /// A registration of one of the event's sessions, with its session.
    static std::optional<model::Registrant> FindInEvent(Connection& db, std::string_view event_id,
                                                        std::string_view registration_id);
    static std::vector<model::Registration> ListForSession(Connection& db,
                                                           std::string_view event_session_id);
    /// In session order, then in the order they registered; one session only when given.
    static std::vector<model::Registrant> ListForEvent(Connection& db, std::string_view event_id,
                                                       std::optional<std::string_view> session_id);
    static void MarkAttended(Connection& db, std::string_view id, util::Instant at,
                             std::string_view participant_id);

    /// Counts a visitor of the event's registration page once.
    static void RecordVisit(Connection& db, std::string_view event_id,
                            std::string_view visitor_hash, util::Instant at);
    static std::int64_t CountVisits(Connection& db, std::string_view event_id);
};

}  // namespace convene::storage
