#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "convene/domain/account_service.hpp"
#include "convene/domain/event_service.hpp"
#include "convene/domain/facilitator_service.hpp"
#include "convene/domain/invitation_service.hpp"
#include "convene/domain/join_service.hpp"
#include "convene/domain/outbox_service.hpp"
#include "convene/domain/registration_service.hpp"
#include "convene/domain/replay_service.hpp"
#include "convene/domain/session_service.hpp"
#include "convene/domain/slide_service.hpp"
#include "convene/domain/team_service.hpp"
#include "convene/storage/migrator.hpp"
#include "convene/storage/session_repository.hpp"
#include "fakes.hpp"

namespace convene::testing {

/// Every service over one migrated database (:memory: unless told), with a fake clock and
/// seeded random.
/// Plain (no GoogleTest) so that the fuzz targets build the same world as the tests.
class ServiceWorld {
public:
    /// `db_path` another database than a fresh :memory: one (migrated if it is not yet);
    /// `seed` the fake random's.
    explicit ServiceWorld(std::string db_path = ":memory:", std::uint64_t seed = 42)
        : database({.path = std::move(db_path)}),
          random(seed),
          hasher(domain::PasswordHasher::MinimumForTest()),
          accounts(database, clock, random, hasher, domain::AccountService::Settings{}),
          sessions(database, clock, random, events, [this] { ++end_date_changes; },
                   domain::SessionService::Settings{}),
          joins(database, clock, random, util::Throttle::Settings{}),
          slides(database, clock, random, events),
          mail_budget(clock, 300),
          facilitators(database, clock, random, events, mail_budget),
          invitations(database, clock, random, mail_budget, {.max_per_request = 200}),
          outbox(database, clock),
          event_service(database, clock, random, sessions),
          registrations(database, clock, random, event_service, joins, mail_budget),
          team(database, clock, random, event_service, accounts, mail_budget),
          replays(database, clock, event_service) {
        facilitators.SetBaseUrl("http://convene.test");
        invitations.SetBaseUrl("http://convene.test");
        event_service.SetBaseUrl("http://convene.test");
        auto db = database.Acquire();
        storage::Migrate(*db, storage::EmbeddedMigrationsFor(*db));
    }

    model::User NewUser(const std::string& email) {
        auto signed_in = accounts.Signup({email, "long enough", "Test User"});
        if (!signed_in) throw std::runtime_error("could not sign up " + email);
        return signed_in->user;
    }

    /// Co-facilitators arrive by email invitation (a later feature); tests add them directly.
    void AddFacilitator(const std::string& session_id, const model::User& user) {
        auto db = database.Acquire();
        storage::SessionRepository::AddFacilitator(*db, session_id, user.id, clock.Now());
    }

    storage::Database database;
    FakeClock clock;
    FakeRandom random;
    domain::PasswordHasher hasher;
    domain::AccountService accounts;
    int end_date_changes = 0;
    RecordingEvents events;
    domain::SessionService sessions;
    domain::JoinService joins;
    domain::SlideService slides;
    /// 300 emails an hour per user (the product's is 500): the limit tests reach it sooner.
    domain::MailBudget mail_budget;
    domain::FacilitatorService facilitators;
    domain::InvitationService invitations;
    domain::OutboxService outbox;
    domain::EventService event_service;
    domain::RegistrationService registrations;
    domain::TeamService team;
    domain::ReplayService replays;
};

}  // namespace convene::testing
