// Values of the contract's types for store tests.
import type { AppInfo } from '../../../shared/model/app-info.js';
import type { Cluster, ClusterSummary } from '../../../shared/model/cluster.js';
import type { ClusterInventory, HostStatus, VmSummary, VmWarning, VmWarningCode } from '../../../shared/model/inventory.js';
import type { JobDetail, JobItem, JobProgress, JobSummary } from '../../../shared/model/job.js';
import type { PointSummary } from '../../../shared/model/point.js';
import type { RepositoryStatus } from '../../../shared/model/repository.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/model/settings.js';

export const appInfo: AppInfo = {
  name: 'Lifeboat',
  version: '0.1.0',
  mode: 'headless',
  dataDir: '/home/ops/.local/share/lifeboat',
  catalogSchemaVersion: 3,
  startedAt: '2025-05-01T08:00:00.000Z',
};

export const clusterA: ClusterSummary = {
  id: '0b6f2a5e-9a8e-4d0e-8f5a-1c2d3e4f5a6b',
  name: 'Office rack',
  hostCount: 3,
  createdAt: '2025-04-30T10:00:00.000Z',
};

export const clusterB: ClusterSummary = {
  id: '5c1e7a2d-3b4f-4e6a-9d8c-7b6a5f4e3d2c',
  name: 'Branch office',
  hostCount: 1,
  createdAt: '2025-05-01T09:30:00.000Z',
};

/** The engine's settings with some of them changed. */
export function settingsWith(overrides: Partial<Settings>): Settings {
  return { ...DEFAULT_SETTINGS, ...overrides };
}

export const backupJob: JobSummary = {
  id: 'a2c4e6f8-0b1d-4f3a-8c5e-7a9b1c3d5e7f',
  kind: 'backup',
  state: 'running',
  title: 'Cluster Office rack',
  subject: { kind: 'cluster', clusterName: 'Office rack' },
  clusterId: '0b6f2a5e-9a8e-4d0e-8f5a-1c2d3e4f5a6b',
  trigger: 'user',
  createdAt: '2025-05-01T10:00:00.000Z',
  startedAt: '2025-05-01T10:00:01.000Z',
  finishedAt: null,
  itemCount: 2,
  itemsSucceeded: 0,
  itemsFailed: 0,
  bytesDone: 0,
};

export const verifyJob: JobSummary = {
  id: 'b1d3f5a7-9c2e-4b6d-8f1a-3c5e7a9b1d3f',
  kind: 'verify',
  state: 'succeeded',
  title: 'Verify repository',
  subject: { kind: 'verify' },
  clusterId: null,
  trigger: 'user',
  createdAt: '2025-05-01T09:00:00.000Z',
  startedAt: '2025-05-01T09:00:01.000Z',
  finishedAt: '2025-05-01T09:05:00.000Z',
  itemCount: 0,
  itemsSucceeded: 0,
  itemsFailed: 0,
  bytesDone: 0,
};

/** Two OpenSSH SHA256 fingerprints (43 base64 characters each). */
export const fingerprintA = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
export const fingerprintB = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

export const hostIds = {
  kvm1: '11111111-1111-4111-8111-111111111111',
  kvm2: '22222222-2222-4222-8222-222222222222',
  kvm3: '33333333-3333-4333-8333-333333333333',
} as const;

/** Office rack as `clusters.get` returns it: two SSH hosts with pinned keys, one over TCP. */
export const clusterAFull: Cluster = {
  id: clusterA.id,
  name: clusterA.name,
  createdAt: clusterA.createdAt,
  hosts: [
    {
      id: hostIds.kvm1,
      label: 'kvm1',
      hasSecret: true,
      spec: {
        transport: 'ssh',
        address: 'kvm1.lab',
        port: 22,
        username: 'root',
        auth: 'password',
        hostKeyFingerprint: fingerprintA,
        libvirtUri: 'qemu:///system',
      },
    },
    {
      id: hostIds.kvm2,
      label: 'backup@kvm2.lab:2222',
      hasSecret: false,
      spec: {
        transport: 'ssh',
        address: 'kvm2.lab',
        port: 2222,
        username: 'backup',
        auth: 'key',
        keyPath: '/home/ops/.ssh/id_ed25519',
        hostKeyFingerprint: fingerprintB,
        libvirtUri: 'qemu:///system',
      },
    },
    {
      id: hostIds.kvm3,
      label: 'kvm3',
      hasSecret: false,
      spec: { transport: 'tcp', address: '10.0.0.13', port: 16509, libvirtUri: 'qemu:///system' },
    },
  ],
};

export function hostStatus(hostId: string, label: string, overrides: Partial<HostStatus> = {}): HostStatus {
  return {
    hostId,
    label,
    state: 'connected',
    error: null,
    hostname: `${label}.lab`,
    cpuModel: 'Intel Xeon E-2388G',
    cpus: 16,
    memoryBytes: 64 * 1024 ** 3,
    libvirtVersion: '10.0.0',
    hypervisorVersion: '8.2.2',
    checkedAt: '2025-05-01T10:00:00.000Z',
    ...overrides,
  };
}

export function vm(vmUuid: string, name: string, hostId: string, overrides: Partial<VmSummary> = {}): VmSummary {
  return {
    ref: { clusterId: clusterA.id, vmUuid },
    name,
    state: 'running',
    vcpus: 2,
    memoryBytes: 2 * 1024 ** 3,
    hostId,
    seenOnHostIds: [hostId],
    disks: [{ target: 'vda', path: `/var/lib/libvirt/images/${name}.qcow2`, format: 'qcow2', capacityBytes: 256 * 1024 ** 2, allocationBytes: 12 * 1024 ** 2 }],
    warnings: [],
    ...overrides,
  };
}

export function inventoryOf(vms: VmSummary[], updatedAt: string, hosts?: HostStatus[]): ClusterInventory {
  return {
    clusterId: clusterA.id,
    clusterName: clusterA.name,
    hosts: hosts ?? [hostStatus(hostIds.kvm1, 'kvm1'), hostStatus(hostIds.kvm2, 'kvm2'), hostStatus(hostIds.kvm3, 'kvm3')],
    vms,
    updatedAt,
  };
}

export const vmUuids = {
  web: '8d0c6a4e-1f2b-4c3d-9e8f-0a1b2c3d4e5f',
  db: '9e1d7b5f-2a3c-4d4e-8f9a-1b2c3d4e5f6a',
  mail: 'af2e8c60-3b4d-4e5f-9a0b-2c3d4e5f6a7b',
} as const;

/** A VM of a backup job, running on kvm1 and half way through its one disk. */
export function jobItem(name: keyof typeof vmUuids, overrides: Partial<JobItem> = {}): JobItem {
  return {
    key: vmUuids[name],
    vm: { clusterId: clusterA.id, vmUuid: vmUuids[name] },
    name,
    hostLabel: 'kvm1',
    state: 'running',
    phase: 'reading',
    disks: [{ target: 'vda', bytesDone: 512 * 1024 ** 2, bytesTotal: 1024 ** 3 }],
    bytesDone: 512 * 1024 ** 2,
    bytesTotal: 1024 ** 3,
    throughputBps: 100 * 1024 ** 2,
    etaSeconds: 5,
    startedAt: '2025-05-01T10:00:02.000Z',
    finishedAt: null,
    error: null,
    result: null,
    restoreResult: null,
    ...overrides,
  };
}

/** Snapshot number `seq` of the running backup job of Office rack (or of another job, by id). */
export function progressOf(seq: number, overrides: Partial<JobProgress> = {}): JobProgress {
  return {
    jobId: backupJob.id,
    seq,
    kind: 'backup',
    state: 'running',
    phase: null,
    title: `Cluster ${clusterA.name}`,
    subject: { kind: 'cluster', clusterName: clusterA.name },
    clusterId: clusterA.id,
    startedAt: '2025-05-01T10:00:01.000Z',
    updatedAt: new Date(Date.parse('2025-05-01T10:00:01.000Z') + seq * 250).toISOString(),
    bytesDone: seq * 10 * 1024 ** 2,
    bytesTotal: 2 * 1024 ** 3,
    throughputBps: 100 * 1024 ** 2,
    etaSeconds: 12,
    throughputHistory: [80, 95, 100].map((n) => n * 1024 ** 2),
    items: [jobItem('web'), jobItem('db', { state: 'queued', phase: null, hostLabel: null, bytesDone: 0, throughputBps: 0, etaSeconds: null, startedAt: null, disks: [] })],
    error: null,
    ...overrides,
  };
}

/** `jobs.get` of the backup job: its summary, a snapshot and two log lines. */
export function jobDetailOf(seq: number, overrides: Partial<JobDetail> = {}): JobDetail {
  return {
    summary: backupJob,
    progress: progressOf(seq),
    log: [
      { seq: 1, at: '2025-05-01T10:00:01.000Z', level: 'info', message: 'Backup of Office rack started: 2 VMs', itemKey: null },
      { seq: 2, at: '2025-05-01T10:00:02.000Z', level: 'info', message: 'web: reading vda from kvm1', itemKey: vmUuids.web },
    ],
    ...overrides,
  };
}

/** A restore point of a VM of Office rack. */
export function point(id: string, vm: keyof typeof vmUuids, createdAt: string, overrides: Partial<PointSummary> = {}): PointSummary {
  return {
    id,
    clusterId: clusterA.id,
    clusterName: clusterA.name,
    vmUuid: vmUuids[vm],
    vmName: vm,
    createdAt,
    completedAt: createdAt,
    type: 'incremental',
    fullReason: null,
    sourceHostLabel: 'kvm1',
    disks: [{ target: 'vda', capacityBytes: 10 * 1024 ** 3 }],
    bytesRead: 300 * 1024 ** 2,
    bytesAdded: 40 * 1024 ** 2,
    ...overrides,
  };
}

export const readyRepository: RepositoryStatus = {
  path: '/mnt/nas/lifeboat',
  state: 'ready',
  error: null,
  pointCount: 42,
  vmCount: 7,
  freeBytes: 3 * 1024 ** 4,
};

/** VM warnings of every code the engine reports, each way its sentence can go (two hosts or three, runs or not). */
export const vmWarningSamples: { readonly [Code in VmWarningCode]: readonly Extract<VmWarning, { code: Code }>[] } = {
  active_on_several: [
    { code: 'active_on_several', hosts: ['kvm1', 'kvm2'], using: 'kvm2' },
    { code: 'active_on_several', hosts: ['kvm1', 'kvm2', 'kvm3'], using: 'kvm1' },
  ],
  defined_on_several: [
    { code: 'defined_on_several', others: ['kvm1'], using: 'kvm2', running: true },
    { code: 'defined_on_several', others: ['kvm1', 'kvm3'], using: 'kvm2', running: false },
  ],
};
