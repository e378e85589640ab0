-- Sharing by email: pending co-facilitator invitations and the durable mail outbox.

CREATE TABLE facilitator_invitations (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    email      TEXT NOT NULL COLLATE NOCASE,
    invited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (session_id, email)
) STRICT;
CREATE INDEX facilitator_invitations_email ON facilitator_invitations (email);

-- Every email, written in the same transaction as the action that causes it. A dispatcher
-- sends what is due; a stable message_id makes a retry after a crash recognisable.
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text_body  TEXT NOT NULL,
    html_body  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    session_id TEXT REFERENCES sessions (id) ON DELETE SET NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    due_at     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    last_error TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (due_at) WHERE status = 'queued';
