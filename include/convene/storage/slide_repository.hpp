#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "convene/model/session.hpp"
#include "convene/storage/connection.hpp"

namespace convene::storage {

/// SQL for slides. Stateless.
class SlideRepository {
public:
    /// The session's slides in order.
    static std::vector<model::Slide> List(Connection& db, std::string_view session_id);
    static void Insert(Connection& db, const model::Slide& slide);
    /// Writes title, body and position.
    static void Update(Connection& db, const model::Slide& slide);
    static void Delete(Connection& db, std::string_view slide_id);
};

}  // namespace convene::storage
