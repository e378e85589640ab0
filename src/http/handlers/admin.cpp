#include "convene/http/json.hpp"
#include "convene/util/time.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {
namespace {

Json OptionalTime(const std::optional<util::Instant>& at) {
    return at ? Json(util::FormatRfc3339(*at)) : Json(nullptr);
}

Json RenderOutboxMessage(const model::OutboxMessage& m) {
    const bool queued = m.status == model::OutboxStatus::kQueued;
    return {{"id", m.id},
            {"message_id", m.message_id},
            {"recipient", m.recipient},
            {"subject", m.subject},
            {"kind", m.kind},
            {"session_id", m.session_id ? Json(*m.session_id) : Json(nullptr)},
            {"status", model::OutboxStatusName(m.status)},
            {"attempts", m.attempts},
            {"created_at", util::FormatRfc3339(m.created_at)},
            {"next_attempt_at", queued ? Json(util::FormatRfc3339(m.due_at)) : Json(nullptr)},
            {"sent_at", OptionalTime(m.sent_at)},
            {"retried_at", OptionalTime(m.retried_at)},
            {"last_error", m.last_error ? Json(*m.last_error) : Json(nullptr)}};
}

}  // namespace

Response ListOutbox(Call& call) {
    constexpr int kDefaultLimit = 100, kMaxLimit = 1000;
    std::optional<model::OutboxStatus> status;
    if (auto text = call.request.QueryParam("status")) {
        if (*text == "queued") {
            status = model::OutboxStatus::kQueued;
        } else if (*text == "sent") {
            status = model::OutboxStatus::kSent;
        } else if (*text == "failed") {
            status = model::OutboxStatus::kFailed;
        } else {
            return Error(call, domain::Invalid("invalid_status",
                                               "status must be queued, sent or failed."));
        }
    }
    int limit = kDefaultLimit;
    if (auto text = call.request.QueryParam("limit")) {
        const auto parsed = ParseDecimal(*text);
        if (!parsed || *parsed < 1 || *parsed > kMaxLimit) {
            return Error(call, domain::Invalid("invalid_limit",
                                               "limit must be a number from 1 to 1000."));
        }
        limit = *parsed;
    }
    const auto page = call.services.outbox.List(status, static_cast<std::size_t>(limit));
    Json messages = Json::array();
    for (const auto& m : page.messages) messages.push_back(RenderOutboxMessage(m));
    return JsonResponse(200, {{"messages", messages},
                              {"counts",
                               {{"queued", page.counts.queued},
                                {"sent", page.counts.sent},
                                {"failed", page.counts.failed}}}});
}

Response RetryOutboxMessage(Call& call) {
    auto message = call.services.outbox.Retry(call.Param("id"));
    if (!message) return Error(call, message.error());
    return JsonResponse(200, {{"message", RenderOutboxMessage(*message)}});
}

}  // namespace convene::http::handlers
