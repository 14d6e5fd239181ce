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
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
