-- Session codes are unique among open sessions only, no longer among every session not yet
-- purged: a server that keeps its closed sessions ran out of the million 6-digit codes near
-- 1M sessions (creating one answered 500). A new session still takes a code nobody holds
-- while one is easy to find, and only then one that only closed sessions hold; joining by a
-- code finds its open session first. SQLite cannot drop a column's UNIQUE in place: the table
-- is rebuilt (the migrator runs this with foreign keys off and checks every reference).
CREATE TABLE sessions_new (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('standard', 'main', 'event')),
    status          TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    -- 6 digits, unique among open sessions (sessions_code_open below).
    code            TEXT NOT NULL CHECK (length(code) = 6),
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
CREATE UNIQUE INDEX sessions_code_open ON sessions (code) WHERE status = 'open';
CREATE INDEX sessions_code ON sessions (code);
