-- Auto-closing: every standard session gets an end date and closes by itself at it.
-- Sessions that existed before this migration are not closed at once: their owners get
-- 60 days from the moment it runs to notice and change the date. Main sessions never end.

ALTER TABLE sessions ADD COLUMN ends_at INTEGER;
ALTER TABLE sessions ADD COLUMN close_reason TEXT CHECK (close_reason IN ('owner', 'expiry'));

UPDATE sessions SET ends_at = unixepoch() + 60 * 86400 WHERE kind = 'standard';
UPDATE sessions SET close_reason = 'owner' WHERE status = 'closed';

-- The scheduler asks for the earliest end date among open sessions.
CREATE INDEX sessions_open_ends_at ON sessions (ends_at)
    WHERE status = 'open' AND ends_at IS NOT NULL AND deleted_at IS NULL;
