-- The security files the daemon wrote for each program of each snap: launch
-- descriptions, seccomp sources and filters, Landlock rules, AppArmor profiles and mount
-- profiles. Derived from the events `security-profile-written` and
-- `security-profile-removed`, and rebuilt from them; the contents are kept so that an
-- undo can put back exactly the files a change replaced.

CREATE TABLE security_profiles (
    path TEXT PRIMARY KEY,               -- as on a real system, without the daemon's root
    security_tag TEXT NOT NULL,          -- snap.NAME.APP, snap.NAME.hook.HOOK, or snap.NAME (mount)
    kind TEXT NOT NULL CHECK (kind IN
        ('sandbox', 'seccomp-source', 'seccomp-binary', 'landlock', 'apparmor', 'mount')),
    snap TEXT NOT NULL,                  -- the instance name
    revision TEXT NOT NULL,
    sha3_384 TEXT NOT NULL,              -- lower-case hex digest of the contents
    size INTEGER NOT NULL,
    contents BLOB NOT NULL,
    change_id INTEGER,                   -- the change and task that wrote the file
    task_id INTEGER,
    event_seq INTEGER NOT NULL           -- the event that recorded it
);
CREATE INDEX security_profiles_by_snap ON security_profiles (snap, path);
