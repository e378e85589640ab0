-- PostgreSQL's form of ../0010_indexes.sql.

DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (status, due_at, id);

DROP INDEX outbox_event_session;
CREATE INDEX outbox_event_session ON outbox (event_session_id) WHERE event_session_id IS NOT NULL;
CREATE INDEX outbox_registration ON outbox (registration_id) WHERE registration_id IS NOT NULL;
CREATE INDEX outbox_session ON outbox (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX session_audit_actor ON session_audit (actor_id) WHERE actor_id IS NOT NULL;
CREATE INDEX facilitator_invitations_invited_by ON facilitator_invitations (invited_by);
CREATE INDEX event_session_team_user ON event_session_team (user_id);
CREATE INDEX event_speakers_user ON event_speakers (user_id) WHERE user_id IS NOT NULL;

CREATE INDEX event_sessions_upcoming ON event_sessions (starts_at) WHERE status = 'scheduled';
