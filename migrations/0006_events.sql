-- Recurring events: one event, many dated event sessions, one public registration page.

CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    slug        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX events_owner ON events (owner_id, created_at);

-- `start_local` (YYYY-MM-DDTHH:MM) in `timezone` (IANA) is the truth; `starts_at` is derived
-- from them with the system's tz database, so a future session keeps its wall time when a
-- zone's rules change.
CREATE TABLE event_sessions (
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    start_local      TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    starts_at        INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    status           TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX event_sessions_event ON event_sessions (event_id, starts_at);
