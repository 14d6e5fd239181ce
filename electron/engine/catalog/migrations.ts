// The catalog's schema, as an ordered list of migrations. A migration is never edited once released: a change is
// a new entry. `PRAGMA user_version` records the last one applied.
export interface Migration {
  readonly version: number;
  readonly summary: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    summary: 'settings, clusters and their hosts, jobs',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL            -- JSON
      ) STRICT;

      CREATE TABLE clusters (
        id         TEXT PRIMARY KEY,   -- UUID
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE cluster_hosts (
        id         TEXT PRIMARY KEY,
        cluster_id TEXT NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        label      TEXT NOT NULL,
        spec       TEXT NOT NULL       -- JSON connection spec; secrets live in the secret store, never here
      ) STRICT;
      CREATE INDEX cluster_hosts_by_cluster ON cluster_hosts(cluster_id, position);

      CREATE TABLE jobs (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        state       TEXT NOT NULL,
        title       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        finished_at TEXT
      ) STRICT;
      CREATE INDEX jobs_by_created ON jobs(created_at DESC);
    `,
  },
  {
    version: 2,
    summary: 'job details and logs, restore point index, retention policies, schedules',
    sql: `
      ALTER TABLE jobs ADD COLUMN cluster_id TEXT;
      ALTER TABLE jobs ADD COLUMN trigger TEXT NOT NULL DEFAULT 'user';
      ALTER TABLE jobs ADD COLUMN started_at TEXT;
      ALTER TABLE jobs ADD COLUMN item_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN items_succeeded INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN items_failed INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN bytes_done REAL NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN progress TEXT;  -- JSON: the last progress snapshot (per VM and disk results)

      CREATE TABLE job_log (
        job_id   TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq      INTEGER NOT NULL,
        at       TEXT NOT NULL,
        level    TEXT NOT NULL,
        message  TEXT NOT NULL,
        item_key TEXT,
        PRIMARY KEY (job_id, seq)
      ) STRICT;

      -- What the repository holds, rebuilt from its manifests whenever it is opened: the repository is the
      -- truth, this is an index for lists (and what a fresh install gets back after a disaster).
      CREATE TABLE points (
        id                TEXT PRIMARY KEY,
        repository        TEXT NOT NULL,
        cluster_id        TEXT NOT NULL,
        cluster_name      TEXT,
        vm_uuid           TEXT NOT NULL,
        vm_name           TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        completed_at      TEXT NOT NULL,
        type              TEXT NOT NULL,
        full_reason       TEXT,
        source_host_label TEXT NOT NULL,
        disks             TEXT NOT NULL,  -- JSON [{target, capacityBytes}]
        bytes_read        REAL NOT NULL,
        bytes_added       REAL NOT NULL,
        manifest_path     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX points_by_vm ON points(repository, cluster_id, vm_uuid, created_at);

      CREATE TABLE retention_policies (
        cluster_id TEXT NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
        vm_uuid    TEXT NOT NULL,      -- '' for the cluster's own policy
        policy     TEXT NOT NULL,      -- JSON
        PRIMARY KEY (cluster_id, vm_uuid)
      ) STRICT;

      CREATE TABLE schedules (
        cluster_id  TEXT PRIMARY KEY REFERENCES clusters(id) ON DELETE CASCADE,
        schedule    TEXT NOT NULL,     -- JSON
        created_at  TEXT NOT NULL,
        last_run_at TEXT
      ) STRICT;
    `,
  },
  {
    version: 3,
    summary: 'job subjects (what a job is about, for titles in the shown language)',
    sql: `
      -- JSON: the job's subject (jobSubjectSchema in shared/model/job.ts); NULL for jobs stored before it existed.
      ALTER TABLE jobs ADD COLUMN subject TEXT;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
