// An in-memory hypervisor host for the restore engine's unit tests: pools with a free-space figure, volumes whose
// uploads are written into buffers (holes left zero), VM definitions, and faults on demand. It proves the engine's
// decisions and cleanup; what a real libvirt does with the same calls is tested against the lab.
import { DOMParser } from '@xmldom/xmldom';
import {
  HypervisorError,
  type CreateVolumeRequest,
  type HostCapabilities,
  type HostNetwork,
  type HostSession,
  type StoragePool,
  type UploadVolumeOptions,
  type VmDefinition,
  type VolumeData,
  type VolumeInfo,
  type VolumeRef,
} from '../../../electron/engine/hypervisors/driver.js';

export interface FakeVm extends VmDefinition {
  config: string;
}

export type FaultPoint = 'createVolume' | 'upload' | 'deleteVolume' | 'defineVm' | 'startVm' | 'undefineVm' | 'findVm';

export class FakeRestoreHost {
  readonly pools: StoragePool[] = [
    { name: 'default', uuid: '00000000-0000-4000-8000-000000000001', type: 'dir', active: true, capacityBytes: 100 * 2 ** 30, allocationBytes: 0, availableBytes: 50 * 2 ** 30, path: '/var/lib/libvirt/images', fileBased: true },
  ];
  networks: HostNetwork[] = [{ name: 'default', bridge: 'virbr0', active: true }];
  readonly volumes = new Map<string, { info: VolumeInfo; bytes: Buffer; capacity: number }>();
  readonly vms = new Map<string, FakeVm>();
  /** Every call that changes the host, in order: `createVolume pool/name`, `defineVm name`, ... */
  readonly writes: string[] = [];
  /** Throws from the named operation (once per call while set) to simulate a failing host. */
  readonly faults = new Map<FaultPoint, (detail: string) => Error | null>();
  /** Called with each piece an upload receives (tests abort or kill from here). */
  onPiece: ((volume: VolumeRef, written: number) => void) | null = null;
  readonly capabilities: HostCapabilities = {
    securityModels: ['none', 'dac'],
    guests: [{ osType: 'hvm', arch: 'x86_64', emulator: '/usr/bin/qemu-system-x86_64', machines: ['pc', 'pc-i440fx-7.2'], virtTypes: [{ type: 'kvm', emulator: null }] }],
  };

  private fault(point: FaultPoint, detail: string): void {
    const error = this.faults.get(point)?.(detail);
    if (error) throw error;
  }

  addVm(vm: Partial<FakeVm> & { uuid: string; name: string; config: string }): FakeVm {
    const full: FakeVm = { state: 'shut off', active: false, persistent: true, hasSavedState: false, snapshots: 0, ...vm };
    this.vms.set(full.uuid, full);
    return full;
  }

  addVolume(pool: string, name: string, bytes = Buffer.alloc(0)): VolumeInfo {
    const info: VolumeInfo = { pool, name, path: `${this.pools.find((p) => p.name === pool)?.path ?? '/dev'}/${name}`, poolType: this.pools.find((p) => p.name === pool)?.type ?? 'dir' };
    this.volumes.set(`${pool}/${name}`, { info, bytes, capacity: bytes.length });
    return info;
  }

  session(): HostSession {
    const ended = new Promise<Error | null>(() => undefined);
    const vmOf = (uuid: string): FakeVm => {
      const vm = this.vms.get(uuid.toLowerCase());
      if (!vm) throw new HypervisorError('not_found', `no domain with uuid ${uuid}`);
      return vm;
    };
    const volumeOf = (ref: VolumeRef) => {
      const volume = this.volumes.get(`${ref.pool}/${ref.name}`);
      if (!volume) throw new HypervisorError('not_found', `no volume ${ref.pool}/${ref.name}`);
      return volume;
    };
    const notUsed = async (): Promise<never> => {
      throw new Error('not used by restore');
    };
    return {
      info: notUsed,
      listVms: notUsed,
      startBackup: notUsed,
      onChange: () => () => undefined,
      ended,
      close: async () => undefined,
      getVmConfig: async (uuid) => vmOf(uuid).config,
      listStoragePools: async () => this.pools.map((p) => ({ ...p })),
      listNetworks: async () => this.networks.map((n) => ({ ...n })),
      listBridges: async () => [],
      capabilities: async () => this.capabilities,
      firmwareImages: async () => [],
      findVolumeByPath: async (path) => [...this.volumes.values()].find((v) => v.info.path === path)?.info ?? null,
      findVolume: async (ref) => {
        if (!this.pools.some((p) => p.name === ref.pool)) throw new HypervisorError('not_found', `no pool ${ref.pool}`);
        return this.volumes.get(`${ref.pool}/${ref.name}`)?.info ?? null;
      },
      createVolume: async (request: CreateVolumeRequest) => {
        this.fault('createVolume', request.name);
        if (this.volumes.has(`${request.pool}/${request.name}`)) throw new HypervisorError('conflict', `volume ${request.name} exists`);
        this.writes.push(`createVolume ${request.pool}/${request.name}`);
        const capacity = request.format === 'raw' ? request.capacityBytes : 0;
        return this.addVolume(request.pool, request.name, Buffer.alloc(capacity));
      },
      uploadVolume: async (ref: VolumeRef, data: AsyncIterable<VolumeData>, options: UploadVolumeOptions = {}) => {
        const volume = volumeOf(ref);
        this.writes.push(`uploadVolume ${ref.pool}/${ref.name}`);
        let at = 0;
        for await (const piece of data) {
          options.signal?.throwIfAborted();
          this.fault('upload', `${ref.name}@${at}`);
          const end = at + (piece.kind === 'data' ? piece.data.length : piece.length);
          if (end > volume.bytes.length) {
            const grown = Buffer.alloc(end);
            volume.bytes.copy(grown);
            volume.bytes = grown;
          }
          if (piece.kind === 'data') piece.data.copy(volume.bytes, at);
          else volume.bytes.fill(0, at, end);
          at = end;
          this.onPiece?.(ref, at);
        }
      },
      deleteVolume: async (ref) => {
        this.fault('deleteVolume', ref.name);
        volumeOf(ref);
        this.writes.push(`deleteVolume ${ref.pool}/${ref.name}`);
        this.volumes.delete(`${ref.pool}/${ref.name}`);
      },
      findVm: async (query) => {
        this.fault('findVm', query.uuid ?? query.name ?? '');
        const vm = query.uuid !== undefined ? this.vms.get(query.uuid.toLowerCase()) : [...this.vms.values()].find((v) => v.name === query.name);
        if (!vm) return null;
        const { config: _config, ...definition } = vm;
        return definition;
      },
      defineVm: async (config) => {
        this.fault('defineVm', config);
        const root = new DOMParser().parseFromString(config, 'text/xml').documentElement!;
        const name = root.getElementsByTagName('name')[0]!.textContent!;
        const uuid = root.getElementsByTagName('uuid')[0]!.textContent!.toLowerCase();
        const existing = this.vms.get(uuid);
        if (!existing && [...this.vms.values()].some((v) => v.name === name)) throw new HypervisorError('conflict', `domain ${name} exists`);
        this.writes.push(`defineVm ${name}`);
        this.vms.set(uuid, { ...(existing ?? { state: 'shut off', active: false, persistent: true, hasSavedState: false, snapshots: 0 }), uuid, name, config });
        return { uuid, name };
      },
      startVm: async (uuid) => {
        this.fault('startVm', uuid);
        const vm = vmOf(uuid);
        this.writes.push(`startVm ${vm.name}`);
        vm.active = true;
        vm.state = 'running';
      },
      undefineVm: async (uuid) => {
        this.fault('undefineVm', uuid);
        const vm = vmOf(uuid);
        this.writes.push(`undefineVm ${vm.name}`);
        this.vms.delete(uuid);
      },
      forgetCheckpoints: async (uuid) => {
        this.writes.push(`forgetCheckpoints ${vmOf(uuid).name}`);
      },
    };
  }
}
