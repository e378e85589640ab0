#include "convene/http/json.hpp"
#include "convene/http/security.hpp"
#include "convene/storage/migrator.hpp"
#include "convene/util/zone.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {

Response Healthz(Call& call) {
    if (!call.services.ready()) {
        return JsonResponse(503, {{"status", "unavailable"}});
    }
    const Json warnings = BaseUrlWarnings(call.settings.base_url);
    return JsonResponse(200, {{"status", "ok"},
                              {"version", CONVENE_VERSION},
                              {"schema_version", storage::LatestSchemaVersion()},
                              {"base_url", call.settings.base_url},
                              {"warnings", warnings}});
}

Response Readyz(Call& call) {
    const auto database = call.services.probe();
    const int expected = storage::LatestSchemaVersion();
    const bool schema_ok = database.readable && database.schema_version == expected;
    const bool writable = database.readable && database.write_error.empty();
    Json error = nullptr;
    if (!database.readable) {
        error = "unreadable";
    } else if (!writable) {
        error = database.write_error;
    }
    Json checks = {
        {"database",
         {{"ok", writable}, {"readable", database.readable}, {"writable", writable},
          {"error", error}}},
        {"schema",
         {{"ok", schema_ok}, {"version", database.schema_version}, {"expected", expected}}},
        {"tz", {{"ok", true}, {"version", util::TzDatabaseVersion()}}},
    };
    if (database.readable) {
        const auto counts = call.services.outbox.List(std::nullopt, 0).counts;
        checks["outbox"] = {{"ok", counts.failed == 0},
                            {"queued", counts.queued},
                            {"failed", counts.failed}};
    }
    const Json warnings = BaseUrlWarnings(call.settings.base_url);
    checks["base_url"] = {
        {"ok", warnings.empty()}, {"url", call.settings.base_url}, {"warnings", warnings}};

    // Not ready only when requests would fail whole: reads still work on a full disk, and
    // taking the server out of rotation then would stop them too.
    const bool serving = database.readable && schema_ok;
    bool all_ok = true;
    for (const auto& [name, check] : checks.items()) all_ok = all_ok && check["ok"].get<bool>();
    const auto status = !serving ? "unavailable" : all_ok ? "ready" : "degraded";
    return JsonResponse(serving ? 200 : 503, {{"status", status}, {"checks", checks}});
}

Response GetMetrics(Call& call) {
    Response response;
    response.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.SetHeader("Cache-Control", "no-store");
    response.body = call.services.metrics.Render();
    return response;
}

}  // namespace convene::http::handlers
