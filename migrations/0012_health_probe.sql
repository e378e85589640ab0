-- One row that GET /readyz rewrites, so that readiness says whether the database takes
-- writes (a full disk or a file system turned read-only refuses them), not only reads.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at INTEGER NOT NULL
);
INSERT INTO health_probe (id, probed_at) VALUES (1, 0);
