-- PostgreSQL's form of ../0001_accounts.sql: the same tables, columns and indexes.
-- Instants are Unix seconds (BIGINT); emails compare ignoring case (citext), as SQLite's
-- COLLATE NOCASE does.

CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    email                CITEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    default_session_days BIGINT NOT NULL DEFAULT 20
                         CHECK (default_session_days BETWEEN 1 AND 365),
    created_at           BIGINT NOT NULL
);

CREATE TABLE login_sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);
CREATE INDEX login_sessions_expiry ON login_sessions (expires_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
