// Restoring VMs against the lab, over SSH as the app connects: a two-disk VM backed up on its host A, restored as a
// copy to host C and started there; every restored volume holds exactly the disk of the point (qcow2 compared by
// qemu-img, raw downloaded with `virsh vol-download`); and a point taken before a live migration restored to the
// VM's original host.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/engine/clock.js';
import type { Engine } from '../../../electron/engine/engine.js';
import type { HostSession } from '../../../electron/engine/hypervisors/driver.js';
import { parseDomainXml } from '../../../electron/engine/hypervisors/libvirt/domain-xml.js';
import { Repository, type Manifest } from '../../../electron/engine/repository/index.js';
import { restoreVm, type RestoreProgress } from '../../../electron/engine/restore/restore-vm.js';
import { createTestEngine } from '../../support/engine.js';
import { requireLab, removeLifeboatCheckpoints, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';
import { PREFIX, addLabCluster, cleanRestoreTests, expectSameDisk, onMachine, placement, sessionTo, volumes } from './restore-lab.js';

const lab: LabJson = requireLab();

describe('restoring a VM to a chosen host', () => {
  const vm = lab.vms.find((v) => v.disks.length === 2)!;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let repository: Repository;
  let clusterId: string;
  let home: string;
  let point: Manifest;
  const sessions: HostSession[] = [];
  /** Volumes of each host before the tests: a live migration leaves the VM's old images behind on its source. */
  const volumesBefore = new Map<string, string[]>();

  beforeAll(async () => {
    cleanRestoreTests(lab);
    for (const host of lab.hosts) volumesBefore.set(host.name, volumes(lab, host.name));
    temp = makeTempDir('restore-vm');
    engine = createTestEngine(temp.dir);
    clusterId = await addLabCluster(engine, lab);
    repository = await Repository.init(join(temp.dir, 'repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    home = placement(lab, vm.name);
    point = (await engine.backupVm(repository, { clusterId, vmUuid: vm.uuid })).manifest;
  });

  afterAll(async () => {
    for (const session of sessions) await session.close().catch(() => undefined);
    cleanRestoreTests(lab);
    const now = placement(lab, vm.name);
    if (now !== home) virsh(lab, now, 'migrate', '--live', '--p2p', '--copy-storage-all', '--persistent', '--undefinesource', vm.name, `qemu+tcp://${home}/system`);
    for (const host of lab.hosts) {
      if (host.name === home) continue;
      const stale = volumes(lab, host.name).filter((v) => v.startsWith(`${vm.name}-`) && !volumesBefore.get(host.name)?.includes(v));
      for (const volume of stale) virsh(lab, host.name, 'vol-delete', '--pool', 'default', volume);
    }
    removeLifeboatCheckpoints(lab, home, vm.name);
    await repository?.close();
    await engine?.close();
    temp?.remove();
  });

  async function open(host: string): Promise<HostSession> {
    const session = await sessionTo(engine, clusterId, host);
    sessions.push(session);
    return session;
  }

  it('restores a copy to another host, starts it there, and each volume holds the disk of the point', async () => {
    const target = lab.hosts.find((h) => h.name !== home)!.name;
    const session = await open(target);
    const progress: RestoreProgress[] = [];
    const name = `${PREFIX}copy`;
    const result = await restoreVm(
      { session, repository, hostLabel: target },
      { point, targetPool: 'default', name, replace: false, networkMap: {}, start: true, format: 'qcow2' },
      { onProgress: (p) => progress.push(p), progressIntervalMs: 0 },
    );
    expect(result).toMatchObject({ host: target, replaced: false, started: true, startError: null, vm: { name } });
    expect(result.vm.uuid).not.toBe(vm.uuid);
    expect(result.volumes.map((v) => [v.target, v.name, v.format])).toEqual([
      ['vda', `${name}-vda.qcow2`, 'qcow2'],
      ['vdb', `${name}-vdb.qcow2`, 'qcow2'],
    ]);
    // It runs on the chosen host, from its new volumes, under its new identity.
    expect(virsh(lab, target, 'domstate', name).trim()).toBe('running');
    const defined = parseDomainXml(virsh(lab, target, 'dumpxml', '--inactive', name));
    expect(defined.uuid).toBe(result.vm.uuid);
    expect(defined.disks.map((d) => [d.target, d.path, d.format])).toEqual(result.volumes.map((v) => [v.target, v.path, 'qcow2']));
    expect(result.changes).toContainEqual({ code: 'new_uuid', uuid: result.vm.uuid });
    // The original is untouched.
    expect(virsh(lab, home, 'domstate', vm.name).trim()).toBe('running');
    for (const volume of result.volumes) await expectSameDisk(repository, point, volume.target, onMachine(lab, target, volume.path), 'qcow2', temp.dir);
    // Progress: the phases in order, every byte of both disks accounted for.
    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(['preflight', 'creating', 'uploading', 'defining', 'starting', 'done']);
    expect(progress.at(-1)!.disks.map((d) => d.bytesDone)).toEqual(point.disks.map((d) => d.capacityBytes));
  });

  it('restores raw volumes that download byte for byte as the exported disks', async () => {
    const target = lab.hosts.find((h) => h.name !== home)!.name;
    const session = await open(target);
    const name = `${PREFIX}raw`;
    const result = await restoreVm(
      { session, repository, hostLabel: target },
      { point, targetPool: 'default', name, replace: false, networkMap: {}, start: false, format: 'raw' },
    );
    expect(result.started).toBe(false);
    expect(virsh(lab, target, 'domstate', name).trim()).toBe('shut off');
    for (const volume of result.volumes) {
      const downloaded = join(temp.dir, `${volume.name}.download`);
      virsh(lab, target, 'vol-download', '--pool', 'default', '--sparse', volume.name, downloaded);
      const exported = join(temp.dir, `${volume.target}.exported`);
      await repository.exportDisk(point, volume.target, exported, { format: 'raw', overwrite: true });
      expect(readFileSync(downloaded).equals(readFileSync(exported)), `${volume.name} against the export of ${volume.target}`).toBe(true);
      // Sparse on the host: the pool holds about the data, not the 256 MiB of the disk.
      const allocated = Number(spawnSync('stat', ['-c', '%b', onMachine(lab, target, volume.path)], { encoding: 'utf8' }).stdout.trim()) * 512;
      expect(allocated).toBeLessThan(32 * 2 ** 20);
    }
  });

  it("restores a point taken before a live migration to the VM's original host", async () => {
    const away = lab.hosts.find((h) => h.name !== home)!.name;
    virsh(lab, home, 'migrate', '--live', '--p2p', '--copy-storage-all', '--persistent', '--undefinesource', vm.name, `qemu+tcp://${away}/system`);
    expect(placement(lab, vm.name)).toBe(away);
    expect(point.sourceHost.label).toBe(home);
    const session = await open(home);
    const name = `${PREFIX}before-migration`;
    const before = volumes(lab, home);
    const result = await restoreVm({ session, repository, hostLabel: home }, { point, targetPool: 'default', name, replace: false, networkMap: {}, start: true, format: 'qcow2' });
    expect(result.started).toBe(true);
    expect(virsh(lab, home, 'domstate', name).trim()).toBe('running');
    expect(volumes(lab, home)).toEqual([...before, `${name}-vda.qcow2`, `${name}-vdb.qcow2`].sort());
    for (const volume of result.volumes) await expectSameDisk(repository, point, volume.target, onMachine(lab, home, volume.path), 'qcow2', temp.dir);
  });
});
