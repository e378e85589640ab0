-- Indexes found missing by the benchmarks (docs/performance.md), none changing any data.

-- The mail relay's "what is due" and "when is the next one" read the queued rows in due order
-- through one index; before, the planner chose outbox_status and read every queued message,
-- a reminder queue of 100k registrations included, at each wake-up.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (status, due_at, id);

-- Every reference gets an index on its child column: deleting a session, an event session, a
-- registration or an account looks its children up instead of scanning the whole table (the
-- outbox keeps every message sent). Partial indexes on IS NOT NULL serve those look-ups too.
DROP INDEX outbox_event_session;
CREATE INDEX outbox_event_session ON outbox (event_session_id) WHERE event_session_id IS NOT NULL;
CREATE INDEX outbox_registration ON outbox (registration_id) WHERE registration_id IS NOT NULL;
CREATE INDEX outbox_session ON outbox (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX session_audit_actor ON session_audit (actor_id) WHERE actor_id IS NOT NULL;
CREATE INDEX facilitator_invitations_invited_by ON facilitator_invitations (invited_by);
CREATE INDEX event_session_team_user ON event_session_team (user_id);
CREATE INDEX event_speakers_user ON event_speakers (user_id) WHERE user_id IS NOT NULL;

-- Start-up realigns the scheduled event sessions still ahead with the time-zone rules: it
-- reads those, not every event session ever held.
CREATE INDEX event_sessions_upcoming ON event_sessions (starts_at) WHERE status = 'scheduled';
