-- Live sessions as they first shipped: no end dates yet (0003 brings auto-closing).

CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('standard', 'main')),
    status          TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    -- 6 digits, unique among every session not yet purged (trashed ones keep theirs).
    code            TEXT NOT NULL UNIQUE CHECK (length(code) = 6),
    -- The secret in the public join link <base-url>/j/<link_token>.
    link_token      TEXT NOT NULL UNIQUE,
    active_slide_id TEXT,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    -- Set when moved to the trash; purged 30 days later.
    deleted_at      INTEGER
) STRICT;
CREATE INDEX sessions_owner ON sessions (owner_id);
CREATE INDEX sessions_deleted ON sessions (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE session_facilitators (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX session_facilitators_user ON session_facilitators (user_id);

CREATE TABLE slides (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('text', 'join')),
    title      TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX slides_session ON slides (session_id, position);

CREATE TABLE participants (
    id           TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    joined_at    INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX participants_session ON participants (session_id);

-- What owners did to their sessions, readable by the owner.
CREATE TABLE session_audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    actor_id   TEXT REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX session_audit_session ON session_audit (session_id, id);
