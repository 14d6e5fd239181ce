// Clusters in the catalog, with their hosts' secrets in the secret store. The catalog holds connection specs
// only; a password or key passphrase is stored under the host's id and never leaves the engine.
import { randomUUID } from 'node:crypto';
import { IpcError, describeSchemaIssues } from '../../../shared/ipc/errors.js';
import {
  clusterNameSchema,
  describeHostSpec,
  hostInputSchema,
  hostSpecSchema,
  type Cluster,
  type ClusterHost,
  type HostInput,
  type HostSpec,
} from '../../../shared/model/cluster.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../clock.js';
import type { SecretStore } from '../secrets/secret-store.js';

const secretName = (hostId: string): string => `host.${hostId}.secret`;

interface HostRow {
  id: string;
  cluster_id: string;
  position: number;
  label: string;
  spec: string;
}

export interface ClusterStore {
  /** Settles once every host's `hasSecret` is known (learnt from the secret store at start); list and get wait for it. */
  readonly ready: Promise<void>;
  list(): Cluster[];
  get(id: string): Cluster;
  findByName(name: string): Cluster | null;
  add(input: { name: string; hosts: HostInput[] }): Promise<Cluster>;
  update(id: string, input: { name?: string | undefined; hosts?: HostInput[] | undefined }): Promise<Cluster>;
  remove(id: string): Promise<void>;
  secretFor(hostId: string): Promise<string | null>;
}

export function createClusterStore(catalog: Catalog, secrets: SecretStore, clock: Clock): ClusterStore {
  const db = catalog.db;

  const hostsOf = (clusterId: string, hasSecret: (id: string) => boolean): ClusterHost[] =>
    (db.prepare('SELECT * FROM cluster_hosts WHERE cluster_id = ? ORDER BY position').all(clusterId) as HostRow[]).map((row) => ({
      id: row.id,
      label: row.label,
      spec: hostSpecSchema.parse(JSON.parse(row.spec)),
      hasSecret: hasSecret(row.id),
    }));

  // Hosts that have a stored secret. list() and get() are synchronous, so this is learnt once from the secret
  // store at start and kept current by every write below.
  const withSecret = new Set<string>();

  const rowToCluster = (row: { id: string; name: string; created_at: string }): Cluster => ({
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    hosts: hostsOf(row.id, (id) => withSecret.has(id)),
  });

  const get = (id: string): Cluster => {
    const row = db.prepare('SELECT id, name, created_at FROM clusters WHERE id = ?').get(id) as
      | { id: string; name: string; created_at: string }
      | undefined;
    if (!row) throw new IpcError('not_found', `No cluster with id ${id}`);
    return rowToCluster(row);
  };

  const checkName = (name: string, exceptId: string | null): string => {
    const parsed = clusterNameSchema.safeParse(name);
    if (!parsed.success) throw new IpcError('invalid_params', parsed.error.issues[0]?.message ?? 'invalid cluster name');
    const clash = db.prepare('SELECT id FROM clusters WHERE name = ? COLLATE NOCASE').get(parsed.data) as { id: string } | undefined;
    if (clash && clash.id !== exceptId) throw new IpcError('conflict', `A cluster named "${parsed.data}" already exists`);
    return parsed.data;
  };

  const normalizeHosts = (hosts: HostInput[]): { id: string; label: string; spec: HostSpec; secret: string | undefined }[] => {
    if (hosts.length === 0) throw new IpcError('invalid_params', 'A cluster needs at least one host');
    if (hosts.length > 64) throw new IpcError('invalid_params', 'A cluster can have at most 64 hosts');
    const seen = new Set<string>();
    return hosts.map((raw) => {
      const parsed = hostInputSchema.safeParse(raw);
      if (!parsed.success) throw new IpcError('invalid_params', `Invalid host: ${describeSchemaIssues(parsed.error)}`);
      const host = parsed.data;
      const where = describeHostSpec(host.spec);
      if (seen.has(where)) throw new IpcError('invalid_params', `The host ${where} is listed twice`);
      seen.add(where);
      return { id: host.id ?? randomUUID(), label: host.label ?? where, spec: host.spec, secret: host.secret };
    });
  };

  const writeHosts = db.transaction((clusterId: string, hosts: { id: string; label: string; spec: HostSpec }[]) => {
    db.prepare('DELETE FROM cluster_hosts WHERE cluster_id = ?').run(clusterId);
    const insert = db.prepare('INSERT INTO cluster_hosts (id, cluster_id, position, label, spec) VALUES (?, ?, ?, ?, ?)');
    hosts.forEach((host, position) => insert.run(host.id, clusterId, position, host.label, JSON.stringify(host.spec)));
  });

  const storeSecrets = async (hosts: { id: string; secret: string | undefined }[]): Promise<void> => {
    for (const host of hosts) {
      if (host.secret === undefined) continue;
      await secrets.set(secretName(host.id), host.secret);
      withSecret.add(host.id);
    }
  };

  const dropSecrets = async (hostIds: string[]): Promise<void> => {
    for (const id of hostIds) {
      await secrets.delete(secretName(id));
      withSecret.delete(id);
    }
  };

  const allHostIds = (db.prepare('SELECT id FROM cluster_hosts').all() as { id: string }[]).map((r) => r.id);
  const ready = Promise.all(
    allHostIds.map(async (id) => {
      // `has` needs no key: starting the engine never asks for the headless secrets passphrase.
      if (await secrets.has(secretName(id)).catch(() => false)) withSecret.add(id);
    }),
  );

  return {
    ready: ready.then(() => undefined),
    list() {
      return (db.prepare('SELECT id, name, created_at FROM clusters ORDER BY name COLLATE NOCASE').all() as {
        id: string;
        name: string;
        created_at: string;
      }[]).map(rowToCluster);
    },
    get,
    findByName(name) {
      const row = db.prepare('SELECT id FROM clusters WHERE name = ? COLLATE NOCASE').get(name.trim()) as { id: string } | undefined;
      return row ? get(row.id) : null;
    },
    async add(input) {
      await ready;
      const name = checkName(input.name, null);
      // A new cluster's hosts are new: an id from the caller could name another cluster's host (and its secret).
      const hosts = normalizeHosts(input.hosts).map((host) => ({ ...host, id: randomUUID() }));
      const id = randomUUID();
      // Secrets first: if storing one fails, no cluster row points at a host without its secret.
      await storeSecrets(hosts);
      try {
        db.transaction(() => {
          db.prepare('INSERT INTO clusters (id, name, created_at) VALUES (?, ?, ?)').run(id, name, clock.now().toISOString());
          writeHosts(id, hosts);
        })();
      } catch (error) {
        await dropSecrets(hosts.filter((h) => h.secret !== undefined).map((h) => h.id));
        throw error;
      }
      return get(id);
    },
    async update(id, input) {
      await ready;
      const before = get(id);
      const name = input.name === undefined ? before.name : checkName(input.name, id);
      let removedHostIds: string[] = [];
      db.prepare('UPDATE clusters SET name = ? WHERE id = ?').run(name, id);
      if (input.hosts) {
        const known = new Set(before.hosts.map((h) => h.id));
        const hosts = normalizeHosts(input.hosts);
        for (const host of hosts) {
          if (input.hosts.some((h) => h.id === host.id) && !known.has(host.id)) {
            throw new IpcError('invalid_params', `Host ${host.id} does not belong to this cluster`);
          }
        }
        await storeSecrets(hosts);
        writeHosts(id, hosts);
        removedHostIds = before.hosts.map((h) => h.id).filter((hostId) => !hosts.some((h) => h.id === hostId));
      }
      await dropSecrets(removedHostIds);
      return get(id);
    },
    async remove(id) {
      await ready;
      const cluster = get(id);
      db.prepare('DELETE FROM clusters WHERE id = ?').run(id);
      await dropSecrets(cluster.hosts.map((h) => h.id));
    },
    async secretFor(hostId) {
      return secrets.get(secretName(hostId));
    },
  };
}
