// The first run and the dashboard through IPC against a real engine (scripted hosts, a real repository written
// through the repository API): what the onboarding proposes and refuses, and the dashboard's figures, ages and
// stale flags, to the byte and the second.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIpcClient, type IpcClient } from '../../../shared/ipc/client.js';
import { appContract, type AppContract } from '../../../shared/ipc/contract.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import { createMemoryTransport } from '../../../shared/ipc/memory-transport.js';
import type { DashboardCluster } from '../../../shared/model/dashboard.js';
import type { JobItem, JobProgress } from '../../../shared/model/job.js';
import type { Engine } from '../../../electron/engine/engine.js';
import { JobStore, summarizeProgress } from '../../../electron/engine/jobs/job-store.js';
import { Repository } from '../../../electron/engine/repository/repository.js';
import { createTestEngine } from '../../support/engine.js';
import { ScriptedDriver, scriptedVm } from '../../support/fake-driver.js';
import { makeTempDir } from '../../support/temp.js';
import { buildManifest, listTree, manualClock, seededBytes, silentLogger, storeImage } from '../repository/support.js';

const CHUNK = 64 * 1024;
const HOUR = 3_600_000;
const NOW = new Date('2026-03-10T12:00:00.000Z');
const ALPHA = '0a1b2c3d-0000-4000-8000-00000000000a';
const BRAVO = '0a1b2c3d-0000-4000-8000-00000000000b';
const CHARLIE = '0a1b2c3d-0000-4000-8000-00000000000c';
const DELTA = '0a1b2c3d-0000-4000-8000-00000000000d';

async function rejection(promise: Promise<unknown>): Promise<IpcError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IpcError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

describe('first-run onboarding', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let client: IpcClient<AppContract>;

  beforeEach(() => {
    temp = makeTempDir('onboarding');
    const driver = new ScriptedDriver();
    driver.addHost('kvm-1', [scriptedVm(ALPHA, 'alpha')]);
    engine = createTestEngine(temp.dir, { hypervisorDriver: driver, userDocumentsDir: join(temp.dir, 'Documents') });
    client = createIpcClient(appContract, createMemoryTransport(engine.connect));
  });
  afterEach(async () => {
    client.close();
    await engine.close();
    temp.remove();
  });

  it('proposes a folder in the documents, creates the repository there, and is done once completed', async () => {
    const proposed = join(temp.dir, 'Documents', 'Lifeboat Backups');
    expect(await client.call('onboarding.status', {})).toEqual({
      repositoryConfigured: false,
      repositoryPath: null,
      clusterCount: 0,
      completed: false,
      proposedRepositoryPath: proposed,
      lab: null,
    });
    const refused = await rejection(client.call('onboarding.complete', {}));
    expect(refused).toMatchObject({ code: 'conflict', reason: 'no_repository' });
    expect(await client.call('dashboard.get', {})).toMatchObject({
      clusters: [],
      repository: { status: { state: 'not_configured', path: null }, storedBytes: null, dedupRatio: null, figuresPending: false },
    });

    expect(await client.call('repository.check', { path: proposed })).toMatchObject({ kind: 'missing_folder', action: 'create', writable: true, current: false });
    expect(await client.call('repository.use', { path: proposed, create: true })).toMatchObject({ path: proposed, state: 'ready' });
    expect(await client.call('repository.check', { path: proposed })).toMatchObject({ kind: 'existing_repository', action: 'open', pointCount: 0, current: true });
    // The cluster step was skipped: not done until the user says so.
    expect(await client.call('onboarding.status', {})).toMatchObject({ repositoryConfigured: true, repositoryPath: proposed, clusterCount: 0, completed: false });
    expect(await client.call('onboarding.complete', {})).toMatchObject({ repositoryConfigured: true, completed: true });
    expect(await client.call('onboarding.status', {})).toMatchObject({ completed: true });
  });

  it('offers a lab found in its folder as the first cluster, over SSH with its key and pinned host keys', async () => {
    // No lab folder given (a user's machine): nothing offered, and adding one is refused.
    await expect(rejection(client.call('onboarding.addLab', {}))).resolves.toMatchObject({ code: 'not_found' });
    const labDir = join(temp.dir, 'lab');
    const withLab = createTestEngine(join(temp.dir, 'with-lab'), { labDir });
    const labClient = createIpcClient(appContract, createMemoryTransport(withLab.connect));
    try {
      // A lab folder without a lab.json (the lab is down): nothing offered.
      expect((await labClient.call('onboarding.status', {})).lab).toBeNull();
      mkdirSync(labDir);
      const fingerprint = (n: number): string => `SHA256:${String(n).repeat(43)}`;
      writeFileSync(
        join(labDir, 'lab.json'),
        JSON.stringify({
          version: 1,
          sshKey: { privateKeyPath: join(labDir, 'ssh', 'id_ed25519'), user: 'root' },
          hosts: [1, 2].map((n) => ({ name: `lab${n}`, unixSocket: `/run/lab${n}.sock`, tcpPort: 16600 + n, sshPort: 2200 + n, sshHostKeyFingerprint: fingerprint(n) })),
        }),
      );
      expect((await labClient.call('onboarding.status', {})).lab).toEqual({ hostCount: 2 });
      const cluster = await labClient.call('onboarding.addLab', {});
      expect(cluster.name).toBe('lab');
      expect(cluster.hosts.map((h) => [h.label, h.spec])).toEqual(
        [1, 2].map((n) => [
          `lab${n}`,
          expect.objectContaining({ transport: 'ssh', address: '127.0.0.1', port: 2200 + n, username: 'root', auth: 'key', keyPath: join(labDir, 'ssh', 'id_ed25519'), hostKeyFingerprint: fingerprint(n) }),
        ]),
      );
      await expect(rejection(labClient.call('onboarding.addLab', {}))).resolves.toMatchObject({ code: 'conflict' });
    } finally {
      labClient.close();
      await withLab.close();
    }
  });

  it('counts an install with a repository and a cluster as done without asking', async () => {
    await client.call('repository.use', { path: join(temp.dir, 'repo'), create: true });
    await client.call('clusters.add', { name: 'office', hosts: [{ spec: { transport: 'tcp', address: 'kvm-1' } }] });
    expect(await client.call('onboarding.status', {})).toMatchObject({ repositoryConfigured: true, clusterCount: 1, completed: true });
  });

  it('refuses to create a repository among other files and leaves them alone', async () => {
    const folder = join(temp.dir, 'Documents');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'report.odt'), 'text');
    const refused = await rejection(client.call('repository.use', { path: folder, create: true }));
    expect(refused.code).toBe('conflict');
    expect(refused.reason).toBe('not_empty');
    expect(refused.message).toContain('report.odt');
    expect(listTree(folder)).toEqual(['report.odt']);
    expect(await client.call('repository.get', {})).toMatchObject({ state: 'not_configured' });
  });
});

/** A backup item as a job stores it. */
function item(vmUuid: string, clusterId: string, fields: Partial<JobItem>): JobItem {
  return {
    key: vmUuid,
    vm: { clusterId, vmUuid },
    name: vmUuid,
    hostLabel: 'kvm-1',
    state: 'succeeded',
    phase: null,
    disks: [],
    bytesDone: 0,
    bytesTotal: 0,
    throughputBps: 0,
    etaSeconds: null,
    startedAt: null,
    finishedAt: null,
    error: null,
    result: null,
    restoreResult: null,
    ...fields,
  };
}

function storeBackupJob(engine: Engine, jobId: string, clusterId: string, finishedAt: Date, items: JobItem[]): void {
  const progress: JobProgress = {
    jobId,
    seq: 3,
    kind: 'backup',
    state: items.some((i) => i.state === 'failed') ? 'partial' : 'succeeded',
    title: 'Cluster office',
    subject: { kind: 'cluster', clusterName: 'office' },
    clusterId,
    startedAt: new Date(finishedAt.getTime() - HOUR).toISOString(),
    updatedAt: finishedAt.toISOString(),
    phase: null,
    bytesDone: 0,
    bytesTotal: 0,
    throughputBps: 0,
    etaSeconds: null,
    throughputHistory: [],
    items,
    error: null,
  };
  new JobStore(engine.catalog).save(summarizeProgress(progress, progress.startedAt!, 'schedule', finishedAt.toISOString()), progress);
}

describe('dashboard', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let client: IpcClient<AppContract>;
  let clusterId: string;
  let repoPath: string;
  let driver: ScriptedDriver;
  const pointIds: Record<string, string> = {};

  beforeEach(async () => {
    temp = makeTempDir('dashboard');
    driver = new ScriptedDriver();
    // Charlie is new (never backed up); delta was deleted from the cluster but has a point.
    driver.addHost('kvm-1', [scriptedVm(ALPHA, 'alpha'), scriptedVm(CHARLIE, 'charlie')]);
    driver.addHost('kvm-2', [scriptedVm(BRAVO, 'bravo', { active: false, state: 'shut off' })]);
    engine = createTestEngine(temp.dir, { hypervisorDriver: driver, clock: manualClock(NOW) });
    client = createIpcClient(appContract, createMemoryTransport(engine.connect));
    const cluster = await client.call('clusters.add', {
      name: 'office',
      hosts: ['kvm-1', 'kvm-2'].map((address) => ({ spec: { transport: 'tcp' as const, address } })),
    });
    clusterId = cluster.id;

    // Slots: seeded random bytes (stored as they are: 16-byte header + the bytes) or zero. Alpha's second point
    // shares its first two chunks with the first; the last slot of alpha's disk is 1000 bytes long.
    repoPath = join(temp.dir, 'repo');
    const repository = await Repository.init(repoPath, { clock: manualClock(NOW), logger: silentLogger(), chunkSize: CHUNK, writer: true });
    const write = async (name: string, vmUuid: string, vmName: string, hoursAgo: number, slots: (string | null)[], lastLength = CHUNK): Promise<void> => {
      const capacity = (slots.length - 1) * CHUNK + lastLength;
      const image = Buffer.alloc(capacity);
      slots.forEach((seed, i) => {
        if (seed !== null) seededBytes(seed, i === slots.length - 1 ? lastLength : CHUNK).copy(image, i * CHUNK);
      });
      const result = await storeImage(repository, image);
      const manifest = buildManifest({ createdAt: new Date(NOW.getTime() - hoursAgo * HOUR), vmUuid, vmName, disks: [{ target: 'vda', capacityBytes: capacity, chunkSize: CHUNK, result }] });
      await repository.points.write({ ...manifest, vm: { ...manifest.vm, clusterId, clusterName: 'office' } });
      pointIds[name] = manifest.id;
    };
    await write('alpha-1', ALPHA, 'alpha', 30, ['s1', 's2', null, 's3'], 1000);
    await write('alpha-2', ALPHA, 'alpha', 2, ['s1', 's2', null, 's4'], 1000);
    await write('bravo-1', BRAVO, 'bravo', 50, ['s1', null]);
    await write('delta-1', DELTA, 'delta', 100, ['s5']);
    await repository.close();
    await client.call('repository.use', { path: repoPath });
    await engine.repositoryFigures.refresh(repoPath);
  });
  afterEach(async () => {
    client.close();
    await engine.close();
    temp.remove();
  });

  const vmsOf = (cluster: DashboardCluster | undefined): Record<string, Omit<DashboardCluster['vms'][number], 'ref'>> =>
    Object.fromEntries((cluster?.vms ?? []).map(({ ref: _ref, ...vm }) => [vm.name, vm]));

  it('sizes the repository from its chunk files and manifests, and the dedup ratio from the slots the points reference', async () => {
    const dashboard = await client.call('dashboard.get', {});
    const manifestBytes = listTree(join(repoPath, 'points'))
      .filter((file) => file.endsWith('.json'))
      .reduce((sum, file) => sum + statSync(join(repoPath, 'points', file)).size, 0);
    // Chunks s1, s2, s5 (64 KiB) and s3, s4 (1000 bytes), each with its 16-byte header.
    const chunkBytes = 3 * (16 + CHUNK) + 2 * (16 + 1000);
    // alpha: 2 × (2 full slots + 1000); bravo: 1 slot; delta: 1 slot. Zero slots reference nothing.
    const logicalBytes = 2 * (2 * CHUNK + 1000) + CHUNK + CHUNK;
    expect(dashboard.repository).toMatchObject({
      status: { path: repoPath, state: 'ready', pointCount: 4, vmCount: 3 },
      storedBytes: chunkBytes + manifestBytes,
      chunkCount: 5,
      logicalBytes,
      dedupRatio: logicalBytes / (chunkBytes + manifestBytes),
      figuresPending: false,
    });
    expect(dashboard.repository.status.freeBytes).toBeGreaterThan(0);
    expect(dashboard.repository.totalBytes).toBeGreaterThanOrEqual(dashboard.repository.status.freeBytes!);
  });

  it('gives each VM its newest point, age and stale flag: 48 hours without a schedule, twice the longest gap with one', async () => {
    const dashboard = await client.call('dashboard.get', {});
    expect(dashboard.generatedAt).toBe(NOW.toISOString());
    const [office] = dashboard.clusters;
    expect(office).toMatchObject({
      clusterId,
      name: 'office',
      hosts: { total: 2, connected: 2, connecting: 0, unreachable: 0 },
      vmCount: 3,
      schedule: null,
      nextRunAt: null,
      staleAfterHours: 48,
      staleVmCount: 2,
      activeBackupJobId: null,
    });
    // The inventory's VMs by name, then delta, known only from its point. A point completes 1 s after it starts.
    expect(office!.vms.map((vm) => vm.name)).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    const vms = vmsOf(office);
    expect(vms['alpha']).toEqual({
      name: 'alpha',
      state: 'running',
      inInventory: true,
      gone: false,
      lastPoint: { id: pointIds['alpha-2'], completedAt: new Date(NOW.getTime() - 2 * HOUR + 1000).toISOString() },
      pointCount: 2,
      lastAttempt: { at: new Date(NOW.getTime() - 2 * HOUR + 1000).toISOString(), result: 'succeeded', jobId: null, pointId: pointIds['alpha-2'], error: null },
      ageSeconds: 2 * 3600 - 1,
      stale: false,
    });
    expect(vms['bravo']).toMatchObject({ state: 'shut off', pointCount: 1, ageSeconds: 50 * 3600 - 1, stale: true });
    expect(vms['charlie']).toEqual({ name: 'charlie', state: 'running', inInventory: true, gone: false, lastPoint: null, pointCount: 0, lastAttempt: null, ageSeconds: null, stale: true });
    // Both hosts answered and neither has delta: it is gone from the cluster, and its 100-hour-old point makes
    // nothing stale.
    expect(vms['delta']).toMatchObject({ state: null, inInventory: false, gone: true, pointCount: 1, ageSeconds: 100 * 3600 - 1, stale: false });

    // Weekly on Mondays: the longest gap is 7 days, so 14 days make a VM stale; bravo's 50 hours no longer do.
    const scheduled = await client.call('schedules.set', { clusterId, schedule: { kind: 'weekly', days: [1], time: '02:00' } });
    const after = (await client.call('dashboard.get', {})).clusters[0];
    expect(after).toMatchObject({ schedule: { kind: 'weekly', days: [1], time: '02:00' }, nextRunAt: scheduled.nextRunAt, staleAfterHours: 14 * 24, staleVmCount: 1 });
    expect(vmsOf(after)['bravo']!.stale).toBe(false);
    // Monday, Wednesday and Friday: the longest gap is Friday to Monday, 3 days.
    await client.call('schedules.set', { clusterId, schedule: { kind: 'weekly', days: [5, 1, 3], time: '02:00' } });
    expect((await client.call('dashboard.get', {})).clusters[0]).toMatchObject({ staleAfterHours: 6 * 24 });
  });

  it('counts a VM missing from the inventory as stale, not gone, while a host is unreachable (it may be there)', async () => {
    driver.kill('kvm-2');
    let office: DashboardCluster | undefined;
    for (let tries = 0; tries < 100; tries += 1) {
      office = (await client.call('dashboard.get', {})).clusters[0];
      if (office?.hosts.unreachable === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(office?.hosts).toMatchObject({ total: 2, connected: 1, unreachable: 1 });
    const vms = vmsOf(office);
    // Bravo lived on kvm-2: not listed now, its 50-hour-old point stale. Delta could be on kvm-2 as far as anyone knows.
    expect(vms['bravo']).toMatchObject({ inInventory: false, gone: false, stale: true });
    expect(vms['delta']).toMatchObject({ inInventory: false, gone: false, stale: true });
    expect(office?.staleVmCount).toBe(3);
  });

  it("shows a failed attempt newer than the VM's last point with the job's reason, and names the job of a good one", async () => {
    storeBackupJob(engine, '7b6a5c4d-0000-4000-8000-000000000001', clusterId, new Date(NOW.getTime() - 50 * HOUR + 5000), [
      item(BRAVO, clusterId, { state: 'succeeded', finishedAt: new Date(NOW.getTime() - 50 * HOUR + 5000).toISOString(), result: { pointId: pointIds['bravo-1']!, type: 'full', fullReason: null, bytesRead: CHUNK, bytesAdded: CHUNK + 16 } }),
    ]);
    const failure = { code: 'unreachable', message: 'kvm-1: connection refused (ECONNREFUSED 10.0.0.1:16509)' };
    storeBackupJob(engine, '7b6a5c4d-0000-4000-8000-000000000002', clusterId, new Date(NOW.getTime() - HOUR), [
      item(ALPHA, clusterId, { state: 'failed', finishedAt: new Date(NOW.getTime() - HOUR).toISOString(), error: failure }),
      // Skipped (another job had it) says nothing about charlie.
      item(CHARLIE, clusterId, { state: 'skipped', finishedAt: new Date(NOW.getTime() - HOUR).toISOString() }),
    ]);
    const vms = vmsOf((await client.call('dashboard.get', {})).clusters[0]);
    expect(vms['alpha']).toMatchObject({
      lastAttempt: { at: new Date(NOW.getTime() - HOUR).toISOString(), result: 'failed', jobId: '7b6a5c4d-0000-4000-8000-000000000002', pointId: null, error: failure },
      lastPoint: { id: pointIds['alpha-2'] },
      ageSeconds: 2 * 3600 - 1,
      stale: false,
    });
    expect(vms['bravo']!.lastAttempt).toEqual({
      at: new Date(NOW.getTime() - 50 * HOUR + 5000).toISOString(),
      result: 'succeeded',
      jobId: '7b6a5c4d-0000-4000-8000-000000000001',
      pointId: pointIds['bravo-1'],
      error: null,
    });
    expect(vms['charlie']!.lastAttempt).toBeNull();
  });

  it('walks the repository again when asked after a change, and says so on dashboard.changed', async () => {
    const changes: string[] = [];
    const stop = client.subscribe('dashboard.changed', {}, (payload) => changes.push(payload.figuresAt));
    const before = (await client.call('dashboard.get', {})).repository;
    const repository = await Repository.open(repoPath, { clock: manualClock(NOW), logger: silentLogger(), writer: true });
    const result = await storeImage(repository, seededBytes('s6', CHUNK));
    const manifest = buildManifest({ createdAt: new Date(NOW.getTime() - 10_000), vmUuid: CHARLIE, vmName: 'charlie', disks: [{ target: 'vda', capacityBytes: CHUNK, chunkSize: CHUNK, result }] });
    await repository.points.write({ ...manifest, vm: { ...manifest.vm, clusterId } });
    await repository.close();
    await engine.repository.syncIndex();
    await engine.repositoryFigures.refresh(repoPath);
    const after = (await client.call('dashboard.get', {})).repository;
    expect(after.chunkCount).toBe(before.chunkCount! + 1);
    expect(after.logicalBytes).toBe(before.logicalBytes! + CHUNK);
    const charlieFolder = join(repoPath, 'points', clusterId, CHARLIE);
    const [charlieManifest] = listTree(charlieFolder);
    expect(after.storedBytes! - before.storedBytes!).toBe(16 + CHUNK + statSync(join(charlieFolder, charlieManifest!)).size);
    expect(changes).toEqual([NOW.toISOString()]);
    stop();
  });
});
