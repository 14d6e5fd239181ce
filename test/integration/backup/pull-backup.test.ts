// The driver's agentless pull-mode backup against the lab, over SSH: a full backup exports each disk as it is,
// an incremental one exactly the ranges written since the last checkpoint, and after a live migration the
// checkpoint is recreated on the new host so the chain goes on. Data is read with Lifeboat's own NBD client.
// Note: this writes into the two-disk lab VM's disks, so later tests compare that VM against its image files,
// never against the lab's generated content.
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { labHostInputs } from '../../../electron/cli/lab.js';
import type { CheckpointRecord, HostSession } from '../../../electron/engine/hypervisors/driver.js';
import { createLibvirtDriver } from '../../../electron/engine/hypervisors/libvirt/libvirt-driver.js';
import { connectNbd, NBD_STATE_DIRTY, NBD_STATE_HOLE, type NbdExtent, type NbdTransport } from '../../../electron/engine/nbd/index.js';
import { requireLab, removeLifeboatCheckpoints, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const lab: LabJson = requireLab();
const driver = createLibvirtDriver();
const MiB = 1024 * 1024;

function placement(vmName: string): string {
  for (const host of lab.hosts) if (virsh(lab, host.name, 'list', '--all', '--name').split('\n').includes(vmName)) return host.name;
  throw new Error(`${vmName} is on no lab host`);
}

async function sessionOn(hostName: string): Promise<HostSession> {
  const index = lab.hosts.findIndex((h) => h.name === hostName);
  const input = labHostInputs(lab, 'ssh')[index]!;
  return driver.connect(input.spec as never, { secret: null, timeoutMs: 10_000, logger: createMemoryLogger().logger });
}

/** The guest-visible bytes of a disk image, read on the machine (`-U`: the VM holds the image open). */
function imageSha256(localPath: string): string {
  const temp = makeTempDir('pull-backup');
  try {
    const raw = join(temp.dir, 'disk.raw');
    const r = spawnSync('qemu-img', ['convert', '-U', '-O', 'raw', localPath, raw], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return createHash('sha256').update(readFileSync(raw)).digest('hex');
  } finally {
    temp.remove();
  }
}

function qemuIoWrite(hostName: string, vmName: string, disk: string, pattern: number, offset: string, length: string): void {
  const device = disk === 'vda' ? 'virtio-disk0' : 'virtio-disk1';
  virsh(lab, hostName, 'qemu-monitor-command', vmName, '--hmp', `qemu-io -d /machine/peripheral/${device}/virtio-backend "write -P ${pattern} ${offset} ${length}"`);
}

async function readWholeDisk(openNbd: () => Promise<NbdTransport>, exportName: string, capacity: number): Promise<string> {
  const nbd = await connectNbd(await openNbd(), { exportName });
  try {
    const hash = createHash('sha256');
    for await (const chunk of nbd.readChunks(0, capacity, { chunkSize: 4 * MiB })) hash.update(chunk.data);
    return hash.digest('hex');
  } finally {
    await nbd.close();
  }
}

async function extentsOf(openNbd: () => Promise<NbdTransport>, exportName: string, context: string, capacity: number): Promise<NbdExtent[]> {
  const nbd = await connectNbd(await openNbd(), { exportName, metaContexts: [context] });
  try {
    return await nbd.queryExtents(context, 0, capacity);
  } finally {
    await nbd.close();
  }
}

describe('pull-mode backup through the libvirt driver over SSH', () => {
  const vm = lab.vms.find((v) => v.disks.length === 2)!;
  let home: string;
  let checkpoint: CheckpointRecord;

  beforeAll(() => {
    home = placement(vm.name);
  });

  afterAll(async () => {
    // Leave the lab as it was: the VM back home, no Lifeboat checkpoints.
    const now = placement(vm.name);
    if (now !== home) virsh(lab, now, 'migrate', '--live', '--p2p', '--copy-storage-all', '--persistent', '--undefinesource', vm.name, `qemu+tcp://${home}/system`);
    removeLifeboatCheckpoints(lab, home, vm.name);
  });

  it('exports every disk of a running VM as it is, and ends leaving one checkpoint', async () => {
    const session = await sessionOn(home);
    try {
      const run = await session.startBackup({ vmUuid: vm.uuid, checkpointName: `lifeboat-${randomUUID()}`, incrementalFrom: null });
      onTestFailed(() => run.cancel());
      expect(run.fullReason).toBeNull();
      expect(run.disks.map((d) => [d.target, d.capacityBytes, d.extentsContext, d.incremental])).toEqual(
        vm.disks.map((d) => [d.target, d.capacityBytes, 'base:allocation', false]),
      );
      expect(run.vmConfig).toContain(`<uuid>${vm.uuid}</uuid>`);
      for (const disk of run.disks) {
        const source = vm.disks.find((d) => d.target === disk.target)!;
        expect(await readWholeDisk(() => run.openNbd(disk.target), disk.exportName, disk.capacityBytes)).toBe(imageSha256(source.localPath));
        const allocated = (await extentsOf(() => run.openNbd(disk.target), disk.exportName, 'base:allocation', disk.capacityBytes)).filter((e) => (e.flags & NBD_STATE_HOLE) === 0);
        // Every data extent of the lab disk lies inside what the export reports as allocated.
        for (const [offset, length] of source.dataExtents) {
          expect(allocated.some((e) => e.offset <= offset && offset + length <= e.offset + e.length)).toBe(true);
        }
      }
      await run.finish();
      checkpoint = run.checkpoint!;
      expect(checkpoint.xml).toContain(checkpoint.name);
      expect(virsh(lab, home, 'checkpoint-list', vm.name, '--name').split('\n').filter(Boolean)).toEqual([checkpoint.name]);
      expect(virsh(lab, home, 'domjobinfo', vm.name)).toMatch(/Job type:\s+None/);
    } finally {
      await session.close();
    }
  });

  it('exports exactly the written ranges in an incremental, after a live migration as well', async () => {
    // Written in the guest's disk since the checkpoint: 64 KiB at 1 MiB and 192 KiB at 100 MiB on vda, 64 KiB on vdb.
    qemuIoWrite(home, vm.name, 'vda', 0xab, '1M', '64k');
    qemuIoWrite(home, vm.name, 'vda', 0xcd, '100M', '192k');
    qemuIoWrite(home, vm.name, 'vdb', 0xef, '5M', '64k');
    const away = lab.hosts.find((h) => h.name !== home)!.name;
    virsh(lab, home, 'migrate', '--live', '--p2p', '--copy-storage-all', '--persistent', '--undefinesource', vm.name, `qemu+tcp://${away}/system`);
    // The checkpoint record did not travel: the driver must redefine it from the copy the repository keeps.
    expect(virsh(lab, away, 'checkpoint-list', vm.name, '--name').trim()).toBe('');

    const session = await sessionOn(away);
    try {
      const run = await session.startBackup({ vmUuid: vm.uuid, checkpointName: `lifeboat-${randomUUID()}`, incrementalFrom: checkpoint });
      onTestFailed(() => run.cancel());
      expect(run.fullReason).toBeNull();
      const dirty: Record<string, [number, number][]> = {};
      for (const disk of run.disks) {
        expect(disk.incremental).toBe(true);
        dirty[disk.target] = (await extentsOf(() => run.openNbd(disk.target), disk.exportName, disk.extentsContext, disk.capacityBytes))
          .filter((e) => (e.flags & NBD_STATE_DIRTY) !== 0)
          .map((e) => [e.offset, e.length]);
      }
      expect(dirty).toEqual({ vda: [[1 * MiB, 64 * 1024], [100 * MiB, 192 * 1024]], vdb: [[5 * MiB, 64 * 1024]] });
      await run.finish();
      expect(virsh(lab, away, 'checkpoint-list', vm.name, '--name').split('\n').filter(Boolean)).toEqual([run.checkpoint!.name]);
      checkpoint = run.checkpoint!;
    } finally {
      await session.close();
    }
  });

  it('falls back to a full backup, saying why, when the checkpoint is gone and cannot be recreated', async () => {
    const now = placement(vm.name);
    const session = await sessionOn(now);
    try {
      const lost: CheckpointRecord = { name: 'lifeboat-never-existed', xml: checkpoint.xml.replaceAll(checkpoint.name, 'lifeboat-never-existed') };
      const run = await session.startBackup({ vmUuid: vm.uuid, checkpointName: `lifeboat-${randomUUID()}`, incrementalFrom: lost });
      expect(run.fullReason).toMatch(/lifeboat-never-existed/);
      expect(run.disks.every((d) => !d.incremental && d.extentsContext === 'base:allocation')).toBe(true);
      await run.cancel();
      // Cancelled: the job is gone and the new checkpoint with it; the previous one is still there.
      expect(virsh(lab, now, 'checkpoint-list', vm.name, '--name').split('\n').filter(Boolean)).toEqual([checkpoint.name]);
      expect(virsh(lab, now, 'domjobinfo', vm.name)).toMatch(/Job type:\s+None/);
    } finally {
      await session.close();
    }
  });
});
