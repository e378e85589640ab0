-- PostgreSQL's form of ../0007_registrations.sql. A CHECK changes in place here: no rebuild.

ALTER TABLE sessions DROP CONSTRAINT sessions_kind_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_kind_check
    CHECK (kind IN ('standard', 'main', 'event'));

ALTER TABLE event_sessions ADD COLUMN room_id TEXT REFERENCES sessions (id) ON DELETE SET NULL;
ALTER TABLE event_sessions ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;
CREATE INDEX event_sessions_room ON event_sessions (room_id) WHERE room_id IS NOT NULL;

CREATE TABLE registrations (
    rowid            BIGINT GENERATED ALWAYS AS IDENTITY,
    id               TEXT PRIMARY KEY,
    event_session_id TEXT NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    email            CITEXT NOT NULL,
    timezone         TEXT NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('self', 'organizer')),
    created_at       BIGINT NOT NULL,
    attended_at      BIGINT,
    participant_id   TEXT,
    UNIQUE (event_session_id, email)
);

CREATE TABLE registration_links (
    token_hash      TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE
);
CREATE INDEX registration_links_registration ON registration_links (registration_id);

CREATE TABLE event_visits (
    event_id     TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    visitor_hash TEXT NOT NULL,
    first_at     BIGINT NOT NULL,
    PRIMARY KEY (event_id, visitor_hash)
);

ALTER TABLE outbox ADD COLUMN calendar TEXT;
ALTER TABLE outbox ADD COLUMN event_session_id TEXT
    REFERENCES event_sessions (id) ON DELETE SET NULL;
ALTER TABLE outbox ADD COLUMN registration_id TEXT
    REFERENCES registrations (id) ON DELETE SET NULL;
CREATE INDEX outbox_event_session ON outbox (event_session_id) WHERE status = 'queued';
