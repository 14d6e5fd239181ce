// What the app reads from a cluster, compared with lab.json and with virsh (libvirt's own client) on the same
// daemons: domains with names, UUIDs and states, their XML and disks, node info, pools and volumes.

import { afterAll, describe, expect, it } from 'vitest';
import { type LibvirtConnection } from '../../../electron/engine/hypervisors/libvirt/rpc/connection.js';
import { LibvirtError, VirErrorCode } from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import {
  type DomainRef,
  DomainXmlFlags,
  ListAllDomainsFlags,
  StoragePoolState,
  domainStateName,
} from '../../../electron/engine/hypervisors/libvirt/rpc/procedures.js';
import { type Lab, type LabHost, openUnix, virsh, withLab } from './lab.js';

let lab: Lab;
const connections = new Map<string, LibvirtConnection>();

withLab(async (ready) => {
  lab = ready;
  for (const host of lab.hosts) connections.set(host.name, await openUnix(host));
});

afterAll(async () => {
  for (const connection of connections.values()) await connection.close();
});

function api(host: LabHost): LibvirtConnection['api'] {
  const connection = connections.get(host.name);
  if (!connection) throw new Error(`no connection to ${host.name}`);
  return connection.api;
}

/** Domain state as virsh prints it, read right after ours (VMs of the lab may change state meanwhile: retry). */
async function expectStateMatchesVirsh(host: LabHost, domain: DomainRef): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const ours = domainStateName((await api(host).domainGetState(domain)).state);
    const theirs = (await virsh(host, 'domstate', domain.uuid)).trim();
    if (ours === theirs || attempt === 3) {
      expect(ours, `${domain.name} on ${host.name}`).toBe(theirs);
      return;
    }
  }
}

describe('domains', () => {
  it('lists every lab VM with the UUID lab.json records, once per cluster', async () => {
    const found = new Map<string, { uuid: string; hosts: string[] }>();
    for (const host of lab.hosts) {
      for (const domain of await api(host).listAllDomains()) {
        if (!domain.name.startsWith('lab-vm')) continue;
        const entry = found.get(domain.name) ?? { uuid: domain.uuid, hosts: [] };
        expect(domain.uuid).toBe(entry.uuid);
        entry.hosts.push(host.name);
        found.set(domain.name, entry);
      }
    }
    expect([...found.keys()].sort()).toEqual(lab.vms.map((vm) => vm.name).sort());
    for (const vm of lab.vms) expect(found.get(vm.name)?.uuid, vm.name).toBe(vm.uuid);
  });

  it('lists the same domains, ids and states as virsh on every host', async () => {
    for (const host of lab.hosts) {
      const domains = await api(host).listAllDomains();
      const virshUuids = (await virsh(host, 'list', '--all', '--uuid')).split('\n').map((line) => line.trim()).filter(Boolean);
      expect(domains.map((d) => d.uuid).sort(), host.name).toEqual([...virshUuids].sort());
      for (const domain of domains) {
        await expectStateMatchesVirsh(host, domain);
        if (domain.id !== -1) expect((await virsh(host, 'domid', domain.uuid)).trim()).toBe(String(domain.id));
      }
    }
  });

  it('filters running and stopped domains with the list flags', async () => {
    for (const host of lab.hosts) {
      const all = await api(host).listAllDomains();
      const active = await api(host).listAllDomains(ListAllDomainsFlags.ACTIVE);
      const inactive = await api(host).listAllDomains(ListAllDomainsFlags.INACTIVE);
      expect([...active, ...inactive].map((d) => d.uuid).sort()).toEqual(all.map((d) => d.uuid).sort());
      for (const domain of active) expect(domain.id).toBeGreaterThan(0);
      for (const domain of inactive) expect(domain.id).toBe(-1);
    }
  });

  it('looks up domains by UUID, reads info, XML and disk sizes as lab.json describes them', async () => {
    for (const host of lab.hosts) {
      for (const domain of await api(host).listAllDomains()) {
        const vm = lab.vms.find((v) => v.uuid === domain.uuid);
        if (!vm) continue;
        const looked = await api(host).domainLookupByUuid(vm.uuid);
        expect(looked).toMatchObject({ name: vm.name, uuid: vm.uuid });
        const info = await api(host).domainGetInfo(looked);
        expect(info).toMatchObject({ maxMemKiB: 64 * 1024, vcpus: 1 });
        const xml = await api(host).domainGetXmlDesc(looked);
        expect(xml).toContain(`<name>${vm.name}</name>`);
        expect(xml).toContain(`<uuid>${vm.uuid}</uuid>`);
        const inactiveXml = await api(host).domainGetXmlDesc(looked, DomainXmlFlags.INACTIVE);
        // The live XML of a running domain carries its id; the persistent definition never does.
        expect(inactiveXml).toMatch(/^<domain type='qemu'>/);
        if (domain.id !== -1) expect(xml).toMatch(new RegExp(`^<domain type='qemu' id='${domain.id}'>`));
        for (const disk of vm.disks) {
          expect(xml).toContain(`<target dev='${disk.target}'`);
          const block = await api(host).domainGetBlockInfo(looked, disk.target);
          expect(block.capacity, `${vm.name} ${disk.target}`).toBe(disk.capacityBytes);
          expect(block.allocation).toBeLessThanOrEqual(block.physical + 65_536);
        }
      }
    }
  });

  it('reports missing domains as VIR_ERR_NO_DOMAIN', async () => {
    const host = lab.hosts[0] as LabHost;
    const error = await api(host).domainLookupByUuid('00000000-0000-4000-8000-00000000dead').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect(error).toMatchObject({ code: VirErrorCode.VIR_ERR_NO_DOMAIN, codeName: 'VIR_ERR_NO_DOMAIN' });
    const byName = await api(host).domainLookupByName('rpctest-no-such-domain').catch((e: unknown) => e);
    expect(byName).toMatchObject({ code: VirErrorCode.VIR_ERR_NO_DOMAIN });
  });
});

describe('hosts and storage', () => {
  it('reads node info and versions as virsh does', async () => {
    for (const host of lab.hosts) {
      const info = await api(host).nodeGetInfo();
      const nodeinfo = await virsh(host, 'nodeinfo');
      const field = (name: string): string => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(nodeinfo)?.[1]?.trim() ?? '';
      expect(info.model).toBe(field('CPU model'));
      expect(info.cpus).toBe(Number(field('CPU\\(s\\)')));
      expect(`${info.memoryKiB} KiB`).toBe(field('Memory size'));
      expect(info.sockets * info.cores * info.threads * info.numaNodes).toBe(info.cpus);
      const version = await api(host).getVersion();
      expect(await virsh(host, 'version')).toContain(`QEMU ${Math.floor(version / 1_000_000)}.${Math.floor(version / 1000) % 1000}.${version % 1000}`);
    }
  });

  it('finds the default pool, its info and XML, and the lab disks in it by path', async () => {
    for (const host of lab.hosts) {
      const pools = await api(host).listAllStoragePools();
      expect(pools.map((p) => p.name)).toContain(host.poolName);
      const pool = await api(host).storagePoolLookupByName(host.poolName);
      const info = await api(host).storagePoolGetInfo(pool);
      expect(info.state).toBe(StoragePoolState.RUNNING);
      expect(info.capacity).toBeGreaterThan(0);
      expect(await api(host).storagePoolGetXmlDesc(pool)).toContain(`<path>${host.poolPath}</path>`);
      await api(host).storagePoolRefresh(pool);
      const volumes = await api(host).storagePoolListAllVolumes(pool);
      for (const domain of await api(host).listAllDomains(ListAllDomainsFlags.ACTIVE)) {
        const vm = lab.vms.find((v) => v.uuid === domain.uuid);
        const disk = vm?.disks[0];
        if (!disk) continue;
        const volume = await api(host).storageVolLookupByPath(disk.path);
        expect(volumes).toContainEqual(volume);
        expect(await api(host).storageVolGetPath(volume)).toBe(disk.path);
        expect((await api(host).storageVolGetInfo(volume)).capacity).toBe(disk.capacityBytes);
        expect(await api(host).storageVolLookupByName(pool, volume.name)).toEqual(volume);
        expect(await api(host).storageVolGetXmlDesc(volume)).toContain(`<path>${disk.path}</path>`);
      }
    }
  });

  it('reports a missing volume as VIR_ERR_NO_STORAGE_VOL and a missing pool as VIR_ERR_NO_STORAGE_POOL', async () => {
    const host = lab.hosts[0] as LabHost;
    const missing = await api(host).storageVolLookupByPath(`${host.poolPath}/rpctest-absent.qcow2`).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: VirErrorCode.VIR_ERR_NO_STORAGE_VOL });
    const noPool = await api(host).storagePoolLookupByName('rpctest-no-pool').catch((e: unknown) => e);
    expect(noPool).toMatchObject({ code: VirErrorCode.VIR_ERR_NO_STORAGE_POOL });
  });
});
