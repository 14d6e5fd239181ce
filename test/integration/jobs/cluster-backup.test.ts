// One-click cluster backup over the WebSocket transport, against the lab: every VM gets a point, progress is
// monotonic and throttled and ends with a final snapshot, the concurrency limits hold (read back from the job
// log), a cancel leaves no partial point and no backup job on any host, and a fresh install opened on the same
// repository lists the same points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appContract } from '../../../shared/ipc/contract.js';
import { createIpcClient, type IpcClient } from '../../../shared/ipc/client.js';
import type { JobDetail, JobProgress } from '../../../shared/model/job.js';
import { labHostInputs } from '../../../electron/cli/lab.js';
import type { Engine } from '../../../electron/engine/engine.js';
import { PROGRESS_INTERVAL_MS } from '../../../electron/engine/jobs/job-runner.js';
import { createWebSocketTransport } from '../../../renderer/src/ipc/websocket-transport.js';
import { startWebSocketServer } from '../../contract/transports.js';
import { createTestEngine } from '../../support/engine.js';
import { requireLab, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';
import { join } from 'node:path';

const lab: LabJson = requireLab();
const FINAL = ['succeeded', 'partial', 'failed', 'cancelled'];

function waitForFinal(events: JobProgress[], jobId: string, timeoutMs = 240_000): Promise<JobProgress> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const last = events.filter((e) => e.jobId === jobId).at(-1);
      if (last && FINAL.includes(last.state)) resolve(last);
      else if (Date.now() > deadline) reject(new Error(`job ${jobId} did not end in ${timeoutMs} ms`));
      else setTimeout(check, 50);
    };
    check();
  });
}

/** The most items of the job running at once, overall and per host, replayed from its log in order. */
function concurrencyFromLog(detail: JobDetail): { global: number; perHost: number } {
  const hostOf = new Map<string, string>();
  let running = 0;
  let maxGlobal = 0;
  let maxHost = 0;
  const perHost = new Map<string, number>();
  for (const line of detail.log) {
    if (!line.itemKey) continue;
    const started = /: started on (\S+)$/.exec(line.message);
    if (started) {
      const host = started[1]!;
      hostOf.set(line.itemKey, host);
      running += 1;
      perHost.set(host, (perHost.get(host) ?? 0) + 1);
      maxGlobal = Math.max(maxGlobal, running);
      maxHost = Math.max(maxHost, perHost.get(host)!);
    } else if (/: (restore point|failed|cancelled)/.test(line.message) && hostOf.has(line.itemKey)) {
      running -= 1;
      const host = hostOf.get(line.itemKey)!;
      perHost.set(host, perHost.get(host)! - 1);
      hostOf.delete(line.itemKey);
    }
  }
  return { global: maxGlobal, perHost: maxHost };
}

function backupJobsOnHosts(): string[] {
  const found: string[] = [];
  for (const host of lab.hosts) {
    for (const name of virsh(lab, host.name, 'list', '--name').split('\n').filter(Boolean)) {
      const info = virsh(lab, host.name, 'domjobinfo', name);
      if (!/Job type:\s+None/.test(info)) found.push(`${name} on ${host.name}: ${info.trim()}`);
    }
  }
  return found;
}

describe('one-click cluster backup over the WebSocket transport', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startWebSocketServer>>;
  let client: IpcClient<typeof appContract>;
  let clusterId: string;
  const events: JobProgress[] = [];
  const repoPath = (): string => join(temp.dir, 'repo');

  beforeAll(async () => {
    temp = makeTempDir('cluster-backup');
    engine = createTestEngine(temp.dir);
    server = await startWebSocketServer(engine.connect, createMemoryLogger().logger);
    client = createIpcClient(appContract, createWebSocketTransport(server.url()));
    const cluster = await client.call('clusters.add', { name: 'lab', hosts: labHostInputs(lab, 'ssh') });
    clusterId = cluster.id;
    const status = await client.call('repository.use', { path: repoPath(), create: true });
    expect(status.state).toBe('ready');
    await client.call('settings.update', { concurrency: { global: 2, perHost: 1, perCluster: 2 } });
    await client.subscribe('jobs.progress', {}, (progress) => void events.push(progress));
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    await engine?.close();
    temp?.remove();
  });

  it('backs up every VM of the cluster, with monotonic, throttled progress ending in a final snapshot', async () => {
    const startedAt = Date.now();
    const { jobId } = await client.call('backup.startCluster', { clusterId });
    const final = await waitForFinal(events, jobId);
    const elapsed = Date.now() - startedAt;
    expect(final.state, JSON.stringify(final.items.map((i) => [i.name, i.state, i.error]))).toBe('succeeded');
    expect(final.items.map((i) => i.name).sort()).toEqual(lab.vms.map((v) => v.name).sort());

    const mine = events.filter((e) => e.jobId === jobId);
    expect(mine.map((e) => e.seq)).toEqual([...mine.map((e) => e.seq)].sort((a, b) => a - b));
    // Per disk: bytes done never go backwards, and every disk ends at its total.
    for (const item of final.items) {
      for (const disk of item.disks) {
        const series = mine.flatMap((e) => e.items.filter((i) => i.key === item.key).flatMap((i) => i.disks.filter((d) => d.target === disk.target)));
        const done = series.map((d) => d.bytesDone);
        expect(done, `${item.name} ${disk.target}`).toEqual([...done].sort((a, b) => a - b));
        expect(disk.bytesDone).toBe(disk.bytesTotal);
      }
      expect(item.state).toBe('succeeded');
      expect(item.result?.pointId).toBeTruthy();
    }
    // The throttle: snapshots that change only byte counts come at most once per interval; state changes (an item
    // starting or ending, the job's own) come on top, and there are at most 2 per item plus 3 for the job.
    const stateChanges = final.items.length * 2 + 3;
    expect(mine.length).toBeLessThanOrEqual(Math.ceil(elapsed / PROGRESS_INTERVAL_MS) + stateChanges + 1);

    // Every VM has its new point, listed by VM identity.
    const { points } = await client.call('points.list', { clusterId });
    for (const item of final.items) expect(points.some((p) => p.id === item.result!.pointId && p.vmUuid === item.vm!.vmUuid)).toBe(true);
    expect(points.every((p) => p.clusterName === 'lab')).toBe(true);

    // The limits (2 at once, 1 per host) held, as the job's log shows.
    const detail = await client.call('jobs.get', { id: jobId });
    const seen = concurrencyFromLog(detail);
    expect(seen.global).toBeLessThanOrEqual(2);
    expect(seen.perHost).toBe(1);
    expect(detail.summary.state).toBe('succeeded');
    expect(detail.summary.itemsSucceeded).toBe(lab.vms.length);
  });

  it('a new subscriber gets the snapshot of a running job at once', async () => {
    const { jobId } = await client.call('backup.startCluster', { clusterId });
    const late: JobProgress[] = [];
    const other = createIpcClient(appContract, createWebSocketTransport(server.url()));
    try {
      await other.subscribe('jobs.progress', { jobId }, (p) => void late.push(p));
      await waitForFinal(events, jobId);
      await waitForFinal(late, jobId);
      // The first one came with the subscription, before any new event: the job was already under way.
      expect(late[0]!.state).not.toBe('queued');
      expect(late.at(-1)!.state, JSON.stringify(late.at(-1)!.items.map((i) => [i.name, i.state, i.error]))).toBe('succeeded');
    } finally {
      other.close();
    }
  });

  it('a VM already being backed up is not started twice', async () => {
    const vm = lab.vms[1]!;
    const first = await client.call('backup.startVms', { clusterId, vmUuids: [vm.uuid] });
    const second = await client.call('backup.startVms', { clusterId, vmUuids: [vm.uuid] });
    const [a, b] = await Promise.all([waitForFinal(events, first.jobId), waitForFinal(events, second.jobId)]);
    expect(a.items[0]!.state).toBe('succeeded');
    expect(b.items[0]!.state).toBe('skipped');
    expect(b.items[0]!.error?.message).toMatch(/another job/);
  });

  it('cancel mid-run: no partial point, no backup job left on any host, and the next run succeeds', async () => {
    await client.call('settings.update', { concurrency: { global: 1, perHost: 1, perCluster: 1 } });
    const before = new Set((await client.call('points.list', { clusterId })).points.map((p) => p.id));
    const { jobId } = await client.call('backup.startCluster', { clusterId });
    // Cancel once the first VM is reading.
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 60_000;
      const check = (): void => {
        const last = events.filter((e) => e.jobId === jobId).at(-1);
        if (last?.items.some((i) => i.state === 'running' && i.phase === 'reading')) resolve();
        else if (Date.now() > deadline) reject(new Error('no item started reading'));
        else setTimeout(check, 10);
      };
      check();
    });
    await client.call('jobs.cancel', { id: jobId });
    const final = await waitForFinal(events, jobId);
    expect(final.state).toBe('cancelled');
    const succeeded = final.items.filter((i) => i.state === 'succeeded');
    const after = (await client.call('points.list', { clusterId })).points.filter((p) => !before.has(p.id));
    // Only items that finished before the cancel have new points; the cancelled ones left none.
    expect(after.map((p) => p.id).sort(), JSON.stringify(final.items.map((i) => [i.name, i.state, i.error]))).toEqual(succeeded.map((i) => i.result!.pointId).sort());
    expect(final.items.some((i) => i.state === 'cancelled')).toBe(true);
    expect(backupJobsOnHosts()).toEqual([]);

    await client.call('settings.update', { concurrency: { global: 3, perHost: 2, perCluster: 3 } });
    const again = await client.call('backup.startCluster', { clusterId });
    const end = await waitForFinal(events, again.jobId);
    expect(end.state, JSON.stringify(end.items.map((i) => [i.name, i.state, i.error]))).toBe('succeeded');
  });

  it('a fresh install opened on the same repository lists the same points, VMs and cluster names', async () => {
    const original = (await client.call('points.list', {})).points;
    const fresh = createTestEngine(join(temp.dir, 'fresh'));
    const freshServer = await startWebSocketServer(fresh.connect, createMemoryLogger().logger);
    const freshClient = createIpcClient(appContract, createWebSocketTransport(freshServer.url()));
    try {
      expect((await freshClient.call('repository.get', {})).state).toBe('not_configured');
      const status = await freshClient.call('repository.use', { path: repoPath(), create: false });
      expect(status.state).toBe('ready');
      expect(status.pointCount).toBe(original.length);
      const rebuilt = (await freshClient.call('points.list', {})).points;
      expect(rebuilt).toEqual(original);
      expect(new Set(rebuilt.map((p) => p.vmName))).toEqual(new Set(lab.vms.map((v) => v.name)));
      expect(new Set(rebuilt.map((p) => p.clusterName))).toEqual(new Set(['lab']));
    } finally {
      freshClient.close();
      await freshServer.close();
      await fresh.close();
    }
  });
});
