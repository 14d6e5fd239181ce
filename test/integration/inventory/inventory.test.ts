// The cluster inventory against the real lab: every VM on its host over each transport, a live migration
// followed within seconds under the same identity, and a host killed mid-call marked alone as unreachable.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpcClient, type IpcClient } from '../../../shared/ipc/client.js';
import { appContract, type AppContract } from '../../../shared/ipc/contract.js';
import { createMemoryTransport } from '../../../shared/ipc/memory-transport.js';
import type { HostInput } from '../../../shared/model/cluster.js';
import type { ClusterInventory } from '../../../shared/model/inventory.js';
import { labHostInputs, type LabTransport } from '../../../electron/cli/lab.js';
import type { Engine } from '../../../electron/engine/engine.js';
import { createLibvirtDriver } from '../../../electron/engine/hypervisors/libvirt/libvirt-driver.js';
import { LAB_DIR, requireLab, virsh, type LabJson } from '../../support/lab.js';
import { createTestEngine } from '../../support/engine.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const lab: LabJson = requireLab();

const hostsOver = (transport: LabTransport): HostInput[] => labHostInputs(lab, transport);

/** Where each lab VM is defined right now, asked of the hosts themselves. */
function labPlacement(): Map<string, string> {
  const placement = new Map<string, string>();
  for (const host of lab.hosts) {
    for (const name of virsh(lab, host.name, 'list', '--all', '--name').split('\n').filter(Boolean)) placement.set(name, host.name);
  }
  return placement;
}

function hostLabel(inventory: ClusterInventory, hostId: string): string | undefined {
  return inventory.hosts.find((h) => h.hostId === hostId)?.label;
}

describe('cluster inventory against the lab', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let events: ClusterInventory[];
  let client: IpcClient<AppContract>;

  beforeAll(() => {
    temp = makeTempDir('inventory-lab');
    engine = createTestEngine(temp.dir, { inventoryTimings: { retryMinMs: 200, retryMaxMs: 1000 } });
    events = [];
    client = createIpcClient(appContract, createMemoryTransport(engine.connect));
  });

  /** Collects the cluster's inventory events, as a renderer subscribed to it would receive them. */
  const watch = (clusterId: string): void => {
    client.subscribe('inventory.changed', { clusterId }, (inventory) => events.push(inventory));
  };

  afterAll(async () => {
    client.close();
    await engine.close();
    temp.remove();
  });

  it.each(['unix', 'tcp', 'ssh'] as const)('lists every lab VM with its state, disks and current host over %s', async (transport) => {
    const cluster = await engine.clusters.add({ name: `lab-${transport}`, hosts: hostsOver(transport) });
    const inventory = await engine.inventory.get(cluster.id);
    expect(inventory.hosts.map((h) => [h.label, h.state, h.hostname])).toEqual(lab.hosts.map((h) => [h.name, 'connected', h.name]));
    const placement = labPlacement();
    expect(inventory.vms.map((vm) => vm.name).sort()).toEqual(lab.vms.map((vm) => vm.name).sort());
    for (const known of lab.vms) {
      const vm = inventory.vms.find((v) => v.ref.vmUuid === known.uuid)!;
      expect(vm.name).toBe(known.name);
      expect(hostLabel(inventory, vm.hostId)).toBe(placement.get(known.name));
      expect(vm.state).toBe(virsh(lab, placement.get(known.name)!, 'domstate', known.name).trim());
      expect(vm.disks.map((d) => [d.target, d.capacityBytes])).toEqual(known.disks.map((d) => [d.target, d.capacityBytes]));
      expect(vm.warnings).toEqual([]);
    }
    await engine.inventory.forget(cluster.id);
    await engine.clusters.remove(cluster.id);
  });

  it('follows a live migration within 5 s under the same identity, without a duplicate', async () => {
    const cluster = await engine.clusters.add({ name: 'lab-migration', hosts: hostsOver('unix') });
    watch(cluster.id);
    const before = await engine.inventory.get(cluster.id);
    const placement = labPlacement();
    const running = lab.vms.find((vm) => vm.disks.length === 1 && virsh(lab, placement.get(vm.name)!, 'domstate', vm.name).trim() === 'running')!;
    const from = placement.get(running.name)!;
    const to = lab.hosts.find((h) => h.name !== from)!.name;
    expect(hostLabel(before, before.vms.find((vm) => vm.ref.vmUuid === running.uuid)!.hostId)).toBe(from);

    const migrate = (src: string, dst: string) =>
      virsh(lab, src, 'migrate', '--live', '--p2p', '--copy-storage-all', '--persistent', '--undefinesource', running.name, `qemu+tcp://${dst}/system`);
    migrate(from, to);
    const migratedAt = Date.now();
    try {
      let seen: ClusterInventory | undefined;
      while (Date.now() - migratedAt < 5_000) {
        seen = events.filter((e) => e.clusterId === cluster.id).at(-1);
        const rows = seen?.vms.filter((vm) => vm.ref.vmUuid === running.uuid) ?? [];
        if (rows.length === 1 && hostLabel(seen!, rows[0]!.hostId) === to && rows[0]!.state === 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const rows = seen!.vms.filter((vm) => vm.ref.vmUuid === running.uuid);
      expect(rows).toHaveLength(1);
      expect(hostLabel(seen!, rows[0]!.hostId)).toBe(to);
      expect(rows[0]).toMatchObject({ name: running.name, state: 'running', seenOnHostIds: [rows[0]!.hostId], warnings: [] });
      expect(Date.now() - migratedAt).toBeLessThan(5_000);
      expect(seen!.vms).toHaveLength(lab.vms.length);
    } finally {
      migrate(to, from);
      await engine.inventory.forget(cluster.id);
      await engine.clusters.remove(cluster.id);
    }
  });

  it('marks only a host killed mid-call as unreachable; the call fails promptly and the host comes back', async () => {
    const victim = lab.hosts[2]!;
    const cluster = await engine.clusters.add({ name: 'lab-kill', hosts: hostsOver('unix') });
    watch(cluster.id);
    await engine.inventory.get(cluster.id);
    const driver = createLibvirtDriver();
    const session = await driver.connect({ transport: 'unix', socketPath: victim.unixSocket, libvirtUri: 'qemu:///system' }, {
      secret: null,
      timeoutMs: 10_000,
      logger: createMemoryLogger().logger,
    });
    const pid = Number(readFileSync(join(LAB_DIR, 'hosts', victim.name, 'libvirtd.pid'), 'utf8').trim());
    try {
      // Freeze the daemon so the call is in flight, then kill it.
      process.kill(pid, 'SIGSTOP');
      const call = session.listVms().then(
        () => null,
        (e: unknown) => e as { code: string },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      expect(await call).toMatchObject({ code: 'unreachable' });
      expect(Date.now() - killedAt).toBeLessThan(3_000);

      let seen: ClusterInventory | undefined;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        seen = events.filter((e) => e.clusterId === cluster.id).at(-1);
        if (seen?.hosts[2]?.state === 'unreachable') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen!.hosts.map((h) => h.state)).toEqual(['connected', 'connected', 'unreachable']);
      expect(seen!.hosts[2]!.error?.message).toContain(victim.unixSocket);
      expect(seen!.vms.filter((vm) => hostLabel(seen!, vm.hostId) === victim.name)).toEqual([]);
    } finally {
      await session.close();
      // The lab repairs itself: a new libvirtd for that host, which finds its running VMs again.
      const up = spawnSync(process.execPath, ['scripts/lab/lab.ts', 'up'], { encoding: 'utf8' });
      expect(up.status, up.stderr).toBe(0);
    }
    const deadline = Date.now() + 15_000;
    let recovered: ClusterInventory | undefined;
    while (Date.now() < deadline) {
      recovered = events.filter((e) => e.clusterId === cluster.id).at(-1);
      if (recovered?.hosts.every((h) => h.state === 'connected') && recovered.vms.length === lab.vms.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered!.hosts.map((h) => h.state)).toEqual(['connected', 'connected', 'connected']);
    expect(recovered!.vms).toHaveLength(lab.vms.length);
    await engine.inventory.forget(cluster.id);
    await engine.clusters.remove(cluster.id);
  });
});
