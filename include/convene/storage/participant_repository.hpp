#pragma once

#include <optional>
#include <string_view>

#include "convene/model/session.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for participants (their token only as a hash). Stateless.
class ParticipantRepository {
public:
    static void Insert(Connection& db, const model::Participant& participant,
                       std::string_view token_hash);
    static std::optional<model::Participant> FindByTokenHash(Connection& db,
                                                             std::string_view token_hash);
    static void Touch(Connection& db, std::string_view id, util::Instant at);
};

}  // namespace convene::storage
