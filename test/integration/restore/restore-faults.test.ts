// What a restore does when things go wrong, against the lab: a pool too small and a name already taken are refused
// before anything is written; the target host killed mid-upload fails clearly and reports the partial volume, which
// is removed once the host is back; a corrupted chunk stops the restore naming the chunk, and nothing is left
// half-defined.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/engine/clock.js';
import type { Engine } from '../../../electron/engine/engine.js';
import { Repository, type Manifest } from '../../../electron/engine/repository/index.js';
import { RestoreError, removeRestoreLeftovers, restoreVm, type RestoreRequest } from '../../../electron/engine/restore/restore-vm.js';
import { createTestEngine } from '../../support/engine.js';
import { LAB_DIR, requireLab, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { rejectionOf } from '../../support/rejection.js';
import { makeTempDir } from '../../support/temp.js';
import { PREFIX, addLabCluster, cleanRestoreTests, placement, sessionTo, volumes } from './restore-lab.js';

const lab: LabJson = requireLab();
const SMALL_POOL = `${PREFIX}small`;
const SMALL_DIR = `/var/lib/libvirt/${SMALL_POOL}`;

function libvirtdPid(host: string): number {
  return Number(readFileSync(join(LAB_DIR, 'hosts', host, 'libvirtd.pid'), 'utf8').trim());
}

/** A command in a lab host's mount namespace (where its libvirtd sees the file system). */
function inHost(host: string, command: string): void {
  const r = spawnSync('nsenter', ['-t', String(libvirtdPid(host)), '-m', '--', 'sh', '-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} in ${host}: ${r.stderr}`);
}

const failure = (run: Promise<unknown>): Promise<RestoreError> => rejectionOf(run, RestoreError);

describe('restore faults', () => {
  const source = lab.vms.find((v) => v.planned === 'shut off')!;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let repository: Repository;
  let clusterId: string;
  let point: Manifest;
  /** A host other than the source VM's: the one the restores write to. */
  let target: string;

  const request = (overrides: Partial<RestoreRequest> = {}): RestoreRequest => ({
    point,
    targetPool: 'default',
    name: `${PREFIX}fault`,
    replace: false,
    start: false,
    format: 'qcow2',
    ...overrides,
  });

  beforeAll(async () => {
    cleanRestoreTests(lab);
    temp = makeTempDir('restore-faults');
    engine = createTestEngine(temp.dir, { inventoryTimings: { retryMinMs: 200, retryMaxMs: 1000 } });
    clusterId = await addLabCluster(engine, lab);
    repository = await Repository.init(join(temp.dir, 'repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    point = (await engine.backupVm(repository, { clusterId, vmUuid: source.uuid })).manifest;
    target = lab.hosts.find((h) => h.name !== placement(lab, source.name))!.name;
  });

  afterAll(async () => {
    spawnSync('virsh', ['-c', lab.hosts.find((h) => h.name === target)!.uri.unix, 'pool-destroy', SMALL_POOL]);
    spawnSync('virsh', ['-c', lab.hosts.find((h) => h.name === target)!.uri.unix, 'pool-undefine', SMALL_POOL]);
    spawnSync('nsenter', ['-t', String(libvirtdPid(target)), '-m', '--', 'sh', '-c', `umount ${SMALL_DIR}; rmdir ${SMALL_DIR}`]);
    cleanRestoreTests(lab);
    await repository?.close();
    await engine?.close();
    temp?.remove();
  });

  it('a pool too small for the disks: refused before anything is written', async () => {
    // A 64 MiB pool (a tmpfs in the host's mount namespace) for a 256 MiB disk.
    inHost(target, `mkdir -p ${SMALL_DIR} && mount -t tmpfs -o size=64m tmpfs ${SMALL_DIR}`);
    virsh(lab, target, 'pool-define-as', SMALL_POOL, 'dir', '--target', SMALL_DIR);
    virsh(lab, target, 'pool-start', SMALL_POOL);
    const session = await sessionTo(engine, clusterId, target);
    try {
      const error = await failure(restoreVm({ session, repository, hostLabel: target }, request({ targetPool: SMALL_POOL })));
      expect(error).toMatchObject({ code: 'no_space', beforeWrite: true, leftovers: null, removed: [] });
      expect(error.message).toMatch(new RegExp(`storage pool ${SMALL_POOL} on ${target} has \\d+(\\.\\d)? MiB free; the VM's disks need 256 MiB`));
      expect(volumes(lab, target, SMALL_POOL)).toEqual([]);
      expect(virsh(lab, target, 'list', '--all', '--name')).not.toContain(PREFIX);
    } finally {
      await session.close();
    }
  });

  it('a name already taken on the host: refused, nothing created', async () => {
    const taken = virsh(lab, target, 'list', '--all', '--name').split('\n').find((n) => n.startsWith('lab-vm'))!;
    const before = volumes(lab, target);
    const session = await sessionTo(engine, clusterId, target);
    try {
      const error = await failure(restoreVm({ session, repository, hostLabel: target }, request({ name: taken })));
      expect(error).toMatchObject({ code: 'name_taken', beforeWrite: true });
      expect(error.message).toContain(`${target} already has a VM named ${taken}`);
      expect(volumes(lab, target)).toEqual(before);
    } finally {
      await session.close();
    }
  });

  it('the target host killed mid-upload: a clear error, the partial volume reported, and removed once the host is back', async () => {
    const sshdPid = Number(readFileSync(join(LAB_DIR, 'hosts', target, 'sshd.pid'), 'utf8').trim());
    const daemonPid = libvirtdPid(target);
    const session = await sessionTo(engine, clusterId, target);
    let killed = false;
    let error: RestoreError;
    try {
      error = await failure(
        restoreVm({ session, repository, hostLabel: target }, request({ name: `${PREFIX}killed` }), {
          progressIntervalMs: 0,
          onProgress: (p) => {
            const disk = p.disks[0];
            if (!killed && p.phase === 'uploading' && disk && disk.bytesDone > 0 && disk.bytesDone < disk.bytesTotal) {
              killed = true;
              // The host's daemons die (its VMs keep running): the SSH server the restore streams through, and libvirtd.
              spawnSync('pkill', ['-KILL', '-P', String(sshdPid)]);
              process.kill(sshdPid, 'SIGKILL');
              process.kill(daemonPid, 'SIGKILL');
            }
          },
        }),
      );
    } finally {
      await session.close().catch(() => undefined);
      // Repair the host once the killed daemons are really gone (until reaped they linger under their pids).
      for (const pid of [sshdPid, daemonPid]) {
        const deadline = Date.now() + 30_000;
        while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
      }
      expect(spawnSync(process.execPath, ['scripts/lab/lab.ts', 'up'], { encoding: 'utf8' }).status).toBe(0);
    }
    expect(killed).toBe(true);
    expect(error).toMatchObject({ code: 'host_failed', beforeWrite: false });
    expect(error.message).toMatch(/127\.0\.0\.1|closed|connection/i);
    expect(error.message).toContain(`could not remove (the host did not answer), to clean up on ${target} later: volume default/${PREFIX}killed-vda.qcow2`);
    expect(error.leftovers).toEqual({ host: target, volumes: [{ pool: 'default', name: `${PREFIX}killed-vda.qcow2` }], vm: null, originalConfig: null });
    // Back up: the partial volume is there, and goes.
    expect(volumes(lab, target)).toContain(`${PREFIX}killed-vda.qcow2`);
    const again = await sessionTo(engine, clusterId, target);
    try {
      expect(await removeRestoreLeftovers(again, error.leftovers!)).toEqual({ removed: [`volume default/${PREFIX}killed-vda.qcow2`], failed: [] });
    } finally {
      await again.close();
    }
    expect(volumes(lab, target).filter((v) => v.startsWith(PREFIX))).toEqual([]);
    expect(virsh(lab, target, 'list', '--all', '--name')).not.toContain(PREFIX);
  });

  it('a corrupted chunk: the restore stops naming point, disk, offset and chunk, and leaves nothing behind', async () => {
    // A repository of its own: the damage must not reach the other tests' points.
    const damaged = await Repository.init(join(temp.dir, 'damaged-repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    try {
      const bad = (await engine.backupVm(damaged, { clusterId, vmUuid: source.uuid })).manifest;
      const chunks = bad.disks[0]!.chunks;
      const index = chunks.findLastIndex((id) => id !== null);
      const chunkId = chunks[index]!;
      const file = damaged.chunks.pathOf(chunkId);
      const bytes = readFileSync(file);
      bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);

      const session = await sessionTo(engine, clusterId, target);
      try {
        const name = `${PREFIX}corrupt`;
        const error = await failure(restoreVm({ session, repository: damaged, hostLabel: target }, { ...request({ name }), point: bad }));
        const offset = index * bad.disks[0]!.chunkSize;
        expect(error).toMatchObject({ code: 'point_damaged', beforeWrite: false, leftovers: null, removed: [`volume default/${name}-vda.qcow2`] });
        expect(error.message).toContain(`Restore point ${bad.id}, disk vda: bad chunk ${chunkId} at offset ${offset} (chunk ${index})`);
        expect(error.message).toContain(file);
        expect(volumes(lab, target).filter((v) => v.startsWith(PREFIX))).toEqual([]);
        expect(virsh(lab, target, 'list', '--all', '--name')).not.toContain(name);
      } finally {
        await session.close();
      }
    } finally {
      await damaged.close();
    }
  });
});
