-- PostgreSQL's form of ../0012_health_probe.sql.
CREATE TABLE health_probe (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    probed_at BIGINT NOT NULL
);
INSERT INTO health_probe (id, probed_at) VALUES (1, 0);
