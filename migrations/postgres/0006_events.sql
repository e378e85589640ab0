-- PostgreSQL's form of ../0006_events.sql (with `rowid`: see 0004).

CREATE TABLE events (
    rowid       BIGINT GENERATED ALWAYS AS IDENTITY,
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    slug        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX events_owner ON events (owner_id, created_at);

CREATE TABLE event_sessions (
    rowid            BIGINT GENERATED ALWAYS AS IDENTITY,
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    start_local      TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    starts_at        BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    status           TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    created_at       BIGINT NOT NULL
);
CREATE INDEX event_sessions_event ON event_sessions (event_id, starts_at);
