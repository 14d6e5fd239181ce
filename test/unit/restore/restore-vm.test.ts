// The restore engine's decisions and cleanup, on an in-memory host: every refusal happens before any write; the
// volumes hold the point's disks; a failure or a cancel removes what the restore made (or reports it when the
// host cannot be reached); replacing puts the original's definition back on failure and deletes its old disk
// only after success.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HypervisorError } from '../../../electron/engine/hypervisors/driver.js';
import { parseDomainXml } from '../../../electron/engine/hypervisors/libvirt/domain-xml.js';
import { Repository, type Manifest } from '../../../electron/engine/repository/index.js';
import { planQcow2 } from '../../../electron/engine/restore/qcow2-image.js';
import {
  RestoreError,
  preflightRestore,
  removeRestoreLeftovers,
  restoreVm,
  volumeNameFor,
  type RestoreProgress,
  type RestoreRequest,
} from '../../../electron/engine/restore/restore-vm.js';
import { rejectionOf } from '../../support/rejection.js';
import { makeTempDir } from '../../support/temp.js';
import { MiB, VM_UUID, buildManifest, manualClock, seededBytes, silentLogger, storeImage } from '../repository/support.js';
import { FakeRestoreHost } from './fake-restore-host.js';

const CHUNK = 64 * 1024;
const NEW_UUID = '99999999-8888-4777-8666-555555555555';

function configXml(name: string, uuid: string, disks: { target: string; path: string }[], extra = ''): string {
  return `<domain type='kvm'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
${disks.map((d) => `    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${d.path}'/><target dev='${d.target}' bus='virtio'/></disk>`).join('\n')}
    <interface type='network'><mac address='52:54:00:12:34:56'/><source network='default'/><model type='virtio'/></interface>
${extra}
  </devices>
</domain>`;
}

/** Two disks: vda with data, zero chunks and zero runs; vdb small with one short last chunk. */
function images(): { vda: Buffer; vdb: Buffer } {
  const vda = Buffer.alloc(2 * MiB);
  seededBytes('vda-1', 100_000).copy(vda, 5000);
  seededBytes('vda-2', 3 * CHUNK).copy(vda, MiB + 12_345);
  const vdb = Buffer.alloc(300 * 1024 + 512);
  seededBytes('vdb', 50_000).copy(vdb, vdb.length - 50_000);
  return { vda, vdb };
}

describe('restoreVm on an in-memory host', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let repository: Repository;
  let point: Manifest;
  let host: FakeRestoreHost;
  const disks = images();

  beforeEach(async () => {
    temp = makeTempDir('restore-unit');
    repository = await Repository.init(join(temp.dir, 'repo'), { clock: manualClock(), logger: silentLogger(), writer: true, chunkSize: CHUNK });
    const vda = await storeImage(repository, disks.vda);
    const vdb = await storeImage(repository, disks.vdb);
    point = buildManifest({
      vmName: 'web-01',
      disks: [
        { target: 'vda', capacityBytes: disks.vda.length, chunkSize: CHUNK, result: vda },
        { target: 'vdb', capacityBytes: disks.vdb.length, chunkSize: CHUNK, result: vdb },
      ],
    });
    point.configXml = configXml('web-01', VM_UUID, [
      { target: 'vda', path: '/var/lib/libvirt/images/web-01-vda.qcow2' },
      { target: 'vdb', path: '/var/lib/libvirt/images/web-01-vdb.qcow2' },
    ]);
    await repository.points.write(point);
    host = new FakeRestoreHost();
  });

  afterEach(async () => {
    await repository.close();
    temp.remove();
  });

  const request = (overrides: Partial<RestoreRequest> = {}): RestoreRequest => ({
    point,
    targetPool: 'default',
    replace: false,
    networkMap: {},
    start: false,
    format: 'raw',
    ...overrides,
  });
  const deps = () => ({ session: host.session(), repository, hostLabel: 'kvm-c' });
  const fail = (run: Promise<unknown>): Promise<RestoreError> => rejectionOf(run, RestoreError);

  describe('checks before any write', () => {
    it('refuses a pool with less free space than the disks need, naming both figures', async () => {
      host.pools[0]!.availableBytes = 2 * MiB;
      const error = await fail(restoreVm(deps(), request()));
      expect(error).toMatchObject({ code: 'no_space', beforeWrite: true, leftovers: null, removed: [] });
      expect(error.message).toBe(
        "storage pool default on kvm-c has 2 MiB free; the VM's disks need 2.3 MiB (vda 2 MiB, vdb 301 KiB). Nothing was written.",
      );
      expect(host.writes).toEqual([]);
      // qcow2 may take less than the disks' size, but the check is on the size: it is what the VM can fill.
      await expect(restoreVm(deps(), request({ format: 'qcow2' }))).rejects.toMatchObject({ code: 'no_space' });
      host.pools[0]!.availableBytes = disks.vda.length + disks.vdb.length;
      await expect(preflightRestore(deps(), request())).resolves.toMatchObject({ requiredBytes: disks.vda.length + disks.vdb.length });
    });

    it('refuses what cannot be done, each with its code, writing nothing', async () => {
      host.addVm({ uuid: '12121212-1212-4212-8212-121212121212', name: 'web-01-restored', config: '<domain/>' });
      expect(await fail(restoreVm(deps(), request()))).toMatchObject({ code: 'name_taken', message: 'kvm-c already has a VM named web-01-restored: choose another name, or replace the original' });
      expect(await fail(restoreVm(deps(), request({ name: 'web-02', targetPool: 'fast' })))).toMatchObject({ code: 'pool_not_found', message: 'kvm-c has no storage pool fast (it has default)' });
      host.pools.push({ ...host.pools[0]!, name: 'lvm', type: 'logical', fileBased: false, path: '/dev/vg0' });
      expect(await fail(restoreVm(deps(), request({ name: 'web-02', targetPool: 'lvm', format: 'qcow2' })))).toMatchObject({ code: 'unsupported' });
      host.pools[1]!.active = false;
      expect(await fail(restoreVm(deps(), request({ name: 'web-02', targetPool: 'lvm' })))).toMatchObject({ code: 'pool_inactive' });
      host.addVolume('default', 'web-02-vda.raw');
      expect(await fail(restoreVm(deps(), request({ name: 'web-02' })))).toMatchObject({
        code: 'name_taken',
        message: 'storage pool default on kvm-c already has a volume web-02-vda.raw: remove it, or restore under another name',
      });
      expect(await fail(restoreVm(deps(), request({ name: 'web-03', networkMap: { default: 'prod' } })))).toMatchObject({
        code: 'invalid_request',
        message: 'kvm-c has no network or bridge named prod (chosen for the interfaces on default)',
      });
      expect(await fail(restoreVm(deps(), request({ name: 'a/b' })))).toMatchObject({ code: 'invalid_request' });
      expect(host.writes).toEqual([]);
    });

    it('replace: refuses a missing, running, saved or snapshotted original, and another name', async () => {
      expect(await fail(restoreVm(deps(), request({ replace: true })))).toMatchObject({ code: 'original_not_found', beforeWrite: true });
      const original = host.addVm({ uuid: VM_UUID, name: 'web-01', config: point.configXml, active: true, state: 'running' });
      expect(await fail(restoreVm(deps(), request({ replace: true })))).toMatchObject({
        code: 'original_running',
        message: 'web-01 is running on kvm-c: shut it down first (a running VM is never replaced). Nothing was changed.',
      });
      Object.assign(original, { active: false, state: 'shut off', hasSavedState: true });
      expect(await fail(restoreVm(deps(), request({ replace: true })))).toMatchObject({ code: 'original_not_replaceable' });
      Object.assign(original, { hasSavedState: false, snapshots: 2 });
      expect(await fail(restoreVm(deps(), request({ replace: true })))).toMatchObject({ code: 'original_not_replaceable' });
      Object.assign(original, { snapshots: 0 });
      expect(await fail(restoreVm(deps(), request({ replace: true, name: 'other' })))).toMatchObject({ code: 'invalid_request' });
      expect(host.writes).toEqual([]);
    });

    it('previews the plan: names, volumes, interfaces and the configuration changes', async () => {
      const plan = await preflightRestore(deps(), request({ format: 'qcow2' }), { newUuid: NEW_UUID });
      expect(plan).toMatchObject({
        host: 'kvm-c',
        name: 'web-01-restored',
        uuid: NEW_UUID,
        replace: false,
        format: 'qcow2',
        pool: { name: 'default' },
        disks: [
          { target: 'vda', capacityBytes: disks.vda.length, volume: 'web-01-restored-vda.qcow2' },
          { target: 'vdb', capacityBytes: disks.vdb.length, volume: 'web-01-restored-vdb.qcow2' },
        ],
        interfaces: [{ type: 'network', name: 'default', mac: '52:54:00:12:34:56' }],
        original: null,
      });
      expect(plan.changes[0]).toEqual({ code: 'renamed', name: 'web-01-restored', was: 'web-01' });
      expect(plan.changes.map((change) => change.code)).toContain('new_uuid');
      expect(host.writes).toEqual([]);
    });
  });

  it('restores a copy: raw volumes hold the disks, the VM is defined on them and started', async () => {
    const progress: RestoreProgress[] = [];
    const result = await restoreVm(deps(), request({ start: true }), { newUuid: NEW_UUID, onProgress: (p) => progress.push(p), progressIntervalMs: 0 });
    expect(result).toMatchObject({ host: 'kvm-c', vm: { uuid: NEW_UUID, name: 'web-01-restored' }, replaced: false, started: true, startError: null });
    expect(host.volumes.get('default/web-01-restored-vda.raw')!.bytes.equals(disks.vda)).toBe(true);
    expect(host.volumes.get('default/web-01-restored-vdb.raw')!.bytes.equals(disks.vdb)).toBe(true);
    const defined = parseDomainXml(host.vms.get(NEW_UUID)!.config);
    expect(defined.disks.map((d) => [d.target, d.path, d.format])).toEqual([
      ['vda', '/var/lib/libvirt/images/web-01-restored-vda.raw', 'raw'],
      ['vdb', '/var/lib/libvirt/images/web-01-restored-vdb.raw', 'raw'],
    ]);
    expect(host.writes).toEqual([
      'createVolume default/web-01-restored-vda.raw',
      'createVolume default/web-01-restored-vdb.raw',
      'uploadVolume default/web-01-restored-vda.raw',
      'uploadVolume default/web-01-restored-vdb.raw',
      'defineVm web-01-restored',
      'startVm web-01-restored',
    ]);
    // Progress per disk only grows, and ends with every byte.
    for (const i of [0, 1]) {
      const done = progress.map((p) => p.disks[i]?.bytesDone ?? 0);
      expect(done).toEqual([...done].sort((a, b) => a - b));
    }
    expect(progress.at(-1)).toEqual({
      phase: 'done',
      disks: [
        { target: 'vda', volume: 'default/web-01-restored-vda.raw', bytesDone: disks.vda.length, bytesTotal: disks.vda.length },
        { target: 'vdb', volume: 'default/web-01-restored-vdb.raw', bytesDone: disks.vdb.length, bytesTotal: disks.vdb.length },
      ],
    });
  });

  it('writes qcow2 volumes as whole images of the planned size', async () => {
    const result = await restoreVm(deps(), request({ format: 'qcow2' }));
    for (const volume of result.volumes) {
      const disk = point.disks.find((d) => d.target === volume.target)!;
      const plan = planQcow2(disk.capacityBytes, disk.chunkSize, disk.chunks.map((id) => id !== null));
      const bytes = host.volumes.get(`default/${volume.name}`)!.bytes;
      expect(bytes.length).toBe(plan.fileSize);
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('QFI\xfb');
    }
  });

  it('a start that fails leaves the restored VM defined and says why', async () => {
    host.faults.set('startVm', () => new HypervisorError('hypervisor', 'network default is not active'));
    const result = await restoreVm(deps(), request({ start: true }));
    expect(result).toMatchObject({ started: false, startError: 'network default is not active' });
    expect(result.warnings).toContainEqual({ code: 'not_started', error: 'network default is not active' });
    expect([...host.vms.values()].map((v) => v.name)).toEqual(['web-01-restored']);
  });

  it('a failed upload removes every volume it created, and defines nothing', async () => {
    host.faults.set('upload', (at) => (at.startsWith('web-01-restored-vdb') ? new HypervisorError('unreachable', 'kvm-c: the connection to libvirtd was closed') : null));
    const error = await fail(restoreVm(deps(), request()));
    expect(error).toMatchObject({
      code: 'host_failed',
      beforeWrite: false,
      leftovers: null,
      removed: ['volume default/web-01-restored-vda.raw', 'volume default/web-01-restored-vdb.raw'],
    });
    expect(error.message).toBe(
      'kvm-c: the connection to libvirtd was closed. The restore removed what it had created: volume default/web-01-restored-vda.raw, volume default/web-01-restored-vdb.raw.',
    );
    expect(host.volumes.size).toBe(0);
    expect(host.vms.size).toBe(0);
  });

  it('a host that cannot be reached during cleanup: what is left is reported, and removed later', async () => {
    host.faults.set('defineVm', () => new HypervisorError('unreachable', 'kvm-c went away'));
    host.faults.set('deleteVolume', () => new HypervisorError('unreachable', 'kvm-c went away'));
    const error = await fail(restoreVm(deps(), request()));
    expect(error.code).toBe('host_failed');
    expect(error.leftovers).toEqual({
      host: 'kvm-c',
      volumes: [
        { pool: 'default', name: 'web-01-restored-vda.raw' },
        { pool: 'default', name: 'web-01-restored-vdb.raw' },
      ],
      vm: null,
      originalConfig: null,
    });
    expect(error.message).toContain('could not remove (the host did not answer), to clean up on kvm-c later: volume default/web-01-restored-vda.raw, volume default/web-01-restored-vdb.raw');
    host.faults.clear();
    expect(await removeRestoreLeftovers(host.session(), error.leftovers!)).toEqual({
      removed: ['volume default/web-01-restored-vda.raw', 'volume default/web-01-restored-vdb.raw'],
      failed: [],
    });
    expect(host.volumes.size).toBe(0);
  });

  it('a cancel mid-upload stops, removes what was created, and says it was cancelled', async () => {
    const controller = new AbortController();
    host.onPiece = (volume, written) => {
      if (volume.name.includes('vda') && written > MiB) controller.abort(new Error('stopped by the user'));
    };
    const error = await fail(restoreVm(deps(), request(), { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'cancelled', leftovers: null });
    expect(error.message).toMatch(/^the restore was cancelled\. The restore removed what it had created: volume default\/web-01-restored-vda\.raw, volume default\/web-01-restored-vdb\.raw\.$/);
    expect(host.volumes.size).toBe(0);
  });

  it('a corrupt chunk stops the restore naming point, disk, offset and chunk; nothing is left', async () => {
    const bad = point.disks[0]!.chunks[16]!;
    const { writeFileSync, readFileSync } = await import('node:fs');
    const file = repository.chunks.pathOf(bad);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    writeFileSync(file, bytes);
    const error = await fail(restoreVm(deps(), request({ start: true })));
    expect(error.code).toBe('point_damaged');
    expect(error.message).toContain(`Restore point ${point.id}, disk vda: bad chunk ${bad} at offset ${16 * CHUNK} (chunk 16)`);
    expect(host.volumes.size).toBe(0);
    expect(host.vms.size).toBe(0);
    expect(host.writes.filter((w) => w.startsWith('defineVm'))).toEqual([]);
  });

  describe('replacing the original', () => {
    let oldVda: string;
    beforeEach(() => {
      oldVda = host.addVolume('default', volumeNameFor('web-01', 'vda', 'raw'), Buffer.from('old vda')).path;
      host.addVolume('default', 'web-01-vdb.qcow2', Buffer.from('old vdb'));
      host.addVm({
        uuid: VM_UUID,
        name: 'web-01',
        config: configXml('web-01', VM_UUID, [
          { target: 'vda', path: oldVda },
          { target: 'vdb', path: '/var/lib/libvirt/images/web-01-vdb.qcow2' },
        ]),
      });
    });

    it('defines the restored disks under the same identity, then deletes the old disks', async () => {
      const result = await restoreVm(deps(), request({ replace: true }));
      expect(result).toMatchObject({ replaced: true, vm: { uuid: VM_UUID, name: 'web-01' }, removedOldDisks: [oldVda, '/var/lib/libvirt/images/web-01-vdb.qcow2'], keptOldDisks: [] });
      // web-01-vda.raw was the old disk's name: the new volume carries the point's short id.
      expect(result.volumes.map((v) => v.name)).toEqual([`web-01-vda-${point.id.slice(0, 8)}.raw`, 'web-01-vdb.raw']);
      expect(host.writes.slice(-5)).toEqual([
        'uploadVolume default/web-01-vdb.raw',
        'defineVm web-01',
        'deleteVolume default/web-01-vda.raw',
        'deleteVolume default/web-01-vdb.qcow2',
        'forgetCheckpoints web-01',
      ]);
      expect(host.volumes.get(`default/web-01-vda-${point.id.slice(0, 8)}.raw`)!.bytes.equals(disks.vda)).toBe(true);
      expect(parseDomainXml(host.vms.get(VM_UUID)!.config).disks.map((d) => d.path)).toEqual(result.volumes.map((v) => v.path));
      // The MAC address stays.
      expect(host.vms.get(VM_UUID)!.config).toContain('52:54:00:12:34:56');
    });

    it('a failure after the swap puts the original definition back and keeps the old disks', async () => {
      const before = host.vms.get(VM_UUID)!.config;
      let defines = 0;
      host.faults.set('defineVm', () => (defines++ === 0 ? new HypervisorError('hypervisor', 'XML error: unsupported configuration') : null));
      const error = await fail(restoreVm(deps(), request({ replace: true })));
      expect(error.code).toBe('host_failed');
      expect(error.removed[0]).toBe("the restored definition of web-01 (the original's is back)");
      expect(host.vms.get(VM_UUID)!.config).toBe(before);
      expect([...host.volumes.keys()].sort()).toEqual(['default/web-01-vda.raw', 'default/web-01-vdb.qcow2']);
    });

    it('an original started while its disks uploaded is left alone', async () => {
      host.onPiece = () => Object.assign(host.vms.get(VM_UUID)!, { active: true, state: 'running' });
      const before = host.vms.get(VM_UUID)!.config;
      const error = await fail(restoreVm(deps(), request({ replace: true })));
      expect(error.code).toBe('original_running');
      expect(host.vms.get(VM_UUID)!.config).toBe(before);
      expect([...host.volumes.keys()].sort()).toEqual(['default/web-01-vda.raw', 'default/web-01-vdb.qcow2']);
      expect(host.writes.filter((w) => w.startsWith('defineVm'))).toEqual([]);
    });
  });
});
