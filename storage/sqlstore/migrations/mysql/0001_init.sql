-- itsmkit schema 1 (MariaDB, MySQL): incidents, the journal of every record kind,
-- and the per-tenant number sequences. {p} is the table prefix. Keys are VARBINARY:
-- exact, byte-wise comparison (the _bin collations ignore trailing spaces). DDL
-- commits implicitly here, so every statement can run again after a failure.
CREATE TABLE IF NOT EXISTS {p}schema_migrations (
    version    INT PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per incident: typed columns for identity and for everything List filters
-- or orders by; the rest of the record is the JSON object in data. MySQL has no
-- partial indexes: the open queue is indexed through the generated column is_open.
CREATE TABLE IF NOT EXISTS {p}incidents (
    tenant             VARBINARY(255) NOT NULL,
    id                 BINARY(16)     NOT NULL,
    number             VARBINARY(255) NOT NULL,
    version            BIGINT         NOT NULL,
    created_at         DATETIME(6)    NOT NULL,
    updated_at         DATETIME(6)    NOT NULL,
    state              VARBINARY(64)  NOT NULL,
    priority           SMALLINT       NOT NULL,
    caller             VARBINARY(255) NOT NULL,
    assignment_group   VARBINARY(255) NOT NULL,
    assigned_to        VARBINARY(255) NOT NULL,
    service            VARBINARY(255) NOT NULL,
    configuration_item VARBINARY(255) NOT NULL,
    problem            BINARY(16),
    opened_at          DATETIME(6)    NOT NULL,
    resolved_at        DATETIME(6),
    idempotency_key    VARBINARY(255),
    data               JSON           NOT NULL,
    is_open            TINYINT GENERATED ALWAYS AS (state IN ('new', 'in_progress', 'on_hold')) STORED,
    PRIMARY KEY (tenant, id),
    UNIQUE KEY {p}incidents_number (tenant, number),
    UNIQUE KEY {p}incidents_idempotency_key (tenant, idempotency_key),
    KEY {p}incidents_open_queue (tenant, is_open, priority, opened_at, id),
    KEY {p}incidents_state (tenant, state, priority, opened_at, id),
    KEY {p}incidents_updated (tenant, updated_at, id),
    KEY {p}incidents_opened (tenant, opened_at),
    KEY {p}incidents_resolved (tenant, resolved_at),
    KEY {p}incidents_group (tenant, assignment_group, state),
    KEY {p}incidents_assignee (tenant, assigned_to, state),
    KEY {p}incidents_caller (tenant, caller, state),
    KEY {p}incidents_service (tenant, service),
    KEY {p}incidents_ci (tenant, configuration_item),
    KEY {p}incidents_problem (tenant, problem)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The journal of every record kind. seq is the global feed order; a record's
-- entries are unique by version and index. data is LONGTEXT, not JSON, to keep each
-- entry's bytes as written.
CREATE TABLE IF NOT EXISTS {p}journal (
    seq          BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant       VARBINARY(255) NOT NULL,
    kind         VARBINARY(64)  NOT NULL,
    entity_id    BINARY(16)     NOT NULL,
    version      BIGINT         NOT NULL,
    idx          INT            NOT NULL,
    event_id     BINARY(16),
    event_type   VARBINARY(64)  NOT NULL,
    actor        VARBINARY(255) NOT NULL,
    occurred_at  DATETIME(6),
    from_state   VARBINARY(64)  NOT NULL,
    to_state     VARBINARY(64)  NOT NULL,
    trigger_name VARBINARY(64)  NOT NULL,
    reason       MEDIUMTEXT     NOT NULL,
    data         LONGTEXT,
    UNIQUE KEY {p}journal_entry (tenant, kind, entity_id, version, idx)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The last number handed out per tenant and record kind.
CREATE TABLE IF NOT EXISTS {p}sequences (
    tenant      VARBINARY(255) NOT NULL,
    kind        VARBINARY(64)  NOT NULL,
    last_number BIGINT         NOT NULL,
    PRIMARY KEY (tenant, kind)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT INTO {p}schema_migrations (version, name) VALUES (1, 'init');
