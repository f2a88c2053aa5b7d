-- The snaps manager's projection: installed snaps and their revisions.
-- Both tables are derived from the events `snap-linked`, `snap-unlinked` and
-- `snap-revision-removed`, and can be rebuilt from the log.

-- One row per installed snap instance (`name` or `name_key`).
CREATE TABLE snaps (
    name TEXT PRIMARY KEY,
    current TEXT,                        -- the revision `current` points at
    active INTEGER NOT NULL DEFAULT 0,   -- 0 when disabled or between unlink and link
    devmode INTEGER NOT NULL DEFAULT 0,
    classic INTEGER NOT NULL DEFAULT 0,
    jailmode INTEGER NOT NULL DEFAULT 0,
    updated_seq INTEGER NOT NULL         -- the last event that changed this row
);

-- The revisions kept on disk for each snap, in the order they were first linked.
CREATE TABLE snap_revisions (
    name TEXT NOT NULL REFERENCES snaps (name) ON DELETE CASCADE,
    revision TEXT NOT NULL,
    position INTEGER NOT NULL,           -- order within the snap's sequence
    snap_name TEXT NOT NULL,             -- the name in snap.yaml (without instance key)
    version TEXT NOT NULL,
    type TEXT NOT NULL,
    base TEXT,
    confinement TEXT NOT NULL,
    summary TEXT NOT NULL,
    description TEXT NOT NULL,
    title TEXT NOT NULL,
    license TEXT NOT NULL,
    apps TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(apps)),
    file TEXT NOT NULL,                  -- the .snap file it is mounted from
    size INTEGER NOT NULL,
    install_date TEXT NOT NULL,
    PRIMARY KEY (name, revision)
);
