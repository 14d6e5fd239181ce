import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterInventory } from '../../../shared/model/inventory.js';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/catalog.js';
import { systemClock } from '../../../electron/engine/clock.js';
import { createClusterStore } from '../../../electron/engine/clusters/cluster-store.js';
import { createInventoryService, type InventoryService } from '../../../electron/engine/inventory/inventory-service.js';
import { createFileSecretStore, createKeyFileCipher } from '../../../electron/engine/secrets/secret-store.js';
import { ScriptedDriver, scriptedVm } from '../../support/fake-driver.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

async function waitFor<T>(read: () => T | undefined, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('inventory service (scripted driver)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let catalog: Catalog;
  let driver: ScriptedDriver;
  let service: InventoryService;
  let events: ClusterInventory[];
  let clusterId: string;
  const vmA = randomUUID();
  const vmB = randomUUID();

  beforeEach(async () => {
    temp = makeTempDir('inventory');
    const { logger } = createMemoryLogger();
    catalog = openCatalog(join(temp.dir, 'catalog.db'), { logger });
    const secrets = createFileSecretStore(join(temp.dir, 's.json'), createKeyFileCipher(join(temp.dir, 'k')));
    const clusters = createClusterStore(catalog, secrets, systemClock);
    driver = new ScriptedDriver();
    driver.addHost('h1', [scriptedVm(vmA, 'alpha')]);
    driver.addHost('h2', [scriptedVm(vmB, 'bravo', { active: false, state: 'shut off' })]);
    driver.addHost('h3').down = true;
    const cluster = await clusters.add({
      name: 'office',
      hosts: ['h1', 'h2', 'h3'].map((address) => ({ label: address, spec: { transport: 'tcp' as const, address } })),
    });
    clusterId = cluster.id;
    events = [];
    service = createInventoryService({
      clusters,
      driver,
      logger,
      clock: systemClock,
      onChange: (inventory) => events.push(inventory),
      timings: { eventDebounceMs: 5, retryMinMs: 20, retryMaxMs: 40, pollIntervalMs: 60_000 },
    });
  });

  afterEach(async () => {
    await service.close();
    catalog.close();
    temp.remove();
  });

  it('merges the reachable hosts and marks the unreachable one with its reason', async () => {
    const inventory = await service.get(clusterId);
    expect(inventory.vms.map((vm) => [vm.name, vm.state])).toEqual([
      ['alpha', 'running'],
      ['bravo', 'shut off'],
    ]);
    expect(inventory.hosts.map((h) => h.state)).toEqual(['connected', 'connected', 'unreachable']);
    expect(inventory.hosts[2]!.error?.message).toContain('connection refused');
  });

  it('lends its open connection to a host, and none for a host it cannot reach or a cluster it forgot', async () => {
    const inventory = await service.get(clusterId);
    const [h1, , h3] = inventory.hosts.map((h) => h.hostId);
    const connects = driver.connects;
    const lent = service.sessionFor(clusterId, h1!);
    expect(lent).not.toBeNull();
    expect(await lent!.listVms()).toEqual([expect.objectContaining({ uuid: vmA })]);
    expect(service.sessionFor(clusterId, h1!)).toBe(lent);
    expect(driver.connects).toBe(connects);
    expect(service.sessionFor(clusterId, h3!)).toBeNull();
    expect(service.sessionFor(clusterId, randomUUID())).toBeNull();
    expect(service.sessionFor(randomUUID(), h1!)).toBeNull();
    await service.forget(clusterId);
    expect(service.sessionFor(clusterId, h1!)).toBeNull();
  });

  it('follows a VM that moves to another host without changing its identity', async () => {
    const before = await service.get(clusterId);
    const h1 = before.hosts[0]!.hostId;
    const h2 = before.hosts[1]!.hostId;
    expect(before.vms.find((vm) => vm.name === 'alpha')!.hostId).toBe(h1);
    driver.hosts.get('h2')!.vms.push(scriptedVm(vmA, 'alpha'));
    driver.hosts.get('h1')!.vms = [];
    driver.emit('h1', { kind: 'vm', vmUuid: vmA, detail: 'stopped-migrated' });
    driver.emit('h2', { kind: 'vm', vmUuid: vmA, detail: 'started-migrated' });
    const moved = await waitFor(() => {
      const last = events.at(-1);
      const alpha = last?.vms.filter((vm) => vm.ref.vmUuid === vmA);
      return alpha?.length === 1 && alpha[0]!.hostId === h2 ? last : undefined;
    });
    expect(moved.vms).toHaveLength(2);
  });

  it('marks only a host that dies as unreachable, and reconnects when it is back', async () => {
    await service.get(clusterId);
    driver.kill('h1');
    const afterKill = await waitFor(() => {
      const last = events.at(-1);
      return last?.hosts[0]!.state === 'unreachable' ? last : undefined;
    });
    expect(afterKill.hosts.map((h) => h.state)).toEqual(['unreachable', 'connected', 'unreachable']);
    expect(afterKill.vms.map((vm) => vm.name)).toEqual(['bravo']);
    driver.hosts.get('h1')!.down = false;
    driver.hosts.get('h3')!.down = false;
    const recovered = await waitFor(() => {
      const last = events.at(-1);
      return last?.hosts.every((h) => h.state === 'connected') ? last : undefined;
    });
    expect(recovered.vms.map((vm) => vm.name)).toEqual(['alpha', 'bravo']);
  });
});
