-- PostgreSQL's form of ../0005_outbox_admin.sql.

ALTER TABLE outbox ADD COLUMN retried_at BIGINT;

CREATE INDEX outbox_status ON outbox (status, created_at);
