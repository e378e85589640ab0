-- PostgreSQL's form of ../0003_session_end_dates.sql.

ALTER TABLE sessions ADD COLUMN ends_at BIGINT;
ALTER TABLE sessions ADD COLUMN close_reason TEXT CHECK (close_reason IN ('owner', 'expiry'));

UPDATE sessions SET ends_at = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) + 60 * 86400
    WHERE kind = 'standard';
UPDATE sessions SET close_reason = 'owner' WHERE status = 'closed';

CREATE INDEX sessions_open_ends_at ON sessions (ends_at)
    WHERE status = 'open' AND ends_at IS NOT NULL AND deleted_at IS NULL;
