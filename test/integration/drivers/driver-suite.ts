// The shared test suite every hypervisor driver passes, against real hosts. A driver brings a factory and the
// connection specs of a running test cluster with known VMs; the suite checks what the layers above rely on.
import { describe, expect, it } from 'vitest';
import type { HostSpec } from '../../../shared/model/cluster.js';
import { HypervisorError, type HostChange, type HypervisorDriver } from '../../../electron/engine/hypervisors/driver.js';
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
