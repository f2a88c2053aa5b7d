-- The state engine: the append-only event log and the projections of changes and tasks.
-- Every row outside `events` and `schema_migrations` is derived from `events` and can be
-- rebuilt from it.

CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

-- The log: one row per task transition or domain fact, never updated or deleted.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    change_id INTEGER,
    task_id INTEGER,
    type TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload))
);
CREATE INDEX events_by_change ON events (change_id, seq);
CREATE INDEX events_by_time ON events (time);

-- Projection: changes. `status`, `ready`, `err` and `ready_time` are derived from the
-- change's tasks unless `explicit_status` is set (a change created already finished).
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    explicit_status TEXT,
    ready INTEGER NOT NULL DEFAULT 0,
    err TEXT,
    spawn_time TEXT NOT NULL,
    ready_time TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    abort_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX changes_pending ON changes (ready, id);

-- The snaps a change acts on: what conflicts are checked against and `?for=` filters on.
CREATE TABLE change_snaps (
    change_id INTEGER NOT NULL REFERENCES changes (id) ON DELETE CASCADE,
    snap_name TEXT NOT NULL,
    PRIMARY KEY (change_id, snap_name)
);
CREATE INDEX change_snaps_by_name ON change_snaps (snap_name);

-- Projection: tasks.
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES changes (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    spawn_time TEXT NOT NULL,
    ready_time TEXT,
    progress_label TEXT NOT NULL DEFAULT '',
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 1,
    data TEXT NOT NULL DEFAULT '{}',
    error TEXT
);
CREATE INDEX tasks_by_change ON tasks (change_id, id);

-- Wait-for edges: `task_id` runs only after `waits_for` is done. They form a DAG.
CREATE TABLE task_edges (
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    waits_for INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, waits_for)
);
CREATE INDEX task_edges_reverse ON task_edges (waits_for);

-- Log lines of a task, preformatted as "<RFC3339 time> <LEVEL> <text>".
CREATE TABLE task_log (
    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
);
