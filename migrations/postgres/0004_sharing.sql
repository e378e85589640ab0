-- PostgreSQL's form of ../0004_sharing.sql.

CREATE TABLE facilitator_invitations (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    email      CITEXT NOT NULL,
    invited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (session_id, email)
);
CREATE INDEX facilitator_invitations_email ON facilitator_invitations (email);

-- `rowid` keeps the order rows were written in, which SQLite gives every table by itself
-- and the queries use to order rows written in the same second.
CREATE TABLE outbox (
    rowid      BIGINT GENERATED ALWAYS AS IDENTITY,
    id         TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    session_id TEXT REFERENCES sessions (id) ON DELETE SET NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts   BIGINT NOT NULL DEFAULT 0,
    due_at     BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at    BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (due_at) WHERE status = 'queued';
