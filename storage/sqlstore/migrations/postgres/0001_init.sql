-- itsmkit schema 1 (PostgreSQL): incidents, the journal of every record kind, and
-- the per-tenant number sequences. {p} is the table prefix; the tables go to the
-- first schema of the search_path.
CREATE TABLE IF NOT EXISTS {p}schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row per incident: typed columns for identity and for everything List filters
-- or orders by; the rest of the record is the JSON object in data.
CREATE TABLE IF NOT EXISTS {p}incidents (
    tenant             text        NOT NULL,
    id                 uuid        NOT NULL,
    number             text        NOT NULL,
    version            bigint      NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    state              text        NOT NULL,
    priority           smallint    NOT NULL,
    caller             text        NOT NULL,
    assignment_group   text        NOT NULL,
    assigned_to        text        NOT NULL,
    service            text        NOT NULL,
    configuration_item text        NOT NULL,
    problem            uuid,
    opened_at          timestamptz NOT NULL,
    resolved_at        timestamptz,
    idempotency_key    text,
    data               jsonb       NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS {p}incidents_number ON {p}incidents (tenant, number);
-- NULL (no key) never collides.
CREATE UNIQUE INDEX IF NOT EXISTS {p}incidents_idempotency_key ON {p}incidents (tenant, idempotency_key);
-- The open queue, in List's ByPriority order; List repeats the predicate literally.
CREATE INDEX IF NOT EXISTS {p}incidents_open_queue ON {p}incidents (tenant, priority, opened_at, id)
    WHERE state IN ('new', 'in_progress', 'on_hold');
CREATE INDEX IF NOT EXISTS {p}incidents_state ON {p}incidents (tenant, state, priority, opened_at, id);
CREATE INDEX IF NOT EXISTS {p}incidents_updated ON {p}incidents (tenant, updated_at, id);
CREATE INDEX IF NOT EXISTS {p}incidents_opened ON {p}incidents (tenant, opened_at);
CREATE INDEX IF NOT EXISTS {p}incidents_resolved ON {p}incidents (tenant, resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS {p}incidents_group ON {p}incidents (tenant, assignment_group, state);
CREATE INDEX IF NOT EXISTS {p}incidents_assignee ON {p}incidents (tenant, assigned_to, state);
CREATE INDEX IF NOT EXISTS {p}incidents_caller ON {p}incidents (tenant, caller, state);
CREATE INDEX IF NOT EXISTS {p}incidents_service ON {p}incidents (tenant, service);
CREATE INDEX IF NOT EXISTS {p}incidents_ci ON {p}incidents (tenant, configuration_item);
CREATE INDEX IF NOT EXISTS {p}incidents_problem ON {p}incidents (tenant, problem) WHERE problem IS NOT NULL;

-- The journal of every record kind. seq is the global feed order; a record's
-- entries are unique by version and index. data is json, not jsonb, to keep each
-- entry's bytes as written.
CREATE TABLE IF NOT EXISTS {p}journal (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant       text    NOT NULL,
    kind         text    NOT NULL,
    entity_id    uuid    NOT NULL,
    version      bigint  NOT NULL,
    idx          integer NOT NULL,
    event_id     uuid,
    event_type   text    NOT NULL,
    actor        text    NOT NULL,
    occurred_at  timestamptz,
    from_state   text    NOT NULL,
    to_state     text    NOT NULL,
    trigger_name text    NOT NULL,
    reason       text    NOT NULL,
    data         json
);
CREATE UNIQUE INDEX IF NOT EXISTS {p}journal_entry ON {p}journal (tenant, kind, entity_id, version, idx);

-- The last number handed out per tenant and record kind.
CREATE TABLE IF NOT EXISTS {p}sequences (
    tenant      text   NOT NULL,
    kind        text   NOT NULL,
    last_number bigint NOT NULL,
    PRIMARY KEY (tenant, kind)
);

INSERT INTO {p}schema_migrations (version, name) VALUES (1, 'init');
