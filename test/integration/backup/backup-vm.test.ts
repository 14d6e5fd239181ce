// The backup engine end to end against the lab, over SSH: full, incremental, nothing changed, after a live
// migration, and with the checkpoint deleted by hand. Every point is exported and compared with the VM's disk
// image (`qemu-img compare`), so a backup that could not be restored bit for bit fails here.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmRef } from '../../../shared/model/inventory.js';
import { labHostInputs } from '../../../electron/cli/lab.js';
import { systemClock } from '../../../electron/engine/clock.js';
import type { Engine } from '../../../electron/engine/engine.js';
import { Repository, type Manifest } from '../../../electron/engine/repository/index.js';
import { requireLab, removeLifeboatCheckpoints, virsh, type LabJson } from '../../support/lab.js';
import { createTestEngine } from '../../support/engine.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const lab: LabJson = requireLab();
const MiB = 1024 * 1024;
const CHUNK = 4 * MiB;

function placement(vmName: string): string {
  for (const host of lab.hosts) if (virsh(lab, host.name, 'list', '--all', '--name').split('\n').includes(vmName)) return host.name;
  throw new Error(`${vmName} is on no lab host`);
}

/** The disk image file of a VM's disk on the host that runs it now, as seen from this machine. */
function imageOnMachine(vmName: string, target: string): string {
  const host = placement(vmName);
  const path = lab.vms.find((v) => v.name === vmName)!.disks.find((d) => d.target === target)!.path;
  return join(lab.labDir, 'hosts', host, 'lib', path.replace(/^\/var\/lib\/libvirt\//, ''));
}

/** A qemu-io command on a running VM's disk, through the QEMU monitor (the lab's guests have no OS). */
function qemuIo(vmName: string, target: string, command: string): void {
  const device = target === 'vda' ? 'virtio-disk0' : 'virtio-disk1';
  virsh(lab, placement(vmName), 'qemu-monitor-command', vmName, '--hmp', `qemu-io -d /machine/peripheral/${device}/virtio-backend "${command}"`);
}

function qemuIoWrite(vmName: string, target: string, pattern: number, offset: string, length: string): void {
  qemuIo(vmName, target, `write -P ${pattern} ${offset} ${length}`);
}

describe('backing up a VM into a repository', () => {
  const vm = lab.vms.find((v) => v.disks.length === 2)!;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let repository: Repository;
  let ref: VmRef;
  let home: string;

  async function exportMatchesImage(manifest: Manifest): Promise<void> {
    for (const disk of manifest.disks) {
      // The image file is read beside the running QEMU: have it write out its cached qcow2 metadata first.
      qemuIo(vm.name, disk.target, 'flush');
      const out = join(temp.dir, `${manifest.id}-${disk.target}.raw`);
      await repository.exportDisk(manifest, disk.target, out, { format: 'raw' });
      const compare = spawnSync('qemu-img', ['compare', '-U', '-f', 'raw', '-F', 'qcow2', out, imageOnMachine(vm.name, disk.target)], { encoding: 'utf8' });
      expect(compare.stdout + compare.stderr, `${disk.target} of point ${manifest.id}`).toContain('Images are identical');
    }
  }

  beforeAll(async () => {
    home = placement(vm.name);
    temp = makeTempDir('backup-vm');
    const { logger } = createMemoryLogger();
    engine = createTestEngine(temp.dir);
    const cluster = await engine.clusters.add({ name: 'lab', hosts: labHostInputs(lab, 'ssh') });
    ref = { clusterId: cluster.id, vmUuid: vm.uuid };
    repository = await Repository.init(join(temp.dir, 'repo'), { clock: systemClock, logger, writer: true });
  });

  afterAll(async () => {
    await repository?.close();
    await engine?.close();
    const now = placement(vm.name);
    if (now !== home) virsh(lab, now, 'migrate', '--live', '--p2p', '--copy-storage-all', '--persistent', '--undefinesource', vm.name, `qemu+tcp://${home}/system`);
    removeLifeboatCheckpoints(lab, home, vm.name);
    temp?.remove();
  });

  it('takes a full backup of every disk that exports identical to the disks', async () => {
    const progress: number[] = [];
    const { manifest } = await engine.backupVm(repository, ref, { onProgress: (p) => progress.push(p.disks.reduce((n, d) => n + d.bytesDone, 0)) });
    expect(manifest).toMatchObject({ type: 'full', parentPointId: null, vm: { name: vm.name, vmUuid: vm.uuid }, sourceHost: { label: placement(vm.name) } });
    expect(manifest.fullReason).toBeUndefined();
    expect(manifest.disks.map((d) => d.target)).toEqual(['vda', 'vdb']);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await exportMatchesImage(manifest);
  });

  it('backs up only the changed chunks in an incremental, and nothing when nothing changed', async () => {
    // 64 KiB in chunk 0 and 192 KiB across the boundary of chunks 24 and 25 of vda; 64 KiB in chunk 1 of vdb.
    qemuIoWrite(vm.name, 'vda', 0x11, '64k', '64k');
    qemuIoWrite(vm.name, 'vda', 0x22, `${25 * 4 * 1024 - 64}k`, '192k');
    qemuIoWrite(vm.name, 'vdb', 0x33, '5M', '64k');
    const { manifest } = await engine.backupVm(repository, ref);
    expect(manifest.type).toBe('incremental');
    // Only the chunks holding dirty extents were read: 3 on vda, 1 on vdb.
    expect(manifest.disks.map((d) => [d.target, d.stats.bytesRead])).toEqual([
      ['vda', 3 * CHUNK],
      ['vdb', 1 * CHUNK],
    ]);
    expect(manifest.stats.chunksNew).toBeLessThanOrEqual(4);
    await exportMatchesImage(manifest);

    const again = await engine.backupVm(repository, ref);
    expect(again.manifest.type).toBe('incremental');
    expect(again.manifest.stats).toMatchObject({ bytesRead: 0, chunksNew: 0, bytesStored: 0 });
    await exportMatchesImage(again.manifest);
  });

  it('stays incremental and identical after a live migration', async () => {
    const away = lab.hosts.find((h) => h.name !== placement(vm.name))!.name;
    virsh(lab, placement(vm.name), 'migrate', '--live', '--p2p', '--copy-storage-all', '--persistent', '--undefinesource', vm.name, `qemu+tcp://${away}/system`);
    qemuIoWrite(vm.name, 'vda', 0x44, '200M', '128k');
    const { manifest } = await engine.backupVm(repository, ref);
    expect(manifest).toMatchObject({ type: 'incremental', sourceHost: { label: away } });
    expect(manifest.stats.bytesRead).toBe(CHUNK);
    await exportMatchesImage(manifest);
  });

  it('falls back to a full read, recording why, when the checkpoint was deleted on the host', async () => {
    const host = placement(vm.name);
    removeLifeboatCheckpoints(lab, host, vm.name);
    qemuIoWrite(vm.name, 'vdb', 0x55, '100M', '64k');
    const { manifest } = await engine.backupVm(repository, ref);
    expect(manifest.type).toBe('full');
    expect(manifest.fullReason).toMatch(/checkpoint/);
    // Everything was read again, but only the new data was stored.
    expect(manifest.stats.chunksNew).toBeLessThanOrEqual(1);
    await exportMatchesImage(manifest);
    const { points } = await repository.points.list({ vmUuid: vm.uuid });
    expect(points.map((p) => p.type)).toEqual(['full', 'incremental', 'incremental', 'incremental', 'full']);
  });
});

describe('backing up a shut-off VM', () => {
  const vm = lab.vms.find((v) => v.planned === 'shut off')!;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let repository: Repository;

  beforeAll(async () => {
    temp = makeTempDir('backup-off');
    const { logger } = createMemoryLogger();
    engine = createTestEngine(temp.dir);
    repository = await Repository.init(join(temp.dir, 'repo'), { clock: systemClock, logger, writer: true });
  });

  afterAll(async () => {
    await repository?.close();
    await engine?.close();
    temp?.remove();
  });

  it('reads its disk images on the host with qemu-nbd, exports them identical, and stores nothing twice', async () => {
    const cluster = await engine.clusters.add({ name: 'lab', hosts: labHostInputs(lab, 'ssh') });
    const ref = { clusterId: cluster.id, vmUuid: vm.uuid };
    const first = (await engine.backupVm(repository, ref)).manifest;
    expect(first).toMatchObject({ type: 'full', checkpoint: null });
    expect(first.fullReason).toBeUndefined();
    for (const disk of first.disks) {
      const out = join(temp.dir, `${disk.target}.raw`);
      await repository.exportDisk(first, disk.target, out, { format: 'raw' });
      const compare = spawnSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', out, imageOnMachine(vm.name, disk.target)], { encoding: 'utf8' });
      expect(compare.stdout + compare.stderr).toContain('Images are identical');
    }
    const second = (await engine.backupVm(repository, ref)).manifest;
    expect(second.type).toBe('full');
    expect(second.fullReason).toMatch(/shut off/);
    expect(second.stats.chunksNew).toBe(0);
    expect(virsh(lab, placement(vm.name), 'domstate', vm.name).trim()).toBe('shut off');
    // Nothing is left running or listening on the host.
    expect(spawnSync('pgrep', ['-f', `lifeboat-nbd-${vm.uuid}`]).status).toBe(1);
  });
});
