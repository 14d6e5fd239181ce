// Restore as the wizard drives it, over IPC against the lab: the targets (every host with its pools and free
// space), a dry run, the restore job with live progress to another host, the VM running there and shown by the
// inventory on that host; a taken name refused with a usable code before any job exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appContract } from '../../../shared/ipc/contract.js';
import { createIpcClient, type IpcClient } from '../../../shared/ipc/client.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { JobProgress } from '../../../shared/model/job.js';
import type { Engine } from '../../../electron/engine/engine.js';
import { createMemoryTransport } from '../../../shared/ipc/memory-transport.js';
import { createTestEngine } from '../../support/engine.js';
import { requireLab, virsh, type LabJson } from '../../support/lab.js';
import { makeTempDir } from '../../support/temp.js';
import { addLabCluster, cleanRestoreTests, placement, PREFIX } from '../restore/restore-lab.js';
import { join } from 'node:path';

const lab: LabJson = requireLab();

describe('restore through IPC and the job runner', () => {
  const vm = lab.vms.find((v) => v.planned === 'running' && v.disks.length === 1)!;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let client: IpcClient<typeof appContract>;
  let clusterId: string;
  let pointId: string;
  const events: JobProgress[] = [];

  beforeAll(async () => {
    cleanRestoreTests(lab);
    temp = makeTempDir('restore-job');
    engine = createTestEngine(temp.dir);
    client = createIpcClient(appContract, createMemoryTransport(engine.connect));
    clusterId = await addLabCluster(engine, lab);
    await client.call('repository.use', { path: join(temp.dir, 'repo'), create: true });
    const { jobId } = await client.call('backup.startVms', { clusterId, vmUuids: [vm.uuid] });
    await client.subscribe('jobs.progress', {}, (p) => void events.push(p));
    const detail = await waitForEnd(jobId);
    expect(detail.state).toBe('succeeded');
    pointId = detail.items[0]!.result!.pointId;
  });

  afterAll(async () => {
    client?.close();
    await engine?.close();
    cleanRestoreTests(lab);
    temp?.remove();
  });

  async function waitForEnd(jobId: string): Promise<JobProgress> {
    for (let i = 0; i < 2400; i += 1) {
      const detail = await client.call('jobs.get', { id: jobId });
      if (['succeeded', 'partial', 'failed', 'cancelled'].includes(detail.summary.state)) return detail.progress;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${jobId} did not end`);
  }

  it('lists every host of the cluster with its pools, then restores to another host and starts the VM there', async () => {
    const home = placement(lab, vm.name);
    const targets = await client.call('restore.targets', { pointId });
    expect(targets.hosts.map((h) => h.label).sort()).toEqual(lab.hosts.map((h) => h.name).sort());
    expect(targets.requiredBytes).toBe(vm.disks[0]!.capacityBytes);
    const away = targets.hosts.find((h) => h.label !== home && h.state === 'connected')!;
    expect(targets.hosts.find((h) => h.label === home)!.hasOriginal).toBe(true);
    expect(away.hasOriginal).toBe(false);
    const pool = away.pools.find((p) => p.name === 'default')!;
    expect(pool.availableBytes).toBeGreaterThan(targets.requiredBytes);

    const name = `${PREFIX}ipc`;
    const options = { pointId, hostId: away.hostId, pool: 'default', name, start: true };
    const plan = await client.call('restore.preflight', options);
    expect(plan).toMatchObject({ host: away.label, name, replace: false, pool: 'default', requiredBytes: targets.requiredBytes });
    // A dry run writes nothing.
    expect(virsh(lab, away.label, 'list', '--all', '--name')).not.toContain(name);

    const { jobId } = await client.call('restore.start', options);
    const final = await waitForEnd(jobId);
    expect(final.state, JSON.stringify(final.items[0]?.error)).toBe('succeeded');
    const item = final.items[0]!;
    expect(item.restoreResult).toMatchObject({ host: away.label, vmName: name, started: true, replaced: false });
    expect(item.disks.every((d) => d.bytesDone === d.bytesTotal)).toBe(true);
    const seen = events.filter((e) => e.jobId === jobId);
    expect(seen.at(-1)!.state).toBe('succeeded');
    expect(virsh(lab, away.label, 'domstate', name).trim()).toBe('running');

    // The inventory shows the new VM on the chosen host.
    const inventory = await client.call('inventory.get', { clusterId, refresh: true });
    const restored = inventory.vms.find((v) => v.name === name)!;
    expect(restored.hostId).toBe(away.hostId);
    expect(restored.ref.vmUuid).toBe(item.restoreResult!.vmUuid);
  });

  it('refuses a taken name with a conflict before any job is queued', async () => {
    const home = placement(lab, vm.name);
    const host = (await client.call('restore.targets', { pointId })).hosts.find((h) => h.label === home)!;
    const before = (await client.call('jobs.list', { limit: 100 })).length;
    const error = await client.call('restore.start', { pointId, hostId: host.hostId, pool: 'default', name: vm.name }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IpcError);
    expect((error as IpcError).code).toBe('conflict');
    expect((error as IpcError).reason).toBe('name_taken');
    expect((error as IpcError).message).toContain(vm.name);
    expect((await client.call('jobs.list', { limit: 100 })).length).toBe(before);
  });
});
