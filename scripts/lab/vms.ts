// The lab's VMs: which exist, where they start, their domain XML, and writing their disk images.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { POOL_PATH_IN_HOST, uuidFromName } from './config.ts';
import { DATA_EXTENT_LAYOUT, DISK_CAPACITY_BYTES, diskSeed, writeRawImage } from './disk-content.ts';
import type { DiskContent } from './disk-content.ts';
import { mustRun } from './exec.ts';

export const VM_MEMORY_MIB = 64;
export const VM_NAME_PREFIX = 'lab-vm';

export interface DiskPlan extends DiskContent {
  target: string;
  fileName: string;
  /** The image path as libvirt on the VM's host sees it. */
  path: string;
}

export interface VmPlan {
  name: string;
  uuid: string;
  /** Host the VM is created on (tests may migrate it elsewhere later). */
  host: string;
  /** Started after creation; exactly one VM of the lab is left shut off. */
  running: boolean;
  disks: DiskPlan[];
}

function diskPlan(vmName: string, target: string): DiskPlan {
  const fileName = `${vmName}-${target}.qcow2`;
  return {
    target,
    fileName,
    path: `${POOL_PATH_IN_HOST}/${fileName}`,
    seed: diskSeed(vmName, target),
    capacityBytes: DISK_CAPACITY_BYTES,
    bootSector: target === 'vda',
    dataExtents: DATA_EXTENT_LAYOUT,
  };
}

/**
 * lab-vm1..lab-vmN round-robin over the hosts (lab-vm1 on lab1, lab-vm2 on lab2, ...). lab-vm2 has two disks
 * (vda + vdb); the last VM is the one left shut off; all others run.
 */
export function planVms(hostNames: readonly string[], total: number): VmPlan[] {
  if (total < 3) throw new Error(`the lab needs at least 3 VMs (a two-disk one, a shut off one, a plain running one), got ${total}`);
  const vms: VmPlan[] = [];
  for (let i = 1; i <= total; i++) {
    const name = `${VM_NAME_PREFIX}${i}`;
    const host = hostNames[(i - 1) % hostNames.length];
    if (host === undefined) throw new Error('no hosts');
    const targets = i === 2 ? ['vda', 'vdb'] : ['vda'];
    vms.push({ name, uuid: uuidFromName(`vm/${name}`), host, running: i !== total, disks: targets.map((t) => diskPlan(name, t)) });
  }
  return vms;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Tiny TCG guest: no network, no graphics, no balloon, no USB; boots the halting boot sector of vda. */
export function domainXml(vm: VmPlan): string {
  const disks = vm.disks
    .map(
      (d) => `    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${escapeXml(d.path)}'/>
      <target dev='${d.target}' bus='virtio'/>
    </disk>`,
    )
    .join('\n');
  return `<domain type='qemu'>
  <name>${escapeXml(vm.name)}</name>
  <uuid>${vm.uuid}</uuid>
  <description>Lifeboat lab VM (scripts/lab); disk content is deterministic, see docs/LAB.md</description>
  <memory unit='MiB'>${VM_MEMORY_MIB}</memory>
  <currentMemory unit='MiB'>${VM_MEMORY_MIB}</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
${disks}
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}

/**
 * Writes a disk image: a sparse raw file in tmpDir, converted to qcow2 (holes stay unallocated), moved into
 * place with a rename so a half-written image never sits in a pool.
 */
export async function writeDiskImage(disk: DiskPlan, destPath: string, tmpDir: string): Promise<void> {
  mkdirSync(tmpDir, { recursive: true });
  const raw = join(tmpDir, `${disk.fileName}.raw`);
  const qcow2 = join(tmpDir, disk.fileName);
  try {
    writeRawImage(raw, disk);
    await mustRun('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
    renameSync(qcow2, destPath);
  } finally {
    rmSync(raw, { force: true });
    rmSync(qcow2, { force: true });
  }
}
