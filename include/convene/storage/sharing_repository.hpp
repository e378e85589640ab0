#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "convene/model/mail.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for co-facilitators and their pending invitations. Stateless.
class SharingRepository {
public:
    static std::vector<model::Facilitator> ListFacilitators(Connection& db,
                                                            std::string_view session_id);
    /// False when the user was not a co-facilitator of the session.
    static bool RemoveFacilitator(Connection& db, std::string_view session_id,
                                  std::string_view user_id);

    /// Throws StorageError kUnique when that address is already invited to the session.
    static void InsertInvitation(Connection& db, const model::FacilitatorInvitation& invitation);
    static std::vector<model::FacilitatorInvitation> ListInvitations(Connection& db,
                                                                     std::string_view session_id);
    static std::vector<model::FacilitatorInvitation> InvitationsForEmail(Connection& db,
                                                                         std::string_view email);
    static bool DeleteInvitation(Connection& db, std::string_view session_id,
                                 std::string_view id);
    static void DeleteInvitationsForEmail(Connection& db, std::string_view email);
};

}  // namespace convene::storage
