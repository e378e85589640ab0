#include "convene/domain/join_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "convene/domain/validation.hpp"
#include "convene/storage/participant_repository.hpp"
#include "convene/storage/session_repository.hpp"
#include "convene/util/address.hpp"
#include "convene/util/hash.hpp"

namespace convene::domain {
namespace {

constexpr std::string_view kParticipantPrefix = "ptk_";

AppError UnknownCode() {
    return NotFound("unknown_code", "No open session has this code. Check the digits.");
}

}  // namespace

bool IsSessionCode(std::string_view code) {
    return code.size() == 6 &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

JoinService::JoinService(storage::Database& database, const util::Clock& clock,
                         util::Random& random, util::Throttle::Settings throttle,
                         GuessingSettings guessing)
    : database_(database),
      clock_(clock),
      random_(random),
      wrong_codes_(clock, throttle),
      guessing_(guessing) {}

bool JoinService::CountWrongCode() {
    std::lock_guard lock(guessing_mutex_);
    const auto now = clock_.Now();
    if (now - minute_start_ >= std::chrono::minutes{1}) {
        minute_start_ = now;
        wrong_this_minute_ = 0;
    }
    ++stats_.wrong_codes;
    if (++wrong_this_minute_ <= guessing_.wrong_codes_per_minute) return false;
    if (wrong_this_minute_ == guessing_.wrong_codes_per_minute + 1) {
        ++stats_.alarms;
        spdlog::warn("join codes: over {} wrong codes within a minute from all clients together; "
                     "guessing suspected: until the minute is over, an address is blocked at its "
                     "first wrong code",
                     guessing_.wrong_codes_per_minute);
    }
    return true;
}

JoinService::Counts JoinService::Stats() const {
    std::lock_guard lock(guessing_mutex_);
    return stats_;
}

Result<model::Session> JoinService::FindByCode(const std::string& code,
                                               const std::string& client) {
    if (!IsSessionCode(code)) {
        return Invalid("invalid_code", "A session code is exactly 6 digits.");
    }
    const auto key = util::AddressKey(client);
    if (auto wait = wrong_codes_.Check(key)) {
        return RateLimited(*wait, "Too many wrong codes. Wait a moment before trying again.");
    }
    std::optional<model::Session> session;
    {
        auto db = database_.Acquire();
        session = storage::SessionRepository::FindByCode(*db, code);
    }
    if (!session) {
        const bool suspected = CountWrongCode();
        wrong_codes_.RecordFailure(key, suspected ? wrong_codes_.MaxFailures() : 1);
        return UnknownCode();
    }
    return *session;
}

Result<model::Session> JoinService::FindByParticipant(const std::string& participant_token) {
    auto db = database_.Acquire();
    auto participant = storage::ParticipantRepository::FindByTokenHash(
        *db, util::Sha256Hex(participant_token));
    auto session = participant ? storage::SessionRepository::FindById(*db, participant->session_id)
                               : std::nullopt;
    if (!session || session->deleted_at) {
        return NotFound("unknown_code", "This participant token is no longer valid.");
    }
    return *session;
}

std::optional<model::Participant> JoinService::AuthenticateParticipant(
    std::string_view session_id, const std::string& token) {
    if (!token.starts_with(kParticipantPrefix)) return std::nullopt;
    auto db = database_.Acquire();
    auto participant =
        storage::ParticipantRepository::FindByTokenHash(*db, util::Sha256Hex(token));
    if (!participant || participant->session_id != session_id) return std::nullopt;
    return participant;
}

std::optional<std::string> JoinService::LiveLinkSession(const std::string& token) {
    auto db = database_.Acquire();
    auto session = storage::SessionRepository::FindByLinkToken(*db, token);
    if (!session) return std::nullopt;
    return session->id;
}

Result<Joined> JoinService::Join(const JoinRequest& request) {
    auto joined = JoinOnce(request);
    std::lock_guard lock(guessing_mutex_);
    if (joined) {
        ++stats_.joins;
    } else {
        ++stats_.refused[joined.error().code];
    }
    return joined;
}

Result<Joined> JoinService::JoinOnce(const JoinRequest& request) {
    Result<model::Session> found = UnknownCode();
    if (request.link) {
        auto db = database_.Acquire();
        auto session = storage::SessionRepository::FindByLinkToken(*db, *request.link);
        if (!session) {
            return NotFound("unknown_code", "This link is no longer valid. Ask for a new one.");
        }
        found = *session;
    } else if (request.code) {
        found = FindByCode(Trim(*request.code), request.client);
    } else if (request.participant_token) {
        found = FindByParticipant(*request.participant_token);
    } else {
        return Invalid("invalid_code", "Give the 6-digit code or the join link.");
    }
    if (!found) return found.error();
    const auto now = clock_.Now();
    const auto& session = *found;
    if (session.status == model::SessionStatus::kClosed ||
        (session.ends_at && *session.ends_at <= now)) {
        return AppError{ErrorKind::kClosed, "session_closed", "This session is closed.",
                        std::nullopt};
    }

    auto db = database_.Acquire();
    if (request.participant_token && request.participant_token->starts_with(kParticipantPrefix)) {
        auto participant = storage::ParticipantRepository::FindByTokenHash(
            *db, util::Sha256Hex(*request.participant_token));
        if (participant && participant->session_id == session.id) {
            if (storage::WriteIfWritable(
                    [&] { storage::ParticipantRepository::Touch(*db, participant->id, now); })) {
                participant->last_seen_at = now;
            }
            return Joined{session, *participant, *request.participant_token, true};
        }
    }
    Joined joined{session, {random_.Id(), session.id, now, now}, random_.Token(kParticipantPrefix),
                  false};
    storage::ParticipantRepository::Insert(*db, joined.participant,
                                           util::Sha256Hex(joined.participant_token));
    return joined;
}

}  // namespace convene::domain
