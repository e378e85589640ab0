#pragma once

#include <optional>
#include <string>

#include "convene/domain/error.hpp"
#include "convene/model/session.hpp"
#include "convene/storage/database.hpp"
#include "convene/util/clock.hpp"
#include "convene/util/random.hpp"
#include "convene/util/throttle.hpp"

namespace convene::domain {

struct JoinRequest {
    std::optional<std::string> code;
    /// The token of a join link (`<base-url>/j/<token>`).
    std::optional<std::string> link;
    /// A participant token from an earlier join: the same participant comes back.
    std::optional<std::string> participant_token;
    /// The client's address, for throttling wrong codes.
    std::string client;
};

struct Joined {
    model::Session session;
    model::Participant participant;
    std::string participant_token;
    bool returning = false;
};

/// Participants joining by code or link. Thread-safe.
///
/// Wrong codes are throttled per client address with a growing penalty; links (256 random
/// bits) are never throttled, so a valid link always works, and one noisy client never
/// blocks anyone else.
class JoinService {
public:
    JoinService(storage::Database& database, const util::Clock& clock, util::Random& random,
                util::Throttle::Settings throttle);

    /// By code, by link, or (to come back after a refresh) by participant token alone.
    /// 404 unknown_code; 423 session_closed; 429 rate_limited; 422 invalid_code.
    Result<Joined> Join(const JoinRequest& request);
    /// The participant behind `token`, when it belongs to `session_id` (for live sockets).
    std::optional<model::Participant> AuthenticateParticipant(std::string_view session_id,
                                                              const std::string& token);
    /// The session whose link `token` is, when it is not in the trash.
    std::optional<std::string> LiveLinkSession(const std::string& token);

private:
    Result<model::Session> FindByCode(const std::string& code, const std::string& client);
    Result<model::Session> FindByParticipant(const std::string& participant_token);

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    util::Throttle wrong_codes_;
};

/// True for exactly six ASCII digits.
bool IsSessionCode(std::string_view code);

}  // namespace convene::domain
