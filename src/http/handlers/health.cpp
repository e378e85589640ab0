#include "convene/http/json.hpp"
#include "convene/storage/migrator.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {

Response Healthz(Call& call) {
    if (!call.services.ready()) {
        return JsonResponse(503, {{"status", "unavailable"}});
    }
    Json warnings = Json::array();
    if (IsLoopbackUrl(call.settings.base_url)) {
        warnings.push_back("The base URL " + call.settings.base_url +
                           " is a loopback address: QR codes and links will point phones at "
                           "themselves. Set --base-url.");
    }
    return JsonResponse(200, {{"status", "ok"},
                              {"version", CONVENE_VERSION},
                              {"schema_version", storage::LatestSchemaVersion()},
                              {"base_url", call.settings.base_url},
                              {"warnings", warnings}});
}

Response GetMetrics(Call& call) {
    Response response;
    response.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.SetHeader("Cache-Control", "no-store");
    response.body = call.services.metrics.Render();
    return response;
}

}  // namespace convene::http::handlers
