-- itsmkit schema 2 (PostgreSQL): the CSI register, one row per improvement item.
CREATE TABLE IF NOT EXISTS {p}improvements (
    tenant     text        NOT NULL,
    id         uuid        NOT NULL,
    number     text        NOT NULL,
    version    bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    state      text        NOT NULL,
    priority   smallint    NOT NULL,
    service    text        NOT NULL,
    metric     text        NOT NULL,
    owner      text        NOT NULL,
    data       jsonb       NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS {p}improvements_number ON {p}improvements (tenant, number);
-- The register's work queue, List's order.
CREATE INDEX IF NOT EXISTS {p}improvements_queue ON {p}improvements (tenant, priority, created_at, id);
CREATE INDEX IF NOT EXISTS {p}improvements_state ON {p}improvements (tenant, state, priority, created_at, id);
CREATE INDEX IF NOT EXISTS {p}improvements_service ON {p}improvements (tenant, service);
CREATE INDEX IF NOT EXISTS {p}improvements_metric ON {p}improvements (tenant, metric);
CREATE INDEX IF NOT EXISTS {p}improvements_owner ON {p}improvements (tenant, owner);

INSERT INTO {p}schema_migrations (version, name) VALUES (2, 'improvements');
