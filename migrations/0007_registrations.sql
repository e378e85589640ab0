-- Registration to event sessions, their rooms, and the emails that follow a registrant.

-- An event session's room is a live session of the new kind 'event'. SQLite cannot change a
-- CHECK in place: the table is rebuilt (the migrator runs this with foreign keys off and
-- checks every reference before it commits).
CREATE TABLE sessions_new (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('standard', 'main', 'event')),
    status          TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    -- 6 digits, unique among every session not yet purged (trashed ones keep theirs).
    code            TEXT NOT NULL UNIQUE CHECK (length(code) = 6),
    -- The secret in the public join link <base-url>/j/<link_token>.
    link_token      TEXT NOT NULL UNIQUE,
    active_slide_id TEXT,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    -- Set when moved to the trash; purged 30 days later.
    deleted_at      INTEGER,
    ends_at         INTEGER,
    close_reason    TEXT CHECK (close_reason IN ('owner', 'expiry'))
) STRICT;
INSERT INTO sessions_new (id, owner_id, title, kind, status, code, link_token, active_slide_id,
                          created_at, closed_at, deleted_at, ends_at, close_reason)
    SELECT id, owner_id, title, kind, status, code, link_token, active_slide_id,
           created_at, closed_at, deleted_at, ends_at, close_reason FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_owner ON sessions (owner_id);
CREATE INDEX sessions_deleted ON sessions (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX sessions_open_ends_at ON sessions (ends_at)
    WHERE status = 'open' AND ends_at IS NOT NULL AND deleted_at IS NULL;

-- The room, made when first needed. `sequence` is the iCalendar SEQUENCE of the event
-- session's invitations: it goes up each time the session moves or is cancelled.
ALTER TABLE event_sessions ADD COLUMN room_id TEXT REFERENCES sessions (id) ON DELETE SET NULL;
ALTER TABLE event_sessions ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
CREATE INDEX event_sessions_room ON event_sessions (room_id) WHERE room_id IS NOT NULL;

CREATE TABLE registrations (
    id               TEXT PRIMARY KEY,
    event_session_id TEXT NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL COLLATE NOCASE,
    -- The registrant's own zone: their emails are written in it.
    timezone         TEXT NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('self', 'organizer')),
    created_at       INTEGER NOT NULL,
    -- When they first entered the room by their personal link.
    attended_at      INTEGER,
    -- The participant they became in the room, so coming back is the same person.
    participant_id   TEXT,
    UNIQUE (event_session_id, email)
) STRICT;

-- Personal links <base-url>/r/<token>, kept as SHA-256 only. A registrant gets a new one with
-- each email that must carry a link after the first; the older ones keep working.
CREATE TABLE registration_links (
    token_hash      TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX registration_links_registration ON registration_links (registration_id);

-- Unique visitors of an event's registration page (a random id kept by their browser,
-- stored hashed).
CREATE TABLE event_visits (
    event_id     TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    visitor_hash TEXT NOT NULL,
    first_at     INTEGER NOT NULL,
    PRIMARY KEY (event_id, visitor_hash)
) STRICT, WITHOUT ROWID;

-- Emails about an event session: a calendar part (.ics), and what they belong to, so a move
-- or a cancel can find the ones still due.
ALTER TABLE outbox ADD COLUMN calendar TEXT;
ALTER TABLE outbox ADD COLUMN event_session_id TEXT
    REFERENCES event_sessions (id) ON DELETE SET NULL;
ALTER TABLE outbox ADD COLUMN registration_id TEXT
    REFERENCES registrations (id) ON DELETE SET NULL;
CREATE INDEX outbox_event_session ON outbox (event_session_id) WHERE status = 'queued';
