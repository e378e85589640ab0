-- PostgreSQL's form of ../0008_event_team.sql (with `rowid`: see 0004).

CREATE TABLE event_team (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_team_user ON event_team (user_id);

CREATE TABLE event_session_team (
    event_session_id TEXT NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    included         BIGINT NOT NULL CHECK (included IN (0, 1)),
    PRIMARY KEY (event_session_id, user_id)
);

CREATE TABLE event_speakers (
    rowid            BIGINT GENERATED ALWAYS AS IDENTITY,
    id               TEXT PRIMARY KEY,
    event_session_id TEXT NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    email            CITEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,
    user_id          TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at       BIGINT NOT NULL,
    UNIQUE (event_session_id, email)
);
