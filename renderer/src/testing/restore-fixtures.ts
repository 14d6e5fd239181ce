// Values of the restore contract for the wizard's tests: where a point of `web` (10 GiB) can go in Office rack,
// the engine's plan, and the restore job's snapshots.
import type { JobProgress } from '../../../shared/model/job.js';
import type {
  RestoreChange,
  RestoreChangeCode,
  RestorePlanView,
  RestoreTargetHost,
  RestoreTargets,
  RestoreWarning,
  RestoreWarningCode,
} from '../../../shared/model/restore.js';
import { clusterA, hostIds, jobItem, point, progressOf, vmUuids } from './fixtures.js';

const GiB = 1024 ** 3;

export const restorePointIds = {
  webNew: '00000000-0000-4000-8000-000000000002',
  webOld: '00000000-0000-4000-8000-000000000001',
  db: '00000000-0000-4000-8000-000000000003',
} as const;

/** web twice (newest first in the list), db once. */
export const restorePoints = [
  point(restorePointIds.webNew, 'web', '2025-05-02T02:00:00.000Z', { sourceHostLabel: 'kvm1' }),
  point(restorePointIds.db, 'db', '2025-05-01T03:00:00.000Z', { sourceHostLabel: 'kvm2', type: 'full' }),
  point(restorePointIds.webOld, 'web', '2025-05-01T02:00:00.000Z', { sourceHostLabel: 'kvm1', type: 'full' }),
];

export function pool(name: string, overrides: Partial<RestoreTargetHost['pools'][number]> = {}): RestoreTargetHost['pools'][number] {
  return { name, type: 'dir', active: true, capacityBytes: 500 * GiB, availableBytes: 200 * GiB, fileBased: true, ...overrides };
}

export function targetHost(hostId: string, label: string, overrides: Partial<RestoreTargetHost> = {}): RestoreTargetHost {
  return {
    hostId,
    label,
    state: 'connected',
    error: null,
    pools: [pool('default')],
    networks: [{ name: 'default', bridge: 'virbr0', active: true }],
    bridges: [{ name: 'virbr0', active: true }, { name: 'br0', active: true }],
    hasOriginal: false,
    ...overrides,
  };
}

/**
 * web's point: kvm1 has the original and room; kvm2 has only a small pool, an LVM pool and lacks the network
 * `office`; kvm3 does not answer.
 */
export function webTargets(overrides: Partial<RestoreTargets> = {}): RestoreTargets {
  return {
    pointId: restorePointIds.webNew,
    clusterId: clusterA.id,
    requiredBytes: 10 * GiB,
    interfaces: [
      { type: 'network', name: 'office', mac: '52:54:00:00:00:01' },
      { type: 'bridge', name: 'br0', mac: '52:54:00:00:00:02' },
    ],
    hosts: [
      targetHost(hostIds.kvm1, 'kvm1', { hasOriginal: true, networks: [{ name: 'office', bridge: 'virbr1', active: true }] }),
      targetHost(hostIds.kvm2, 'kvm2', {
        pools: [pool('default', { availableBytes: 2 * GiB }), pool('vg0', { type: 'logical', fileBased: false, availableBytes: 50 * GiB }), pool('old', { active: false })],
      }),
      targetHost(hostIds.kvm3, 'kvm3', { state: 'unreachable', error: { code: 'unavailable', message: 'connect ECONNREFUSED 10.0.0.13:16509' }, pools: [], networks: [], bridges: null }),
    ],
    ...overrides,
  };
}

export function planFor(overrides: Partial<RestorePlanView> = {}): RestorePlanView {
  return {
    host: 'kvm2',
    name: 'web-restored',
    uuid: '5a5a5a5a-1111-4222-8333-444455556666',
    replace: false,
    format: 'raw',
    pool: 'vg0',
    disks: [{ target: 'vda', capacityBytes: 10 * GiB, volume: 'web-restored-vda.raw' }],
    requiredBytes: 10 * GiB,
    availableBytes: 50 * GiB,
    changes: [{ code: 'nic_left_out', nic: '52:54:00:00:00:01', source: { type: 'network', name: 'office' } }],
    warnings: [{ code: 'disk_kept', target: 'vdb', source: '/dev/sdb', shared: false }],
    ...overrides,
  };
}

/**
 * Changes of every code the engine reports, each way its sentence can go (a value present or missing, each kind of
 * network source), as a restore of web to kvm2 would have them.
 */
export const restoreChangeSamples: { readonly [Code in RestoreChangeCode]: readonly Extract<RestoreChange, { code: Code }>[] } = {
  renamed: [{ code: 'renamed', name: 'web-restored', was: 'web' }],
  new_uuid: [{ code: 'new_uuid', uuid: '5a5a5a5a-1111-4222-8333-444455556666' }],
  genid_renewed: [{ code: 'genid_renewed' }],
  smbios_uuid: [{ code: 'smbios_uuid' }],
  emulator_dropped: [
    { code: 'emulator_dropped', path: '/usr/bin/qemu-system-x86_64', host: 'kvm2' },
    { code: 'emulator_dropped', path: null, host: 'kvm2' },
  ],
  emulator_changed: [
    { code: 'emulator_changed', emulator: '/usr/libexec/qemu-kvm', host: 'kvm2', was: '/usr/bin/qemu-system-x86_64' },
    { code: 'emulator_changed', emulator: '/usr/libexec/qemu-kvm', host: 'kvm2', was: null },
  ],
  security_label_unused: [{ code: 'security_label_unused', model: 'selinux', host: 'kvm2' }],
  security_label_static: [
    { code: 'security_label_static', model: 'selinux', host: 'kvm2' },
    { code: 'security_label_static', model: null, host: 'kvm2' },
  ],
  security_label_runtime: [
    { code: 'security_label_runtime', model: 'dac' },
    { code: 'security_label_runtime', model: null },
  ],
  firmware_dropped: [{ code: 'firmware_dropped', path: '/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd', host: 'kvm2', firmware: 'efi' }],
  nvram_not_shared: [{ code: 'nvram_not_shared', path: '/var/lib/libvirt/qemu/nvram/web_VARS.fd', host: 'kvm2', name: 'web-restored' }],
  disk_volume: [
    { code: 'disk_volume', target: 'vda', pool: 'vg0', volume: 'web-restored-vda.raw', format: 'raw', was: '/var/lib/libvirt/images/web-vda.qcow2' },
    { code: 'disk_volume', target: 'vdb', pool: 'default', volume: 'web-restored-vdb.qcow2', format: 'qcow2', was: null },
  ],
  nic_left_out: [
    { code: 'nic_left_out', nic: '52:54:00:00:00:01', source: { type: 'network', name: 'office' } },
    { code: 'nic_left_out', nic: 'bridge', source: { type: 'bridge', name: 'br-backup' } },
  ],
  nic_moved: [
    { code: 'nic_moved', nic: '52:54:00:00:00:02', from: { type: 'network', name: 'prod-lan' }, to: { type: 'bridge', name: 'br-lan' } },
    { code: 'nic_moved', nic: '52:54:00:00:00:03', from: { type: 'bridge', name: 'br-dmz' }, to: { type: 'network', name: 'default' } },
  ],
  nic_new_mac: [{ code: 'nic_new_mac', nic: '52:54:00:00:00:02', mac: '52:54:00:12:34:56' }],
  nic_device_dropped: [{ code: 'nic_device_dropped', nic: '52:54:00:00:00:02', device: 'web-tap0' }],
  display_port: [{ code: 'display_port', display: 'VNC', port: '5907' }],
};

/**
 * Warnings of every code the engine reports, each way its sentence can go (a value present or missing, one or many,
 * a copy or a replace), as a restore of web to kvm2 would have them.
 */
export const restoreWarningSamples: { readonly [Code in RestoreWarningCode]: readonly Extract<RestoreWarning, { code: Code }>[] } = {
  guest_unsupported: [
    { code: 'guest_unsupported', host: 'kvm2', arch: 'aarch64', osType: 'hvm' },
    { code: 'guest_unsupported', host: 'kvm2', arch: null, osType: 'hvm' },
  ],
  virt_type_unsupported: [
    { code: 'virt_type_unsupported', host: 'kvm2', virtType: 'kvm', arch: 'x86_64', offered: ['qemu'] },
    { code: 'virt_type_unsupported', host: 'kvm2', virtType: 'kvm', arch: 'x86_64', offered: [] },
  ],
  machine_unsupported: [
    { code: 'machine_unsupported', host: 'kvm2', machine: 'pc-q35-9.0', arch: 'x86_64', machines: ['pc-q35-8.2', 'pc-i440fx-8.2', 'q35', 'pc'] },
  ],
  firmware_unlisted: [{ code: 'firmware_unlisted', path: '/usr/share/OVMF/OVMF_CODE.fd', host: 'kvm2' }],
  firmware_unoffered: [
    { code: 'firmware_unoffered', path: '/usr/share/OVMF/OVMF_CODE.fd', host: 'kvm2', offered: ['/usr/share/edk2/ovmf/OVMF_CODE.fd', '/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd'] },
  ],
  nvram_not_backed_up: [{ code: 'nvram_not_backed_up' }],
  removable_missing: [
    { code: 'removable_missing', device: 'cdrom', target: 'sda', path: '/var/lib/libvirt/images/install.iso', host: 'kvm2' },
    { code: 'removable_missing', device: 'floppy', target: 'fda', path: '/var/lib/libvirt/images/drivers.img', host: 'kvm2' },
  ],
  disk_left_out: [{ code: 'disk_left_out', target: 'vdc', path: '/dev/sdc', host: 'kvm2' }],
  disk_kept: [
    { code: 'disk_kept', target: 'vdb', source: '/dev/sdb', shared: false },
    { code: 'disk_kept', target: 'vdc', source: '/dev/sdc', shared: true },
    { code: 'disk_kept', target: 'vdd', source: null, shared: false },
  ],
  nic_host_device: [
    { code: 'nic_host_device', nic: '52:54:00:00:00:04', device: 'eno1', host: 'kvm2' },
    { code: 'nic_host_device', nic: 'direct', device: null, host: 'kvm2' },
  ],
  nic_other_type: [{ code: 'nic_other_type', nic: '52:54:00:00:00:05', type: 'vhostuser', host: 'kvm2' }],
  bridges_unlisted: [{ code: 'bridges_unlisted', bridge: 'br-lan', host: 'kvm2' }],
  nic_source_missing: [
    { code: 'nic_source_missing', nic: '52:54:00:00:00:01', source: { type: 'network', name: 'office' }, host: 'kvm2' },
    { code: 'nic_source_missing', nic: '52:54:00:00:00:03', source: { type: 'bridge', name: 'br-dmz' }, host: 'kvm2' },
  ],
  nic_bridge_unknown: [{ code: 'nic_bridge_unknown', nic: '52:54:00:00:00:03', bridge: 'br-dmz', host: 'kvm2' }],
  nic_network_inactive: [{ code: 'nic_network_inactive', nic: '52:54:00:00:00:02', network: 'prod-lan', host: 'kvm2' }],
  display_listen: [{ code: 'display_listen', display: 'SPICE', address: '192.168.10.21', host: 'kvm2' }],
  host_devices: [
    { code: 'host_devices', count: 1, host: 'kvm2', copy: true },
    { code: 'host_devices', count: 2, host: 'kvm2', copy: true },
    { code: 'host_devices', count: 1, host: 'kvm2', copy: false },
    { code: 'host_devices', count: 3, host: 'kvm2', copy: false },
  ],
  cpu_pinning: [{ code: 'cpu_pinning', host: 'kvm2' }],
  not_started: [{ code: 'not_started', error: 'network office is not active' }],
  original_disks_kept: [{ code: 'original_disks_kept', disks: ['/dev/sdc', '/var/lib/libvirt/images/web-vdd.qcow2'] }],
};

export const restoreJobId = 'c3e5a7b9-1d2f-4a6b-8c0e-2f4a6c8e0a2c';

/** Snapshot `seq` of the restore job of web to kvm2. */
export function restoreProgress(seq: number, overrides: Partial<JobProgress> = {}, item: Parameters<typeof jobItem>[1] = {}): JobProgress {
  return progressOf(seq, {
    jobId: restoreJobId,
    kind: 'restore',
    title: 'web to kvm2 as web-restored',
    subject: { kind: 'restore', vmName: 'web', host: 'kvm2', asName: 'web-restored' },
    items: [
      jobItem('web', {
        key: restorePointIds.webNew,
        vm: { clusterId: clusterA.id, vmUuid: vmUuids.web },
        name: 'web-restored',
        hostLabel: 'kvm2',
        phase: 'uploading',
        disks: [{ target: 'vda', bytesDone: 4 * GiB, bytesTotal: 10 * GiB }],
        bytesDone: 4 * GiB,
        bytesTotal: 10 * GiB,
        ...item,
      }),
    ],
    ...overrides,
  });
}
