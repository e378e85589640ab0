-- PostgreSQL's form of ../0011_session_codes.sql: codes unique among open sessions only.
-- The column's UNIQUE is dropped in place here: no rebuild.

ALTER TABLE sessions DROP CONSTRAINT sessions_code_key;
CREATE UNIQUE INDEX sessions_code_open ON sessions (code) WHERE status = 'open';
CREATE INDEX sessions_code ON sessions (code);
