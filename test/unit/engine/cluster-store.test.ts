import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/catalog.js';
import { systemClock } from '../../../electron/engine/clock.js';
import { createClusterStore, type ClusterStore } from '../../../electron/engine/clusters/cluster-store.js';
import { createFileSecretStore, createKeyFileCipher } from '../../../electron/engine/secrets/secret-store.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const FP = `SHA256:${'A'.repeat(43)}`;

describe('cluster store', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let catalog: Catalog;
  let store: ClusterStore;
  let secretsFile: string;

  beforeEach(() => {
    temp = makeTempDir('clusters');
    catalog = openCatalog(join(temp.dir, 'catalog.db'), { logger: createMemoryLogger().logger });
    secretsFile = join(temp.dir, 'secrets.json');
    store = createClusterStore(catalog, createFileSecretStore(secretsFile, createKeyFileCipher(join(temp.dir, 'key'))), systemClock);
  });
  afterEach(() => {
    catalog.close();
    temp.remove();
  });

  it('adds a cluster whose hosts keep specs in the catalog and passwords only in the secret store', async () => {
    const cluster = await store.add({
      name: 'Office',
      hosts: [
        { spec: { transport: 'ssh', address: 'kvm1.local', username: 'root', auth: 'password', hostKeyFingerprint: FP }, secret: 'Sup3r-Secret!' },
        { label: 'kvm2', spec: { transport: 'tcp', address: '10.0.0.2' } },
      ],
    });
    expect(cluster.hosts.map((h) => [h.label, h.hasSecret])).toEqual([
      ['root@kvm1.local', true],
      ['kvm2', false],
    ]);
    expect(cluster.hosts[0]!.spec).toMatchObject({ port: 22, libvirtUri: 'qemu:///system' });
    expect(await store.secretFor(cluster.hosts[0]!.id)).toBe('Sup3r-Secret!');
    catalog.close();
    for (const file of ['catalog.db', 'catalog.db-wal', 'secrets.json']) {
      const path = join(temp.dir, file);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from('Sup3r-Secret!'))).toBe(false);
    }
    catalog = openCatalog(join(temp.dir, 'catalog.db'), { logger: createMemoryLogger().logger });
  });

  it('knows, once ready, which hosts of an existing catalog have a secret', async () => {
    const added = await store.add({
      name: 'Office',
      hosts: [
        { spec: { transport: 'ssh', address: 'kvm1.local', username: 'root', auth: 'password', hostKeyFingerprint: FP }, secret: 'Sup3r-Secret!' },
        { label: 'kvm2', spec: { transport: 'tcp', address: '10.0.0.2' } },
      ],
    });
    // A restart: a new store over the same catalog and secrets learns who has a secret from the secret store.
    const reopened = createClusterStore(catalog, createFileSecretStore(secretsFile, createKeyFileCipher(join(temp.dir, 'key'))), systemClock);
    await reopened.ready;
    expect(reopened.get(added.id).hosts.map((h) => [h.label, h.hasSecret])).toEqual([
      ['root@kvm1.local', true],
      ['kvm2', false],
    ]);
  });

  it("gives a new cluster's hosts new ids: an id from the caller can never reach another cluster's host or secret", async () => {
    const first = await store.add({
      name: 'One',
      hosts: [{ spec: { transport: 'ssh', address: 'kvm1', username: 'root', auth: 'password', hostKeyFingerprint: FP }, secret: 'first-secret' }],
    });
    const taken = first.hosts[0]!.id;
    const second = await store.add({
      name: 'Two',
      hosts: [{ id: taken, spec: { transport: 'ssh', address: 'kvm2', username: 'root', auth: 'password', hostKeyFingerprint: FP }, secret: 'second-secret' }],
    });
    expect(second.hosts[0]!.id).not.toBe(taken);
    expect(await store.secretFor(taken)).toBe('first-secret');
    expect(await store.secretFor(second.hosts[0]!.id)).toBe('second-secret');
  });

  it('refuses duplicate names (any case), empty host lists and a key auth without a key file', async () => {
    await store.add({ name: 'Lab', hosts: [{ spec: { transport: 'unix', socketPath: '/run/x.sock' } }] });
    await expect(store.add({ name: 'lab', hosts: [{ spec: { transport: 'unix', socketPath: '/run/y.sock' } }] })).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.add({ name: 'Empty', hosts: [] })).rejects.toMatchObject({ code: 'invalid_params' });
    await expect(
      store.add({ name: 'NoKey', hosts: [{ spec: { transport: 'ssh', address: 'h', username: 'root', auth: 'key' } }] }),
    ).rejects.toMatchObject({ code: 'invalid_params', message: expect.stringContaining('keyPath') });
    expect(store.list().map((c) => c.name)).toEqual(['Lab']);
  });

  it('updates hosts keeping ids and secrets, and drops the secrets of removed hosts and clusters', async () => {
    const cluster = await store.add({
      name: 'Two',
      hosts: [
        { spec: { transport: 'ssh', address: 'a', username: 'u', auth: 'password' }, secret: 'pa' },
        { spec: { transport: 'ssh', address: 'b', username: 'u', auth: 'password' }, secret: 'pb' },
      ],
    });
    const [a, b] = cluster.hosts;
    const updated = await store.update(cluster.id, { name: 'Renamed', hosts: [{ id: a!.id, spec: a!.spec }] });
    expect(updated.name).toBe('Renamed');
    expect(updated.hosts.map((h) => h.id)).toEqual([a!.id]);
    expect(await store.secretFor(a!.id)).toBe('pa');
    expect(await store.secretFor(b!.id)).toBeNull();
    await store.remove(cluster.id);
    expect(await store.secretFor(a!.id)).toBeNull();
    expect(() => store.get(cluster.id)).toThrow(/No cluster/);
  });
});
