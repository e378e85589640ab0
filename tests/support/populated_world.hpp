#pragma once

#include <cstdint>
#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "convene/storage/connection.hpp"
#include "router_world.hpp"

namespace convene::testing {

/// The kinds of caller a route can meet.
enum class Role { kAnonymous, kParticipant, kOtherMember, kCoFacilitator, kOwner, kAdmin };
inline constexpr Role kRoles[] = {Role::kAnonymous,     Role::kParticipant, Role::kOtherMember,
                                  Role::kCoFacilitator, Role::kOwner,       Role::kAdmin};

inline std::string Name(Role role) {
    switch (role) {
        case Role::kAnonymous: return "anonymous";
        case Role::kParticipant: return "participant";
        case Role::kOtherMember: return "other member";
        case Role::kCoFacilitator: return "co-facilitator";
        case Role::kOwner: return "owner";
        case Role::kAdmin: return "admin";
    }
    return "?";
}

/// What a PopulatedWorld's callers hold: cookies, ids and tokens of its things.
struct WorldKeys {
    std::map<Role, std::string> cookies;
    std::map<std::string, std::string> ids;
    std::string participant_token;
    std::string code;
};

/// A router over a world with one of everything: an admin (the first account), an owner with
/// a session (a slide, a co-facilitator, a pending invitation, a participant), a trashed
/// session, an API token and an event (a session ahead, a team member who is the session's
/// co-facilitator too, a registrant, a speaker), and another member with nothing of theirs.
/// Used by the authorisation matrix and the fuzz targets; throws when the world cannot be built.
class PopulatedWorld : public RouterWorld, public WorldKeys {
public:
    /// Builds the world in a fresh database (`db_path`, :memory: by default).
    explicit PopulatedWorld(std::string db_path = ":memory:", std::uint64_t seed = 42)
        : RouterWorld({}, kBase, std::move(db_path), seed) {
        Build();
    }
    /// Takes up a world built before: a copy of its database file and its keys. `seed` must
    /// differ from the builder's, or new ids would repeat the ones the database holds.
    PopulatedWorld(WorldKeys keys, std::string db_path, std::uint64_t seed)
        : RouterWorld({}, kBase, std::move(db_path), seed), WorldKeys(std::move(keys)) {}

    /// `pattern` (a route's, or any path) with every `{capture}` filled with a thing of this
    /// world: which thing an `{id}` or `{token}` is follows from where it stands.
    std::string Fill(std::string_view pattern) const;

    /// Headers a browser of `role` sends: the site's Origin and the role's cookie, if any (a
    /// participant's token goes in the query instead).
    http::Headers HeadersOf(Role role) const {
        http::Headers headers{{"Origin", kBase}};
        if (const auto cookie = cookies.find(role); cookie != cookies.end()) {
            headers.emplace_back("Cookie", cookie->second);
        }
        return headers;
    }

private:
    void Build() {
        cookies[Role::kAdmin] = SignUp("admin@example.org");
        cookies[Role::kOwner] = SignUp("owner@example.org");
        cookies[Role::kCoFacilitator] = SignUp("cora@example.org");
        cookies[Role::kOtherMember] = SignUp("other@example.org");
        const auto owner = AsBrowser(cookies[Role::kOwner]);
        using http::Method;

        auto session = Ok(Send(Method::kPost, "/api/sessions", R"({"title":"S"})", owner));
        ids["{id}@session"] = session["id"];
        const std::string join_url = session["join_url"];
        ids["{token}@j"] = join_url.substr(join_url.rfind('/') + 1);
        code = session["code"];
        const std::string s = "/api/sessions/" + ids["{id}@session"];
        auto cora =
            Ok(Send(Method::kPost, s + "/facilitators", R"({"email":"cora@example.org"})", owner));
        ids["{user_id}@facilitator"] = cora["facilitator"]["user_id"];
        auto pending =
            Ok(Send(Method::kPost, s + "/facilitators", R"({"email":"later@example.org"})", owner));
        ids["{invitation_id}"] = pending["invitation"]["id"];
        ids["{slide_id}"] = Ok(Send(Method::kPost, s + "/slides", R"({"title":"One"})", owner))["id"];
        participant_token = Ok(Send(Method::kPost, "/api/join",
                                    nlohmann::json{{"code", code}}.dump()))["participant_token"];

        auto trashed = Ok(Send(Method::kPost, "/api/sessions", R"({"title":"T"})", owner));
        ids["{id}@trash"] = trashed["id"];
        Send(Method::kDelete, "/api/sessions/" + ids["{id}@trash"], {}, owner);
        ids["{id}@token"] = Ok(Send(Method::kPost, "/api/tokens", R"({"name":"t"})", owner))["id"];

        auto event = Ok(Send(Method::kPost, "/api/events", R"({"title":"E"})", owner));
        ids["{id}@event"] = event["id"];
        ids["{slug}"] = event["slug"];
        const std::string e = "/api/events/" + ids["{id}@event"];
        auto added = Ok(Send(Method::kPost, e + "/sessions",
                             R"({"start":"2030-01-10T10:00","timezone":"Europe/Paris"})", owner));
        ids["{session_id}"] = added["sessions"][0]["id"];
        const std::string es = e + "/sessions/" + ids["{session_id}"];
        ids["{user_id}@team"] =
            Ok(Send(Method::kPost, e + "/team", R"({"email":"cora@example.org"})", owner))["user_id"];
        auto registrant = Ok(Send(Method::kPost, es + "/registrants",
                                  R"({"name":"Reg","email":"reg@example.org"})", owner));
        ids["{registration_id}"] = registrant["id"];
        const std::string link = registrant["link"];
        ids["{token}@r"] = link.substr(link.rfind('/') + 1);
        ids["{speaker_id}"] = Ok(Send(Method::kPost, es + "/speakers",
                                      R"({"name":"Spe","email":"spe@example.org"})", owner))["id"];
        // The speaker's link is only in their email.
        auto db = database.Acquire();
        auto text = db->Prepare("SELECT text_body FROM outbox WHERE recipient = 'spe@example.org'")
                        .ReadOne([](const storage::Statement& row) { return row.Text(0); });
        std::smatch match;
        if (text && std::regex_search(*text, match, std::regex("/s/([A-Za-z0-9_-]+)"))) {
            ids["{token}@s"] = match[1];
        }
        ids["{id}@outbox"] = *db->Prepare("SELECT id FROM outbox LIMIT 1")
                                  .ReadOne([](const storage::Statement& row) { return row.Text(0); });
    }

    std::string Id(const std::string& key) const {
        const auto found = ids.find(key);
        if (found == ids.end() || found->second.empty()) {
            throw std::logic_error("the world has no " + key);
        }
        return found->second;
    }

    static nlohmann::json Ok(const http::Response& response) {
        if (response.status >= 300) {
            throw std::runtime_error("building the world: " + std::to_string(response.status) +
                                     " " + response.body);
        }
        return nlohmann::json::parse(response.body);
    }
};

inline std::string PopulatedWorld::Fill(std::string_view pattern) const {
    std::string path(pattern);
    const std::string p(pattern);
    const auto kind = p.starts_with("/api/events") || p.starts_with("/events") ? "event"
                      : p.starts_with("/api/trash")                           ? "trash"
                      : p.starts_with("/api/tokens")                          ? "token"
                      : p.starts_with("/api/admin/outbox")                    ? "outbox"
                                                                              : "session";
    const auto user = p.find("/team/") != std::string::npos ? "team" : "facilitator";
    const auto token = p.starts_with("/j/")                   ? "j"
                       : p.find("registrations/{token}") != std::string::npos ||
                               p.starts_with("/r/")
                           ? "r"
                           : "s";
    const std::map<std::string, std::string> values{
        {"{id}", Id("{id}@" + std::string(kind))},
        {"{user_id}", Id("{user_id}@" + std::string(user))},
        {"{token}", Id("{token}@" + std::string(token))},
        {"{slide_id}", Id("{slide_id}")},
        {"{invitation_id}", Id("{invitation_id}")},
        {"{session_id}", Id("{session_id}")},
        {"{registration_id}", Id("{registration_id}")},
        {"{speaker_id}", Id("{speaker_id}")},
        {"{slug}", Id("{slug}")},
    };
    for (const auto& [capture, value] : values) {
        for (auto at = path.find(capture); at != std::string::npos; at = path.find(capture)) {
            path.replace(at, capture.size(), value);
        }
    }
    return path;
}

}  // namespace convene::testing
