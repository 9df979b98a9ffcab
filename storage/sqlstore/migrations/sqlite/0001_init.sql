-- itsmkit schema 1 (SQLite): incidents, the journal of every record kind, and the
-- per-tenant number sequences. {p} is the table prefix. Times are UTC text,
-- "YYYY-MM-DD HH:MM:SS.ffffff", which sorts like the time and which SQLite's date
-- functions read. IDs are 16-byte blobs (UUIDv7, byte order is creation order).
CREATE TABLE IF NOT EXISTS {p}schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
) STRICT;

-- One row per incident: typed columns for identity and for everything List filters
-- or orders by; the rest of the record is the JSON object in data.
CREATE TABLE IF NOT EXISTS {p}incidents (
    tenant             TEXT    NOT NULL,
    id                 BLOB    NOT NULL,
    number             TEXT    NOT NULL,
    version            INTEGER NOT NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    priority           INTEGER NOT NULL,
    caller             TEXT    NOT NULL,
    assignment_group   TEXT    NOT NULL,
    assigned_to        TEXT    NOT NULL,
    service            TEXT    NOT NULL,
    configuration_item TEXT    NOT NULL,
    problem            BLOB,
    opened_at          TEXT    NOT NULL,
    resolved_at        TEXT,
    idempotency_key    TEXT,
    data               TEXT    NOT NULL,
    PRIMARY KEY (tenant, id)
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS {p}incidents_number ON {p}incidents (tenant, number);
-- NULL (no key) never collides.
CREATE UNIQUE INDEX IF NOT EXISTS {p}incidents_idempotency_key ON {p}incidents (tenant, idempotency_key);
-- The open queue, in List's ByPriority order. The planner uses a partial index only
-- when the query repeats this predicate literally; List does.
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

-- The journal of every record kind. seq is the global feed order (AUTOINCREMENT:
-- never reused); a record's entries are unique by version and index.
CREATE TABLE IF NOT EXISTS {p}journal (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant       TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    entity_id    BLOB    NOT NULL,
    version      INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    event_id     BLOB,
    event_type   TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    occurred_at  TEXT,
    from_state   TEXT    NOT NULL,
    to_state     TEXT    NOT NULL,
    trigger_name TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    data         TEXT
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS {p}journal_entry ON {p}journal (tenant, kind, entity_id, version, idx);

-- The last number handed out per tenant and record kind.
CREATE TABLE IF NOT EXISTS {p}sequences (
    tenant      TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (tenant, kind)
) STRICT, WITHOUT ROWID;

INSERT INTO {p}schema_migrations (version, name) VALUES (1, 'init');
