-- The admin's view of the outbox: filter by status, and retry a failed message.

-- When an admin last asked for a message to be sent again; the relay's day of retries
-- counts from here instead of from created_at.
ALTER TABLE outbox ADD COLUMN retried_at INTEGER;

CREATE INDEX outbox_status ON outbox (status, created_at);
