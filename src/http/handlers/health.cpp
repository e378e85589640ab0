#include "convene/http/json.hpp"
#include "convene/storage/migrator.hpp"
#include "handlers.hpp"

namespace convene::http::handlers {

Response Healthz(Call& call) {
    if (!call.services.ready()) {
        return JsonResponse(503, {{"status", "unavailable"}});
    }
    return JsonResponse(200, {{"status", "ok"},
                              {"version", CONVENE_VERSION},
                              {"schema_version", storage::LatestSchemaVersion()}});
}

}  // namespace convene::http::handlers
