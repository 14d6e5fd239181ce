// What a backup does when things go wrong, against the lab: the caller cancels, the end of the job fails, a
// checkpoint's bitmap is lost, the repository's disk fills up, the VM's host dies mid-read. Each time: a clear
// error, no restore point half-visible, nothing left running on the host, the repository still opens and exports
// what it had, and the next backup succeeds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmRef } from '../../../shared/model/inventory.js';
import { labHostInputs } from '../../../electron/cli/lab.js';
import { systemClock } from '../../../electron/engine/clock.js';
import type { Engine } from '../../../electron/engine/engine.js';
import type { BackupRun, HostSession, HypervisorDriver } from '../../../electron/engine/hypervisors/driver.js';
import { createLibvirtDriver } from '../../../electron/engine/hypervisors/libvirt/libvirt-driver.js';
import { Repository } from '../../../electron/engine/repository/index.js';
import { LAB_DIR, requireLab, removeLifeboatCheckpoints, virsh, type LabJson } from '../../support/lab.js';
import { createTestEngine } from '../../support/engine.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const lab: LabJson = requireLab();

function placement(vmName: string): string {
  for (const host of lab.hosts) if (virsh(lab, host.name, 'list', '--all', '--name').split('\n').includes(vmName)) return host.name;
  throw new Error(`${vmName} is on no lab host`);
}

function lifeboatCheckpoints(vmName: string): string[] {
  return virsh(lab, placement(vmName), 'checkpoint-list', vmName, '--name').split('\n').filter((n) => n.startsWith('lifeboat-'));
}

/** Removes a checkpoint's bitmap from under libvirt, through QEMU's monitor, from whichever block node holds it. */
function dropBitmap(vmName: string, bitmap: string): void {
  const host = placement(vmName);
  const nodes = JSON.parse(virsh(lab, host, 'qemu-monitor-command', vmName, JSON.stringify({ execute: 'query-named-block-nodes', arguments: { flat: true } }))) as {
    return: { 'node-name': string; 'dirty-bitmaps'?: { name: string }[] }[];
  };
  const node = nodes.return.find((n) => n['dirty-bitmaps']?.some((b) => b.name === bitmap));
  expect(node, `bitmap ${bitmap} on ${vmName}`).toBeDefined();
  virsh(lab, host, 'qemu-monitor-command', vmName, JSON.stringify({ execute: 'block-dirty-bitmap-remove', arguments: { node: node!['node-name'], name: bitmap } }));
}

function noBackupJob(vmName: string): boolean {
  return /Job type:\s+None/.test(virsh(lab, placement(vmName), 'domjobinfo', vmName));
}

describe('backup faults', () => {
  const vm = lab.vms.find((v) => v.disks.length === 1 && v.planned === 'running' && v.name !== 'lab-vm1')!;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let ref: VmRef;

  beforeAll(async () => {
    temp = makeTempDir('backup-faults');
    engine = createTestEngine(temp.dir, { inventoryTimings: { retryMinMs: 200, retryMaxMs: 1000 } });
    const cluster = await engine.clusters.add({ name: 'lab', hosts: labHostInputs(lab, 'ssh') });
    ref = { clusterId: cluster.id, vmUuid: vm.uuid };
  });

  afterAll(async () => {
    await engine?.close();
    removeLifeboatCheckpoints(lab, placement(vm.name), vm.name);
    spawnSync('umount', [join(temp.dir, 'small')]);
    temp?.remove();
  });

  it('cancelled mid-read: no restore point, the host job and the new checkpoint gone, the next backup fine', async () => {
    const repository = await Repository.init(join(temp.dir, 'cancel-repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    // Checkpoints other files' backups left (each VM keeps its newest): this one's must go, those stay.
    const before = lifeboatCheckpoints(vm.name);
    try {
      const controller = new AbortController();
      const failure = await engine
        .backupVm(repository, ref, {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'reading' && p.disks.some((d) => d.bytesDone > 0)) controller.abort();
          },
        })
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
      expect(failure?.name).toMatch(/Abort/);
      expect((await repository.points.list()).points).toEqual([]);
      expect(noBackupJob(vm.name)).toBe(true);
      expect(lifeboatCheckpoints(vm.name)).toEqual(before);
      const { manifest } = await engine.backupVm(repository, ref);
      expect(manifest.type).toBe('full');
    } finally {
      await repository.close();
    }
  });

  it('ending the job fails after the point is written: the backup still counts, and its checkpoint stays for the next one', async () => {
    // The real driver, with a host that fails to answer the calls that end the job (after they really ran).
    const real = createLibvirtDriver();
    const flaky: HypervisorDriver = {
      kind: real.kind,
      connect: async (spec, options) => {
        const session = await real.connect(spec, options);
        return Object.assign(Object.create(session) as HostSession, {
          startBackup: async (request: Parameters<HostSession['startBackup']>[0]) => {
            const run = await session.startBackup(request);
            return Object.assign(Object.create(run) as BackupRun, {
              finish: async () => {
                await run.finish();
                throw new Error('injected: the host did not answer the end of the job');
              },
            });
          },
          close: () => session.close(),
        });
      },
    };
    const flakyEngine = createTestEngine(join(temp.dir, 'flaky'), { hypervisorDriver: flaky });
    const repository = await Repository.init(join(temp.dir, 'flaky-repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    try {
      const cluster = await flakyEngine.clusters.add({ name: 'lab', hosts: labHostInputs(lab, 'ssh') });
      const flakyRef = { clusterId: cluster.id, vmUuid: vm.uuid };
      const { manifest } = await flakyEngine.backupVm(repository, flakyRef);
      expect((await repository.points.list()).points.map((p) => p.id)).toEqual([manifest.id]);
      expect(lifeboatCheckpoints(vm.name)).toContain(manifest.checkpoint!.name);
      expect(noBackupJob(vm.name)).toBe(true);
      // The next backup continues from that checkpoint.
      const next = await flakyEngine.backupVm(repository, flakyRef);
      expect(next.manifest.type).toBe('incremental');
    } finally {
      await repository.close();
      await flakyEngine.close();
    }
  });

  it("a checkpoint whose bitmap is lost (QEMU or libvirtd died before saving it): a full read saying why, and the record removed", async () => {
    const repository = await Repository.init(join(temp.dir, 'lost-bitmap-repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    try {
      const first = (await engine.backupVm(repository, ref)).manifest;
      const lost = first.checkpoint!.name;
      // What a crash leaves: libvirt's record of the checkpoint, without its bitmap in the disk image.
      dropBitmap(vm.name, lost);
      const { manifest } = await engine.backupVm(repository, ref);
      expect(manifest.type).toBe('full');
      expect(manifest.fullReason).toContain(lost);
      // The record libvirt would not delete (its bitmap is gone) is removed with the rest; only the new one stays.
      expect(lifeboatCheckpoints(vm.name)).toEqual([manifest.checkpoint!.name]);
      const next = await engine.backupVm(repository, ref);
      expect(next.manifest.type).toBe('incremental');
    } finally {
      await repository.close();
    }
  });

  it('repository disk full: a clear error, no partial point, earlier points still export', async () => {
    const small = join(temp.dir, 'small');
    mkdirSync(small);
    // 4 MiB: room for the repository and a chunk or two, not for the ~9 MiB of data on the lab disk.
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small], { encoding: 'utf8' });
    expect(mount.status, mount.stderr).toBe(0);
    const repository = await Repository.init(join(small, 'repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    try {
      const failure = await engine.backupVm(repository, ref).then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(failure?.message).toMatch(/space|ENOSPC/i);
      expect((await repository.points.list()).points).toEqual([]);
      expect(noBackupJob(vm.name)).toBe(true);
    } finally {
      await repository.close();
    }
    const reopened = await Repository.open(join(small, 'repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    expect((await reopened.points.list()).points).toEqual([]);
    await reopened.close();
  });

  it('host killed mid-read: a clear error naming the host, nothing half-written, the next run fine', async () => {
    const repository = await Repository.init(join(temp.dir, 'kill-repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    const host = placement(vm.name);
    const pidOf = (daemon: 'sshd' | 'libvirtd'): number => Number(readFileSync(join(LAB_DIR, 'hosts', host, `${daemon}.pid`), 'utf8').trim());
    const sshdPid = pidOf('sshd');
    const libvirtdPid = pidOf('libvirtd');
    try {
      let killed = false;
      const failure = await engine
        .backupVm(repository, ref, {
          onProgress: (p) => {
            if (!killed && p.phase === 'reading' && p.disks.some((d) => d.bytesDone > 0)) {
              killed = true;
              // The host's daemons die (its VMs keep running, as QEMU does when libvirtd crashes): the SSH
              // server the backup streams through and libvirtd. To Lifeboat, the host is gone.
              spawnSync('pkill', ['-KILL', '-P', String(sshdPid)]);
              process.kill(sshdPid, 'SIGKILL');
              process.kill(libvirtdPid, 'SIGKILL');
            }
          },
        })
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
      expect(killed).toBe(true);
      expect(failure?.message).toMatch(/127\.0\.0\.1|closed|connection/i);
      expect((await repository.points.list()).points).toEqual([]);
    } finally {
      // The lab repairs the host once the killed daemons are really gone: until PID 1 reaps them they linger as
      // zombies under their old pids, and a repair then would start the new sshd in the dead libvirtd's namespace.
      for (const pid of [sshdPid, libvirtdPid]) {
        const deadline = Date.now() + 30_000;
        while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
      }
      expect(spawnSync(process.execPath, ['scripts/lab/lab.ts', 'up'], { encoding: 'utf8' }).status).toBe(0);
      if (!noBackupJob(vm.name)) virsh(lab, placement(vm.name), 'domjobabort', vm.name);
    }
    // The engine reconnects to the host on its own (with backoff, and a 10 s limit on each attempt, which a
    // half-started SSH server can use up); wait until it sees the VM again.
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline && !(await engine.inventory.get(ref.clusterId)).vms.some((v) => v.ref.vmUuid === vm.uuid)) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    try {
      const { manifest } = await engine.backupVm(repository, ref);
      expect(['full', 'incremental']).toContain(manifest.type);
      expect(noBackupJob(vm.name)).toBe(true);
    } finally {
      await repository.close();
    }
  });
});
