// "Replace the original" against the lab. The original is a VM of the test's own (a copy of the shut-off lab VM,
// restored onto another host), backed up, then its disk overwritten: a replace puts the point's disk back under
// the same name and UUID, on a new volume, and deletes the old one last. A running original is refused and left
// exactly as it was.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/engine/clock.js';
import type { Engine } from '../../../electron/engine/engine.js';
import type { HostSession } from '../../../electron/engine/hypervisors/driver.js';
import { parseDomainXml } from '../../../electron/engine/hypervisors/libvirt/domain-xml.js';
import { Repository, type Manifest } from '../../../electron/engine/repository/index.js';
import { RestoreError, restoreVm, type RestoreResult } from '../../../electron/engine/restore/restore-vm.js';
import { createTestEngine } from '../../support/engine.js';
import { requireLab, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { rejectionOf } from '../../support/rejection.js';
import { makeTempDir } from '../../support/temp.js';
import { PREFIX, addLabCluster, cleanRestoreTests, expectSameDisk, onMachine, placement, sessionTo, volumes } from './restore-lab.js';

const lab: LabJson = requireLab();

describe('replacing the original VM', () => {
  const source = lab.vms.find((v) => v.planned === 'shut off')!;
  const name = `${PREFIX}original`;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let repository: Repository;
  let clusterId: string;
  let host: string;
  let session: HostSession;
  let original: RestoreResult;
  let point: Manifest;

  beforeAll(async () => {
    cleanRestoreTests(lab);
    temp = makeTempDir('restore-replace');
    engine = createTestEngine(temp.dir);
    clusterId = await addLabCluster(engine, lab);
    repository = await Repository.init(join(temp.dir, 'repo'), { clock: systemClock, logger: createMemoryLogger().logger, writer: true });
    // The original: a copy of the shut-off lab VM on another host, then backed up (shut off: read with qemu-nbd).
    const labPoint = (await engine.backupVm(repository, { clusterId, vmUuid: source.uuid })).manifest;
    host = lab.hosts.find((h) => h.name !== placement(lab, source.name))!.name;
    session = await sessionTo(engine, clusterId, host);
    original = await restoreVm({ session, repository, hostLabel: host }, { point: labPoint, targetPool: 'default', name, replace: false, start: false, format: 'qcow2' });
    point = (await engine.backupVm(repository, { clusterId, vmUuid: original.vm.uuid })).manifest;
    expect(point).toMatchObject({ vm: { name, vmUuid: original.vm.uuid }, sourceHost: { label: host } });
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    cleanRestoreTests(lab);
    await repository?.close();
    await engine?.close();
    temp?.remove();
  });

  it('puts the point back under the same name and UUID, on a new volume, and deletes the old disk last', async () => {
    const oldVolume = original.volumes[0]!;
    // The original changes after the backup: its first MiB overwritten.
    const write = spawnSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 1M', onMachine(lab, host, oldVolume.path)], { encoding: 'utf8' });
    expect(write.status, write.stderr).toBe(0);
    const exported = join(temp.dir, 'point-vda.raw');
    await repository.exportDisk(point, 'vda', exported, { format: 'raw' });
    const differs = spawnSync('qemu-img', ['compare', '-f', 'raw', '-F', 'qcow2', exported, onMachine(lab, host, oldVolume.path)], { encoding: 'utf8' });
    expect(differs.stdout, 'the original no longer holds the point').toMatch(/Content mismatch/);

    const result = await restoreVm({ session, repository, hostLabel: host }, { point, targetPool: 'default', replace: true, start: true, format: 'qcow2' });
    expect(result).toMatchObject({ replaced: true, started: true, vm: { name, uuid: original.vm.uuid }, removedOldDisks: [oldVolume.path], keptOldDisks: [] });
    // The old volume's name was taken by the old disk: the new one carries the point's short id.
    const fresh = result.volumes[0]!;
    expect(fresh.name).toBe(`${name}-vda-${point.id.slice(0, 8)}.qcow2`);
    expect(volumes(lab, host).filter((v) => v.startsWith(PREFIX))).toEqual([fresh.name]);
    const defined = parseDomainXml(virsh(lab, host, 'dumpxml', '--inactive', name));
    expect(defined).toMatchObject({ name, uuid: original.vm.uuid });
    expect(defined.disks.map((d) => d.path)).toEqual([fresh.path]);
    expect(virsh(lab, host, 'domstate', name).trim()).toBe('running');
    await expectSameDisk(repository, point, 'vda', onMachine(lab, host, fresh.path), 'qcow2', temp.dir);
    // Same identity, so no new UUID or MAC address.
    expect(result.changes.map((change) => change.code)).not.toContain('new_uuid');
    expect(result.changes.map((change) => change.code)).not.toContain('nic_new_mac');
  });

  it('refuses to replace a running original, and leaves it exactly as it was', async () => {
    expect(virsh(lab, host, 'domstate', name).trim()).toBe('running');
    const xmlBefore = virsh(lab, host, 'dumpxml', '--inactive', name);
    const volumesBefore = volumes(lab, host);
    const error = await rejectionOf(restoreVm({ session, repository, hostLabel: host }, { point, targetPool: 'default', replace: true, start: false, format: 'qcow2' }), RestoreError);
    expect(error).toMatchObject({ code: 'original_running', beforeWrite: true, leftovers: null });
    expect(error.message).toMatch(new RegExp(`${name} is running on ${host}: shut it down first`));
    expect(virsh(lab, host, 'domstate', name).trim()).toBe('running');
    expect(virsh(lab, host, 'dumpxml', '--inactive', name)).toBe(xmlBefore);
    expect(volumes(lab, host)).toEqual(volumesBefore);
  });
});
