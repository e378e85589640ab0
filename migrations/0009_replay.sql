-- What a session's replay shows: the slides it showed and how many were there, over time;
-- and, for an event session, the recording its organizer attached.

CREATE TABLE slide_shows (
    id         INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    -- NULL when the screen went back to no slide.
    slide_id   TEXT,
    title      TEXT NOT NULL,
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX slide_shows_session ON slide_shows (session_id, at);

-- The number of participants connected, sampled when it changes (at most a few times a
-- second, as the live pushes are).
CREATE TABLE attendance_samples (
    id           INTEGER PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    participants INTEGER NOT NULL
) STRICT;
CREATE INDEX attendance_samples_session ON attendance_samples (session_id, at);

ALTER TABLE event_sessions ADD COLUMN recording_url TEXT;
