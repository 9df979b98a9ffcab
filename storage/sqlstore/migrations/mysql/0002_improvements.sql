-- itsmkit schema 2 (MariaDB, MySQL): the CSI register, one row per improvement item.
CREATE TABLE IF NOT EXISTS {p}improvements (
    tenant     VARBINARY(255) NOT NULL,
    id         BINARY(16)     NOT NULL,
    number     VARBINARY(255) NOT NULL,
    version    BIGINT         NOT NULL,
    created_at DATETIME(6)    NOT NULL,
    updated_at DATETIME(6)    NOT NULL,
    state      VARBINARY(64)  NOT NULL,
    priority   SMALLINT       NOT NULL,
    service    VARBINARY(255) NOT NULL,
    metric     VARBINARY(255) NOT NULL,
    owner      VARBINARY(255) NOT NULL,
    data       JSON           NOT NULL,
    PRIMARY KEY (tenant, id),
    UNIQUE KEY {p}improvements_number (tenant, number),
    KEY {p}improvements_queue (tenant, priority, created_at, id),
    KEY {p}improvements_state (tenant, state, priority, created_at, id),
    KEY {p}improvements_service (tenant, service),
    KEY {p}improvements_metric (tenant, metric),
    KEY {p}improvements_owner (tenant, owner)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT INTO {p}schema_migrations (version, name) VALUES (2, 'improvements');
