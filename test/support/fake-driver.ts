// A scripted hypervisor driver for unit tests of the logic above the driver interface (merging, reconnecting).
// It proves nothing about a real hypervisor: the shared driver suite runs the real drivers against the lab.
import type { HostSpec } from '../../shared/model/cluster.js';
import { HypervisorError, type HostChange, type HostConnectOptions, type HostInfo, type HostSession, type HypervisorDriver, type VmOnHost } from '../../electron/engine/hypervisors/driver.js';

export interface ScriptedHost {
  /** Refuse connections while set. */
  down: boolean;
  vms: VmOnHost[];
  info: HostInfo;
}

export function scriptedVm(uuid: string, name: string, overrides: Partial<VmOnHost> = {}): VmOnHost {
  return { uuid, name, state: 'running', active: true, persistent: true, vcpus: 1, memoryBytes: 64 * 2 ** 20, disks: [], ...overrides };
}

/** The restore side of a session, which this driver does not script (restore has its own fake host). */
function restoreUnsupported(): Pick<
  HostSession,
  | 'listStoragePools'
  | 'listNetworks'
  | 'listBridges'
  | 'findVolumeByPath'
  | 'findVolume'
  | 'createVolume'
  | 'uploadVolume'
  | 'deleteVolume'
  | 'findVm'
  | 'defineVm'
  | 'startVm'
  | 'undefineVm'
  | 'forgetCheckpoints'
  | 'capabilities'
  | 'firmwareImages'
> {
  const no = async (): Promise<never> => {
    throw new HypervisorError('unsupported', 'the scripted driver does not restore; restores are tested against the lab');
  };
  return {
    listStoragePools: no,
    listNetworks: no,
    listBridges: no,
    findVolumeByPath: no,
    findVolume: no,
    createVolume: no,
    uploadVolume: no,
    deleteVolume: no,
    findVm: no,
    defineVm: no,
    startVm: no,
    undefineVm: no,
    forgetCheckpoints: no,
    capabilities: no,
    firmwareImages: no,
  };
}

export class ScriptedDriver implements HypervisorDriver {
  readonly kind = 'scripted';
  readonly hosts = new Map<string, ScriptedHost>();
  private readonly sessions = new Map<string, Set<{ emit(change: HostChange): void; kill(error: Error): void }>>();
  connects = 0;

  /** Hosts are keyed by the spec's address (tcp/ssh/tls) or socket path (unix). */
  static key(spec: HostSpec): string {
    return spec.transport === 'unix' ? spec.socketPath : spec.address;
  }

  addHost(key: string, vms: VmOnHost[] = []): ScriptedHost {
    const host: ScriptedHost = {
      down: false,
      vms,
      info: { hostname: key, cpuModel: 'x86_64', cpus: 2, memoryBytes: 2 ** 30, libvirtVersion: '9.0.0', hypervisorVersion: '7.2.0' },
    };
    this.hosts.set(key, host);
    return host;
  }

  /** Tells every open session of a host that something changed. */
  emit(key: string, change: HostChange): void {
    for (const session of this.sessions.get(key) ?? []) session.emit(change);
  }

  /** Ends every open session of a host, as a host that died would. */
  kill(key: string): void {
    const host = this.hosts.get(key);
    if (host) host.down = true;
    for (const session of this.sessions.get(key) ?? []) session.kill(new HypervisorError('unreachable', `${key} went away`));
  }

  async connect(spec: HostSpec, _options: HostConnectOptions): Promise<HostSession> {
    this.connects += 1;
    const key = ScriptedDriver.key(spec);
    const host = this.hosts.get(key);
    if (!host || host.down) throw new HypervisorError('unreachable', `cannot connect to ${key}: connection refused`);
    const listeners = new Set<(change: HostChange) => void>();
    let endSession: (error: Error | null) => void = () => undefined;
    const ended = new Promise<Error | null>((resolve) => (endSession = resolve));
    let open = true;
    const handle = {
      emit: (change: HostChange) => listeners.forEach((l) => l(change)),
      kill: (error: Error) => {
        open = false;
        endSession(error);
      },
    };
    const set = this.sessions.get(key) ?? new Set();
    set.add(handle);
    this.sessions.set(key, set);
    const alive = (): void => {
      if (!open || host.down) throw new HypervisorError('unreachable', `${key} is not answering`);
    };
    return {
      info: async () => (alive(), host.info),
      listVms: async () => (alive(), host.vms.map((vm) => ({ ...vm }))),
      getVmConfig: async (uuid) => (alive(), `<domain><uuid>${uuid}</uuid></domain>`),
      startBackup: async () => {
        throw new HypervisorError('unsupported', 'the scripted driver does not back up; backups are tested against the lab');
      },
      ...restoreUnsupported(),
      onChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      ended,
      close: async () => {
        open = false;
        set.delete(handle);
        endSession(null);
      },
    };
  }
}
