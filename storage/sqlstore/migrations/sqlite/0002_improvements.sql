-- itsmkit schema 2 (SQLite): the CSI register, one row per improvement item.
CREATE TABLE IF NOT EXISTS {p}improvements (
    tenant     TEXT    NOT NULL,
    id         BLOB    NOT NULL,
    number     TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    priority   INTEGER NOT NULL,
    service    TEXT    NOT NULL,
    metric     TEXT    NOT NULL,
    owner      TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    PRIMARY KEY (tenant, id)
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS {p}improvements_number ON {p}improvements (tenant, number);
-- The register's work queue, List's order.
CREATE INDEX IF NOT EXISTS {p}improvements_queue ON {p}improvements (tenant, priority, created_at, id);
CREATE INDEX IF NOT EXISTS {p}improvements_state ON {p}improvements (tenant, state, priority, created_at, id);
CREATE INDEX IF NOT EXISTS {p}improvements_service ON {p}improvements (tenant, service);
CREATE INDEX IF NOT EXISTS {p}improvements_metric ON {p}improvements (tenant, metric);
CREATE INDEX IF NOT EXISTS {p}improvements_owner ON {p}improvements (tenant, owner);

INSERT INTO {p}schema_migrations (version, name) VALUES (2, 'improvements');
