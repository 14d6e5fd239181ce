// The shared test suite every hypervisor driver passes, against real hosts. A driver brings a factory and the
// connection specs of a running test cluster with known VMs; the suite checks what the layers above rely on.
import { describe, expect, it } from 'vitest';
import type { HostSpec } from '../../../shared/model/cluster.js';
import { HypervisorError, type HostChange, type HypervisorDriver, type VolumeData, type VolumeInfo } from '../../../electron/engine/hypervisors/driver.js';
import { createMemoryLogger } from '../../support/logger.js';

export interface KnownVm {
  uuid: string;
  name: string;
  running: boolean;
  diskTargets: string[];
  diskCapacityBytes: number;
}

export interface DriverSuiteTarget {
  name: string;
  driver: () => HypervisorDriver;
  /** One host of the test cluster, reachable, with the VMs it holds right now. */
  host: () => { spec: HostSpec; secret: string | null; vms: KnownVm[] };
  /** A spec whose address refuses connections. */
  closedPort: () => HostSpec;
  /** Starts and then stops a VM on that host, for lifecycle events; returns its UUID. */
  cycleVm: () => Promise<string>;
  /** A storage pool of that host where the suite may create (and removes) volumes named `driver-suite-*`. */
  pool: string;
  /** A volume's bytes as the host stores them, read without the driver. */
  readVolume: (volume: VolumeInfo) => Buffer;
  /** The configuration of a small VM without disks, in the hypervisor's own format. */
  vmConfig: (name: string, uuid: string) => string;
  /** Powers a VM off without the driver (the suite's cleanup). */
  stopVm: (name: string) => void;
}

const options = () => ({ secret: null, timeoutMs: 10_000, logger: createMemoryLogger().logger });

export function runDriverSuite(target: DriverSuiteTarget): void {
  describe(`hypervisor driver suite: ${target.name}`, () => {
    it('connects and reports the host', async () => {
      const { spec, secret } = target.host();
      const session = await target.driver().connect(spec, { ...options(), secret });
      try {
        const info = await session.info();
        expect(info.hostname).not.toBe('');
        expect(info.cpus).toBeGreaterThan(0);
        expect(info.memoryBytes).toBeGreaterThan(0);
        expect(info.libvirtVersion).toMatch(/^\d+\.\d+\.\d+$/);
      } finally {
        await session.close();
      }
    });

    it('lists the VMs with state, identity and disks', async () => {
      const { spec, secret, vms } = target.host();
      const session = await target.driver().connect(spec, { ...options(), secret });
      try {
        const listed = await session.listVms();
        for (const known of vms) {
          const vm = listed.find((v) => v.uuid === known.uuid);
          expect(vm, `VM ${known.name}`).toBeDefined();
          expect(vm).toMatchObject({ name: known.name, active: known.running, state: known.running ? 'running' : 'shut off', persistent: true });
          expect(vm!.disks.map((d) => d.target)).toEqual(known.diskTargets);
          for (const disk of vm!.disks) expect(disk.capacityBytes).toBe(known.diskCapacityBytes);
        }
        const config = await session.getVmConfig(vms[0]!.uuid);
        expect(config).toContain(`<uuid>${vms[0]!.uuid}</uuid>`);
      } finally {
        await session.close();
      }
    });

    it('reports an unknown VM as not_found', async () => {
      const { spec, secret } = target.host();
      const session = await target.driver().connect(spec, { ...options(), secret });
      try {
        await expect(session.getVmConfig('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
      } finally {
        await session.close();
      }
    });

    it('tells of VM lifecycle changes', async () => {
      const { spec, secret } = target.host();
      const session = await target.driver().connect(spec, { ...options(), secret });
      const changes: HostChange[] = [];
      session.onChange((change) => changes.push(change));
      try {
        const uuid = await target.cycleVm();
        const deadline = Date.now() + 10_000;
        while (changes.filter((c) => c.vmUuid === uuid).length < 2 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(changes.filter((c) => c.vmUuid === uuid).map((c) => c.detail)).toEqual(expect.arrayContaining(['started', 'stopped']));
      } finally {
        await session.close();
      }
    });

    it('lists storage pools with their room, virtual networks and bridges, and what the host can run', async () => {
      const { spec, secret } = target.host();
      const session = await target.driver().connect(spec, { ...options(), secret });
      try {
        const pools = await session.listStoragePools();
        const pool = pools.find((p) => p.name === target.pool);
        expect(pool).toMatchObject({ active: true });
        expect(pool!.capacityBytes).toBeGreaterThan(0);
        expect(pool!.availableBytes).toBeGreaterThan(0);
        expect(pool!.availableBytes).toBeLessThanOrEqual(pool!.capacityBytes);
        for (const network of await session.listNetworks()) expect(network).toEqual({ name: expect.any(String), bridge: expect.toBeOneOf([null, expect.any(String)]), active: expect.any(Boolean) });
        const bridges = await session.listBridges();
        expect(bridges === null || Array.isArray(bridges)).toBe(true);
        const capabilities = await session.capabilities();
        expect(capabilities.guests.length).toBeGreaterThan(0);
        const guest = capabilities.guests[0]!;
        expect(guest.machines.length).toBeGreaterThan(0);
        expect(Array.isArray(await session.firmwareImages({ arch: guest.arch, virtType: guest.virtTypes[0]!.type, machine: null }))).toBe(true);
      } finally {
        await session.close();
      }
    });

    it('creates a volume, uploads it sparse, finds it, refuses a second of that name, and deletes it', async () => {
      const { spec, secret } = target.host();
      const session = await target.driver().connect(spec, { ...options(), secret });
      const name = `driver-suite-${process.pid}-${Math.random().toString(16).slice(2, 8)}.raw`;
      const MiB = 2 ** 20;
      const data = Buffer.alloc(MiB, 0x5a);
      try {
        const volume = await session.createVolume({ pool: target.pool, name, format: 'raw', capacityBytes: 16 * MiB });
        expect(volume).toMatchObject({ pool: target.pool, name });
        await expect(session.createVolume({ pool: target.pool, name, format: 'raw', capacityBytes: MiB })).rejects.toMatchObject({ code: 'conflict' });
        async function* pieces(): AsyncGenerator<VolumeData> {
          yield { kind: 'hole', length: 4 * MiB };
          yield { kind: 'data', data };
          yield { kind: 'hole', length: 11 * MiB };
        }
        const covered: number[] = [];
        await session.uploadVolume(volume, pieces(), { onProgress: (bytes) => covered.push(bytes) });
        expect(covered).toEqual([4 * MiB, 5 * MiB, 16 * MiB]);
        const expected = Buffer.alloc(16 * MiB);
        data.copy(expected, 4 * MiB);
        expect(target.readVolume(volume).equals(expected)).toBe(true);
        expect(await session.findVolume({ pool: target.pool, name })).toEqual(volume);
        expect(await session.findVolumeByPath(volume.path)).toEqual(volume);
        expect(await session.findVolume({ pool: target.pool, name: `${name}.missing` })).toBeNull();
        expect(await session.findVolumeByPath(`${volume.path}.missing`)).toBeNull();
        // A source that fails ends the upload with its own error, and the volume can still be deleted.
        const broken = new Error('the source broke');
        async function* failing(): AsyncGenerator<VolumeData> {
          yield { kind: 'data', data };
          throw broken;
        }
        await expect(session.uploadVolume(volume, failing())).rejects.toBe(broken);
        await session.deleteVolume(volume);
        await expect(session.deleteVolume(volume)).rejects.toMatchObject({ code: 'not_found' });
        await expect(session.findVolume({ pool: `${target.pool}-missing`, name })).rejects.toMatchObject({ code: 'not_found' });
      } finally {
        await session.deleteVolume({ pool: target.pool, name }).catch(() => undefined);
        await session.close();
      }
    });

    it('defines a VM, finds it by name and UUID, starts it, and undefines it', async () => {
      const { spec, secret } = target.host();
      const session = await target.driver().connect(spec, { ...options(), secret });
      const name = `driver-suite-vm-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
      const uuid = crypto.randomUUID();
      try {
        expect(await session.findVm({ name })).toBeNull();
        expect(await session.defineVm(target.vmConfig(name, uuid))).toEqual({ uuid, name });
        await expect(session.defineVm(target.vmConfig(name, crypto.randomUUID()))).rejects.toBeInstanceOf(HypervisorError);
        const found = await session.findVm({ uuid });
        expect(found).toEqual({ uuid, name, state: 'shut off', active: false, persistent: true, hasSavedState: false, snapshots: 0 });
        expect(await session.findVm({ name })).toEqual(found);
        await session.startVm(uuid);
        expect(await session.findVm({ uuid })).toMatchObject({ state: 'running', active: true });
        target.stopVm(name);
        await session.forgetCheckpoints(uuid);
        await session.undefineVm(uuid);
        expect(await session.findVm({ uuid })).toBeNull();
        await expect(session.startVm(uuid)).rejects.toMatchObject({ code: 'not_found' });
      } finally {
        await session.undefineVm(uuid).catch(() => undefined);
        await session.close();
      }
    });

    it('fails clearly and quickly on a closed port, and its session ends with null on close', async () => {
      const started = Date.now();
      const error = await target
        .driver()
        .connect(target.closedPort(), options())
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(HypervisorError);
      expect((error as HypervisorError).code).toBe('unreachable');
      expect((error as Error).message).toMatch(/127\.0\.0\.1/);
      expect(Date.now() - started).toBeLessThan(10_000);

      const { spec, secret } = target.host();
      const session = await target.driver().connect(spec, { ...options(), secret });
      await session.close();
      expect(await session.ended).toBeNull();
    });
  });
}
