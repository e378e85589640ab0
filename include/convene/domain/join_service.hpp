#pragma once

#include <cstdint>
#include <map>
#include <mutex>
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

/// Wrong codes from every client together that a minute may hold before guessing is suspected.
struct CodeGuessingSettings {
    int wrong_codes_per_minute = 300;
};

/// Participants joining by code or link. Thread-safe.
///
/// Wrong codes are throttled per client address (an IPv6 client by its /64) with a growing
/// penalty; links (256 random bits) are never throttled, so a valid link always works, and one
/// noisy client never blocks anyone else. Wrong codes from all clients together have a budget
/// too: past it, guessing from many addresses is suspected, the log says so once a minute, and
/// until the minute is over each address is blocked at its first wrong code (clients that type
/// their code right are not affected).
class JoinService {
public:
    using GuessingSettings = CodeGuessingSettings;
    /// Since start (for metrics): joins, refused joins by error code, wrong codes, and the
    /// minutes in which guessing was suspected.
    struct Counts {
        std::int64_t joins = 0;
        std::map<std::string, std::int64_t> refused;
        std::int64_t wrong_codes = 0;
        std::int64_t alarms = 0;
    };

    JoinService(storage::Database& database, const util::Clock& clock, util::Random& random,
                util::Throttle::Settings throttle, GuessingSettings guessing = {});

    /// By code, by link, or (to come back after a refresh) by participant token alone.
    /// 404 unknown_code; 423 session_closed; 429 rate_limited; 422 invalid_code.
    Result<Joined> Join(const JoinRequest& request);
    /// The participant behind `token`, when it belongs to `session_id` (for live sockets).
    std::optional<model::Participant> AuthenticateParticipant(std::string_view session_id,
                                                              const std::string& token);
    /// The session whose link `token` is, when it is not in the trash.
    std::optional<std::string> LiveLinkSession(const std::string& token);
    Counts Stats() const;

private:
    Result<Joined> JoinOnce(const JoinRequest& request);
    Result<model::Session> FindByCode(const std::string& code, const std::string& client);
    Result<model::Session> FindByParticipant(const std::string& participant_token);
    /// Counts a wrong code against the global budget; true while guessing is suspected.
    bool CountWrongCode();

    storage::Database& database_;
    const util::Clock& clock_;
    util::Random& random_;
    util::Throttle wrong_codes_;
    GuessingSettings guessing_;
    mutable std::mutex guessing_mutex_;
    util::Instant minute_start_{};
    int wrong_this_minute_ = 0;
    Counts stats_;
};

/// True for exactly six ASCII digits.
bool IsSessionCode(std::string_view code);

}  // namespace convene::domain
