-- The people who run an event's sessions: team members (accounts) set on the event and
-- adjusted per session, and external speakers (name + email) on one session. Both moderate
-- the rooms of their sessions as co-facilitators.

CREATE TABLE event_team (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX event_team_user ON event_team (user_id);

-- Per-session adjustments of the event's team: included = 1 adds someone to this session
-- only, included = 0 leaves an event-wide member out of it.
CREATE TABLE event_session_team (
    event_session_id TEXT NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    included         INTEGER NOT NULL CHECK (included IN (0, 1)),
    PRIMARY KEY (event_session_id, user_id)
) STRICT, WITHOUT ROWID;

-- An external speaker's personal link <base-url>/s/<token> is kept as SHA-256 only. `user_id`
-- is the account they act as in the room, set the first time they follow it.
CREATE TABLE event_speakers (
    id               TEXT PRIMARY KEY,
    event_session_id TEXT NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL COLLATE NOCASE,
    token_hash       TEXT NOT NULL UNIQUE,
    user_id          TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (event_session_id, email)
) STRICT;
