// The domain XML a restore defines: the stored configuration adapted to the target host, every change and doubt
// listed. Inputs are real libvirt XML: a lab VM as libvirt 9 stores it, and a UEFI server VM as virt-manager makes
// one on a production host (networks, a bridge, macvtap, VNC on a fixed port, a static SELinux label, a genid,
// SMBIOS, an ISO, a shared read-only disk, a passed-through NIC, CPU pinning).
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import type { HostCapabilities, VolumeInfo } from '../../../electron/engine/hypervisors/driver.js';
import { parseDomainXml } from '../../../electron/engine/hypervisors/libvirt/domain-xml.js';
import { describeRestoreChange } from '../../../electron/engine/hypervisors/libvirt/restore-change.js';
import { describeRestoreWarning } from '../../../electron/engine/hypervisors/libvirt/restore-warning.js';
import {
  RestoreXmlError,
  adaptDomainXml,
  domainInterfaces,
  guestNeeds,
  randomMac,
  type RestoreXmlInput,
  type RestoreXmlTarget,
} from '../../../electron/engine/hypervisors/libvirt/restore-xml.js';

/** lab-vm1 as `virsh dumpxml --inactive` prints it on the lab (libvirt 9.0, QEMU 7.2). */
const LAB_XML = `<domain type='qemu'>
  <name>lab-vm1</name>
  <uuid>6b13a443-7916-5aab-ba29-9e13f9f4356f</uuid>
  <description>Lifeboat lab VM (scripts/lab); disk content is deterministic, see docs/LAB.md</description>
  <memory unit='KiB'>65536</memory>
  <currentMemory unit='KiB'>65536</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
    <boot dev='hd'/>
  </os>
  <cpu mode='custom' match='exact' check='none'>
    <model fallback='forbid'>qemu64</model>
  </cpu>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/lab-vm1-vda.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </disk>
    <controller type='usb' index='0' model='none'/>
    <controller type='pci' index='0' model='pci-root'/>
    <input type='mouse' bus='ps2'/>
    <input type='keyboard' bus='ps2'/>
    <audio id='1' type='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
`;

/** A UEFI server on a RHEL-like production host, as virt-manager defines it. */
const SERVER_XML = `<domain type='kvm'>
  <name>erp-db</name>
  <uuid>0b0e5c7a-1f2d-4e3c-9a8b-7c6d5e4f3a2b</uuid>
  <genid>8e1d5a3c-2b4f-4c6d-9e8f-0a1b2c3d4e5f</genid>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://microsoft.com/win/2k19"/>
    </libosinfo:libosinfo>
  </metadata>
  <memory unit='KiB'>8388608</memory>
  <currentMemory unit='KiB'>8388608</currentMemory>
  <vcpu placement='static'>4</vcpu>
  <cputune>
    <vcpupin vcpu='0' cpuset='4'/>
    <vcpupin vcpu='1' cpuset='5'/>
  </cputune>
  <sysinfo type='smbios'>
    <system>
      <entry name='manufacturer'>ACME</entry>
      <entry name='uuid'>0b0e5c7a-1f2d-4e3c-9a8b-7c6d5e4f3a2b</entry>
    </system>
  </sysinfo>
  <os>
    <type arch='x86_64' machine='pc-q35-rhel9.2.0'>hvm</type>
    <loader readonly='yes' secure='yes' type='pflash'>/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd</loader>
    <nvram template='/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd'>/var/lib/libvirt/qemu/nvram/erp-db_VARS.fd</nvram>
    <boot dev='hd'/>
    <smbios mode='sysinfo'/>
  </os>
  <features>
    <acpi/>
    <apic/>
    <smm state='on'/>
  </features>
  <cpu mode='host-passthrough' check='none' migratable='on'/>
  <clock offset='localtime'/>
  <devices>
    <emulator>/usr/libexec/qemu-kvm</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'/>
      <source file='/var/lib/libvirt/images/erp-db.qcow2' index='2'/>
      <backingStore type='file'>
        <format type='qcow2'/>
        <source file='/var/lib/libvirt/images/win2019-template.qcow2'/>
      </backingStore>
      <target dev='sda' bus='scsi'/>
      <boot order='1'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
    </disk>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native'/>
      <source dev='/dev/vg_data/erp-db-data'/>
      <target dev='sdb' bus='scsi'/>
      <serial>ERPDATA01</serial>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/srv/iso/virtio-win-0.1.240.iso'/>
      <target dev='sdc' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/srv/shared/licenses.img'/>
      <target dev='sdd' bus='scsi'/>
      <readonly/>
      <shareable/>
    </disk>
    <controller type='scsi' index='0' model='virtio-scsi'/>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:01'/>
      <source network='prod-lan' portgroup='vlan20'/>
      <model type='virtio'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:aa:bb:02'/>
      <source bridge='br-backup'/>
      <virtualport type='openvswitch'/>
      <target dev='erp-bkp0'/>
      <model type='virtio'/>
    </interface>
    <interface type='direct'>
      <mac address='52:54:00:aa:bb:03'/>
      <source dev='ens1f1' mode='bridge'/>
      <model type='virtio'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:04'/>
      <source network='default'/>
      <model type='e1000e'/>
    </interface>
    <graphics type='vnc' port='5907' autoport='no' listen='192.168.10.21'>
      <listen type='address' address='192.168.10.21'/>
    </graphics>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x3b' slot='0x00' function='0x1'/>
      </source>
    </hostdev>
  </devices>
  <seclabel type='static' model='selinux' relabel='yes'>
    <label>system_u:system_r:svirt_t:s0:c101,c202</label>
  </seclabel>
</domain>
`;

const CAPABILITIES: HostCapabilities = {
  securityModels: ['none', 'dac'],
  guests: [
    {
      osType: 'hvm',
      arch: 'x86_64',
      emulator: '/usr/bin/qemu-system-x86_64',
      machines: ['pc-i440fx-7.2', 'pc', 'pc-q35-7.2', 'q35'],
      virtTypes: [
        { type: 'qemu', emulator: null },
        { type: 'kvm', emulator: null },
      ],
    },
  ],
};

function target(overrides: Partial<RestoreXmlTarget> = {}): RestoreXmlTarget {
  return {
    label: 'kvm-c',
    networks: [
      { name: 'default', bridge: 'virbr0', active: true },
      { name: 'lan', bridge: 'br-lan', active: true },
    ],
    bridges: [{ name: 'br-lan', active: true }, { name: 'br-dmz', active: true }],
    capabilities: CAPABILITIES,
    firmwareImages: ['/usr/share/OVMF/OVMF_CODE_4M.secboot.fd', '/usr/share/OVMF/OVMF_CODE_4M.fd'],
    presentPaths: new Set(),
    ...overrides,
  };
}

const volume = (name: string, overrides: Partial<VolumeInfo> = {}): VolumeInfo => ({
  pool: 'default',
  name,
  path: `/var/lib/libvirt/images/${name}`,
  poolType: 'dir',
  ...overrides,
});

let macs = 0;
function input(overrides: Partial<RestoreXmlInput>): RestoreXmlInput {
  return {
    configXml: LAB_XML,
    name: 'lab-vm1-restored',
    uuid: '11111111-2222-4333-8444-555555555555',
    replace: false,
    disks: [{ target: 'vda', volume: volume('lab-vm1-restored-vda.qcow2'), format: 'qcow2' }],
    networkMap: {},
    target: target(),
    newMac: () => `52:54:00:00:00:${(++macs).toString(16).padStart(2, '0')}`,
    ...overrides,
  };
}

function dom(xml: string): Element {
  return new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
}

function all(root: Element, path: string): Element[] {
  let level: Element[] = [root];
  for (const name of path.split('/')) {
    level = level.flatMap((element) => Array.from(element.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).tagName === name));
  }
  return level;
}

function one(root: Element, path: string): Element | null {
  return all(root, path)[0] ?? null;
}

describe('adaptDomainXml: the lab VM as a copy on another host', () => {
  it('gets the new name and UUID, and its disk on the new volume; nothing else changes', () => {
    const result = adaptDomainXml(input({}));
    const parsed = parseDomainXml(result.xml);
    expect(parsed).toMatchObject({ name: 'lab-vm1-restored', uuid: '11111111-2222-4333-8444-555555555555', memoryBytes: 64 * 2 ** 20, vcpus: 1 });
    expect(parsed.disks).toEqual([
      { target: 'vda', device: 'disk', sourceType: 'file', path: '/var/lib/libvirt/images/lab-vm1-restored-vda.qcow2', pool: null, volume: null, format: 'qcow2', readOnly: false },
    ]);
    expect(result.changes).toEqual([
      { code: 'renamed', name: 'lab-vm1-restored', was: 'lab-vm1' },
      { code: 'new_uuid', uuid: '11111111-2222-4333-8444-555555555555' },
      { code: 'disk_volume', target: 'vda', pool: 'default', volume: 'lab-vm1-restored-vda.qcow2', format: 'qcow2', was: '/var/lib/libvirt/images/lab-vm1-vda.qcow2' },
    ]);
    expect(result.changes.map(describeRestoreChange)).toEqual([
      'Named lab-vm1-restored (was lab-vm1).',
      'New UUID 11111111-2222-4333-8444-555555555555, so the copy and the original are two VMs.',
      'Disk vda: default/lab-vm1-restored-vda.qcow2 (qcow2), was /var/lib/libvirt/images/lab-vm1-vda.qcow2.',
    ]);
    expect(result.warnings).toEqual([]);
    const root = dom(result.xml);
    // The guest's hardware stays as it was: the PCI slot of the disk, the machine type, the emulator.
    expect(one(root, 'devices/disk/address')?.getAttribute('slot')).toBe('0x02');
    expect(one(root, 'os/type')?.getAttribute('machine')).toBe('pc-i440fx-7.2');
    expect(one(root, 'devices/emulator')?.textContent).toBe('/usr/bin/qemu-system-x86_64');
    expect(one(root, 'description')?.textContent).toContain('Lifeboat lab VM');
  });

  it('as a raw volume of a block pool, and of a network pool', () => {
    const block = adaptDomainXml(input({ disks: [{ target: 'vda', volume: volume('vm1-vda.raw', { pool: 'vg0', path: '/dev/vg0/vm1-vda.raw', poolType: 'logical' }), format: 'raw' }] }));
    const disk = one(dom(block.xml), 'devices/disk')!;
    expect(disk.getAttribute('type')).toBe('block');
    expect(one(disk, 'source')?.getAttribute('dev')).toBe('/dev/vg0/vm1-vda.raw');
    expect(one(disk, 'driver')?.getAttribute('type')).toBe('raw');
    const network = adaptDomainXml(input({ disks: [{ target: 'vda', volume: volume('vm1-vda.raw', { pool: 'ceph', path: 'rbd/vm1-vda.raw', poolType: 'rbd' }), format: 'raw' }] }));
    const netDisk = one(dom(network.xml), 'devices/disk')!;
    expect(netDisk.getAttribute('type')).toBe('volume');
    expect(one(netDisk, 'source')?.getAttribute('pool')).toBe('ceph');
    expect(one(netDisk, 'source')?.getAttribute('volume')).toBe('vm1-vda.raw');
  });

  it('replacing the original keeps name and UUID and changes only the disk', () => {
    const result = adaptDomainXml(input({ name: 'lab-vm1', uuid: '6b13a443-7916-5aab-ba29-9e13f9f4356f', replace: true }));
    expect(result.changes).toEqual([
      { code: 'disk_volume', target: 'vda', pool: 'default', volume: 'lab-vm1-restored-vda.qcow2', format: 'qcow2', was: '/var/lib/libvirt/images/lab-vm1-vda.qcow2' },
    ]);
    expect(parseDomainXml(result.xml)).toMatchObject({ name: 'lab-vm1', uuid: '6b13a443-7916-5aab-ba29-9e13f9f4356f' });
  });

  it('takes the emulator of the target, or leaves the choice to it', () => {
    const elsewhere: HostCapabilities = { ...CAPABILITIES, guests: [{ ...CAPABILITIES.guests[0]!, emulator: '/usr/libexec/qemu-kvm' }] };
    const moved = adaptDomainXml(input({ target: target({ capabilities: elsewhere }) }));
    expect(one(dom(moved.xml), 'devices/emulator')?.textContent).toBe('/usr/libexec/qemu-kvm');
    expect(moved.changes).toContainEqual({ code: 'emulator_changed', emulator: '/usr/libexec/qemu-kvm', host: 'kvm-c', was: '/usr/bin/qemu-system-x86_64' });
    expect(moved.changes.map(describeRestoreChange)).toContain("Emulator /usr/libexec/qemu-kvm (kvm-c's), was /usr/bin/qemu-system-x86_64.");
    const none: HostCapabilities = { ...CAPABILITIES, guests: [{ ...CAPABILITIES.guests[0]!, emulator: null }] };
    const dropped = adaptDomainXml(input({ target: target({ capabilities: none }) }));
    expect(one(dom(dropped.xml), 'devices/emulator')).toBeNull();
    expect(dropped.changes).toContainEqual({ code: 'emulator_dropped', path: '/usr/bin/qemu-system-x86_64', host: 'kvm-c' });
    expect(dropped.changes.map(describeRestoreChange)).toContain('Emulator path /usr/bin/qemu-system-x86_64 dropped: kvm-c chooses its own.');
  });

  it('warns when the target cannot run the guest as defined', () => {
    const noArch = adaptDomainXml(input({ target: target({ capabilities: { securityModels: [], guests: [{ ...CAPABILITIES.guests[0]!, arch: 'aarch64' }] } }) }));
    expect(noArch.warnings).toEqual([{ code: 'guest_unsupported', host: 'kvm-c', arch: 'x86_64', osType: 'hvm' }]);
    expect(noArch.warnings.map(describeRestoreWarning)).toEqual(['kvm-c does not offer x86_64 hvm guests: the VM will not start there.']);
    const oldQemu: HostCapabilities = { ...CAPABILITIES, guests: [{ ...CAPABILITIES.guests[0]!, machines: ['pc-i440fx-6.2', 'pc'], virtTypes: [{ type: 'kvm', emulator: null }] }] };
    const result = adaptDomainXml(input({ target: target({ capabilities: oldQemu }) }));
    expect(result.warnings).toEqual([
      { code: 'virt_type_unsupported', host: 'kvm-c', virtType: 'qemu', arch: 'x86_64', offered: ['kvm'] },
      { code: 'machine_unsupported', host: 'kvm-c', machine: 'pc-i440fx-7.2', arch: 'x86_64', machines: ['pc-i440fx-6.2', 'pc'] },
    ]);
    expect(result.warnings.map(describeRestoreWarning)).toEqual([
      'kvm-c offers no qemu virtualization for x86_64 guests (it offers kvm): the VM will not start there until its type is changed.',
      "kvm-c's QEMU does not offer machine type pc-i440fx-7.2: the VM may not start there (its x86_64 machine types include pc-i440fx-6.2, pc).",
    ]);
  });

  it('refuses a disk the configuration does not have', () => {
    expect(() => adaptDomainXml(input({ disks: [{ target: 'vdz', volume: volume('x.qcow2'), format: 'qcow2' }] }))).toThrow(RestoreXmlError);
  });
});

describe('adaptDomainXml: a UEFI server with networks, a bridge and host-bound parts', () => {
  const serverInput = (overrides: Partial<RestoreXmlInput> = {}): RestoreXmlInput =>
    input({
      configXml: SERVER_XML,
      name: 'erp-db-test',
      disks: [
        { target: 'sda', volume: volume('erp-db-test-sda.qcow2'), format: 'qcow2' },
        { target: 'sdb', volume: volume('erp-db-test-sdb.raw', { pool: 'vg_fast', path: '/dev/vg_fast/erp-db-test-sdb.raw', poolType: 'logical' }), format: 'raw' },
      ],
      networkMap: { 'prod-lan': 'lan', 'br-backup': null },
      ...overrides,
    });

  it('as a copy: fresh identity, disks on their volumes, networks as mapped, host-bound parts fixed or flagged', () => {
    macs = 0;
    const result = adaptDomainXml(serverInput());
    const root = dom(result.xml);
    // Identity.
    expect(one(root, 'name')?.textContent).toBe('erp-db-test');
    expect(one(root, 'uuid')?.textContent).toBe('11111111-2222-4333-8444-555555555555');
    expect(one(root, 'genid')?.textContent).toBe('');
    const smbiosUuid = all(root, 'sysinfo/system/entry').find((e) => e.getAttribute('name') === 'uuid');
    expect(smbiosUuid?.textContent).toBe('11111111-2222-4333-8444-555555555555');
    // Disks: the chain of the old image is gone, the driver's tuning stays.
    const [sda, sdb, sdc, sdd] = all(root, 'devices/disk');
    expect(sda?.getAttribute('type')).toBe('file');
    expect(one(sda!, 'source')?.getAttribute('file')).toBe('/var/lib/libvirt/images/erp-db-test-sda.qcow2');
    expect(one(sda!, 'source')?.getAttribute('index')).toBeNull();
    expect(one(sda!, 'backingStore')).toBeNull();
    expect(one(sda!, 'driver')?.getAttribute('cache')).toBe('none');
    expect(one(sda!, 'boot')?.getAttribute('order')).toBe('1');
    expect(sdb?.getAttribute('type')).toBe('block');
    expect(one(sdb!, 'source')?.getAttribute('dev')).toBe('/dev/vg_fast/erp-db-test-sdb.raw');
    expect(one(sdb!, 'serial')?.textContent).toBe('ERPDATA01');
    // The ISO is not on the target: the CD-ROM is left empty; the shared disk that was not backed up is left out.
    expect(one(sdc!, 'source')).toBeNull();
    expect(sdd).toBeUndefined();
    // Interfaces: prod-lan → lan (port group dropped), br-backup left out as chosen, macvtap kept, default kept.
    const interfaces = all(root, 'devices/interface');
    expect(interfaces.map((i) => [i.getAttribute('type'), one(i, 'source')?.getAttribute('network') ?? one(i, 'source')?.getAttribute('bridge') ?? one(i, 'source')?.getAttribute('dev')])).toEqual([
      ['network', 'lan'],
      ['direct', 'ens1f1'],
      ['network', 'default'],
    ]);
    expect(one(interfaces[0]!, 'source')?.getAttribute('portgroup')).toBeNull();
    expect(interfaces.map((i) => one(i, 'mac')?.getAttribute('address'))).toEqual(['52:54:00:00:00:01', '52:54:00:00:00:02', '52:54:00:00:00:03']);
    expect(interfaces.map((i) => one(i, 'model')?.getAttribute('type'))).toEqual(['virtio', 'virtio', 'e1000e']);
    // Firmware: the loader the target does not offer is flagged; the copy gets its own UEFI variable store.
    expect(one(root, 'os/loader')?.textContent).toBe('/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd');
    const nvram = one(root, 'os/nvram')!;
    expect(nvram.textContent).toBe('');
    expect(nvram.getAttribute('template')).toBe('/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd');
    // The static SELinux label goes (a copy must not share it; the target has no SELinux anyway).
    expect(one(root, 'seclabel')).toBeNull();
    // VNC on a free port; the metadata stays.
    const graphics = one(root, 'devices/graphics')!;
    expect(graphics.getAttribute('autoport')).toBe('yes');
    expect(graphics.getAttribute('port')).toBeNull();
    expect(result.xml).toContain('libosinfo:os id="http://microsoft.com/win/2k19"');

    expect(result.changes).toEqual([
      { code: 'renamed', name: 'erp-db-test', was: 'erp-db' },
      { code: 'new_uuid', uuid: '11111111-2222-4333-8444-555555555555' },
      { code: 'genid_renewed' },
      { code: 'smbios_uuid' },
      { code: 'emulator_changed', emulator: '/usr/bin/qemu-system-x86_64', host: 'kvm-c', was: '/usr/libexec/qemu-kvm' },
      { code: 'nvram_not_shared', path: '/var/lib/libvirt/qemu/nvram/erp-db_VARS.fd', host: 'kvm-c', name: 'erp-db-test' },
      { code: 'security_label_unused', model: 'selinux', host: 'kvm-c' },
      { code: 'disk_volume', target: 'sda', pool: 'default', volume: 'erp-db-test-sda.qcow2', format: 'qcow2', was: '/var/lib/libvirt/images/erp-db.qcow2' },
      { code: 'disk_volume', target: 'sdb', pool: 'vg_fast', volume: 'erp-db-test-sdb.raw', format: 'raw', was: '/dev/vg_data/erp-db-data' },
      { code: 'nic_moved', nic: '52:54:00:aa:bb:01', from: { type: 'network', name: 'prod-lan' }, to: { type: 'network', name: 'lan' } },
      { code: 'nic_new_mac', nic: '52:54:00:aa:bb:01', mac: '52:54:00:00:00:01' },
      { code: 'nic_left_out', nic: '52:54:00:aa:bb:02', source: { type: 'bridge', name: 'br-backup' } },
      { code: 'nic_new_mac', nic: '52:54:00:aa:bb:03', mac: '52:54:00:00:00:02' },
      { code: 'nic_new_mac', nic: '52:54:00:aa:bb:04', mac: '52:54:00:00:00:03' },
      { code: 'display_port', display: 'VNC', port: '5907' },
    ]);
    expect(result.changes.map(describeRestoreChange)).toEqual([
      'Named erp-db-test (was erp-db).',
      'New UUID 11111111-2222-4333-8444-555555555555, so the copy and the original are two VMs.',
      'VM generation ID renewed (the guest sees it was restored).',
      'SMBIOS system UUID set to the new UUID.',
      "Emulator /usr/bin/qemu-system-x86_64 (kvm-c's), was /usr/libexec/qemu-kvm.",
      'UEFI variable store /var/lib/libvirt/qemu/nvram/erp-db_VARS.fd not shared with the original: kvm-c creates one for erp-db-test from the firmware\'s template.',
      'Security label for selinux dropped: kvm-c does not use selinux.',
      'Disk sda: default/erp-db-test-sda.qcow2 (qcow2), was /var/lib/libvirt/images/erp-db.qcow2.',
      'Disk sdb: vg_fast/erp-db-test-sdb.raw (raw), was /dev/vg_data/erp-db-data.',
      'Interface 52:54:00:aa:bb:01 moved from network prod-lan to network lan.',
      'Interface 52:54:00:aa:bb:01: new MAC address 52:54:00:00:00:01, so the copy and the original can share a network.',
      'Interface 52:54:00:aa:bb:02 on bridge br-backup left out, as chosen.',
      'Interface 52:54:00:aa:bb:03: new MAC address 52:54:00:00:00:02, so the copy and the original can share a network.',
      'Interface 52:54:00:aa:bb:04: new MAC address 52:54:00:00:00:03, so the copy and the original can share a network.',
      'VNC display on a free port (the original uses 5907).',
    ]);
    expect(result.warnings.map((warning) => warning.code)).toEqual([
      'machine_unsupported',
      'firmware_unoffered',
      'nvram_not_backed_up',
      'removable_missing',
      'disk_left_out',
      'nic_host_device',
      'display_listen',
      'host_devices',
      'cpu_pinning',
    ]);
    expect(result.warnings.map(describeRestoreWarning)).toEqual([
      "kvm-c's QEMU does not offer machine type pc-q35-rhel9.2.0: the VM may not start there (its x86_64 machine types include pc-i440fx-7.2, pc, pc-q35-7.2, q35).",
      'The VM boots /usr/share/edk2/ovmf/OVMF_CODE.secboot.fd, which kvm-c does not offer (it has /usr/share/OVMF/OVMF_CODE_4M.secboot.fd, /usr/share/OVMF/OVMF_CODE_4M.fd): change the loader, or the VM will not start.',
      'UEFI variables (boot entries, Secure Boot keys) are not in backups: the restored VM starts from the firmware defaults.',
      'CD-ROM sdc: /srv/iso/virtio-win-0.1.240.iso is not on kvm-c; left empty.',
      'Disk sdd (/srv/shared/licenses.img) was not backed up and is not on kvm-c: left out of the VM.',
      'Interface 52:54:00:aa:bb:03 uses host device ens1f1 directly: check kvm-c has it.',
      'The VNC display listens on 192.168.10.21: if that is not an address of kvm-c, the VM will not start.',
      '1 host device is passed through to the VM: check kvm-c has it, and that the original does not run at the same time.',
      'CPU pinning kept as it was: check that kvm-c has those CPUs.',
    ]);
  });

  it('an unmapped network the target lacks is left out with a warning; a bridge onto a bridge; media present stay', () => {
    const result = adaptDomainXml(
      serverInput({
        networkMap: { 'br-backup': 'br-dmz' },
        target: target({ presentPaths: new Set(['/srv/iso/virtio-win-0.1.240.iso', '/srv/shared/licenses.img']) }),
      }),
    );
    const root = dom(result.xml);
    const interfaces = all(root, 'devices/interface');
    expect(interfaces.map((i) => i.getAttribute('type'))).toEqual(['bridge', 'direct', 'network']);
    const bridge = interfaces[0]!;
    expect(one(bridge, 'source')?.getAttribute('bridge')).toBe('br-dmz');
    // The Open vSwitch port profile and the fixed tap name belonged to the old host.
    expect(one(bridge, 'virtualport')).toBeNull();
    expect(one(bridge, 'target')).toBeNull();
    expect(result.warnings.map(describeRestoreWarning)).toContain(
      'Interface 52:54:00:aa:bb:01 was on network prod-lan, which kvm-c does not have: left out (map it to a network of kvm-c, or add an interface later).',
    );
    expect(result.changes).toContainEqual({ code: 'nic_device_dropped', nic: '52:54:00:aa:bb:02', device: 'erp-bkp0' });
    expect(result.changes).toContainEqual({ code: 'nic_moved', nic: '52:54:00:aa:bb:02', from: { type: 'bridge', name: 'br-backup' }, to: { type: 'bridge', name: 'br-dmz' } });
    expect(result.changes.map(describeRestoreChange)).toContain('Interface 52:54:00:aa:bb:02: fixed host device name erp-bkp0 dropped (the original uses it).');
    expect(result.changes.map(describeRestoreChange)).toContain('Interface 52:54:00:aa:bb:02 moved from bridge br-backup to bridge br-dmz.');
    const disks = all(root, 'devices/disk');
    expect(one(disks[2]!, 'source')?.getAttribute('file')).toBe('/srv/iso/virtio-win-0.1.240.iso');
    expect(one(disks[3]!, 'source')?.getAttribute('file')).toBe('/srv/shared/licenses.img');
    expect(result.warnings).toContainEqual({ code: 'disk_kept', target: 'sdd', source: '/srv/shared/licenses.img', shared: false });
    expect(result.warnings.map(describeRestoreWarning)).toContain('Disk sdd (/srv/shared/licenses.img) was not backed up and is kept as it was.');
  });

  it('a network mapped to one the target does not have is refused', () => {
    expect(() => adaptDomainXml(serverInput({ networkMap: { 'prod-lan': 'nowhere' } }))).toThrow(/kvm-c has no network or bridge named nowhere \(chosen for the interfaces on prod-lan\)/);
  });

  it('a host that cannot list its bridges: bridge interfaces kept, with a warning', () => {
    const result = adaptDomainXml(serverInput({ networkMap: {}, target: target({ bridges: null }) }));
    const types = all(dom(result.xml), 'devices/interface').map((i) => i.getAttribute('type'));
    expect(types).toEqual(['bridge', 'direct', 'network']);
    expect(result.warnings.map(describeRestoreWarning)).toContain('Interface 52:54:00:aa:bb:02 is on bridge br-backup: kvm-c cannot list its bridges, check it exists there.');
  });

  it('a network that exists but is not running is kept, with a warning', () => {
    const result = adaptDomainXml(serverInput({ target: target({ networks: [{ name: 'default', bridge: 'virbr0', active: false }, { name: 'lan', bridge: 'br-lan', active: true }] }) }));
    expect(result.warnings.map(describeRestoreWarning)).toContain('Interface 52:54:00:aa:bb:04 is on network default, which is not running on kvm-c: start it before the VM.');
  });

  it('replacing the original keeps its MAC addresses, ports, labels and UEFI variables', () => {
    const result = adaptDomainXml(
      serverInput({
        name: 'erp-db',
        uuid: '0b0e5c7a-1f2d-4e3c-9a8b-7c6d5e4f3a2b',
        replace: true,
        networkMap: { 'br-backup': 'br-lan' },
        target: target({ capabilities: { ...CAPABILITIES, securityModels: ['selinux', 'dac'] }, networks: [{ name: 'prod-lan', bridge: 'virbr1', active: true }, { name: 'default', bridge: 'virbr0', active: true }] }),
      }),
    );
    const root = dom(result.xml);
    expect(all(root, 'devices/interface').map((i) => one(i, 'mac')?.getAttribute('address'))).toEqual(['52:54:00:aa:bb:01', '52:54:00:aa:bb:02', '52:54:00:aa:bb:03', '52:54:00:aa:bb:04']);
    expect(one(root, 'devices/graphics')?.getAttribute('port')).toBe('5907');
    expect(one(root, 'seclabel/label')?.textContent).toBe('system_u:system_r:svirt_t:s0:c101,c202');
    expect(one(root, 'os/nvram')?.textContent).toBe('/var/lib/libvirt/qemu/nvram/erp-db_VARS.fd');
    // Still a restore: the generation ID is renewed, the old image chain dropped.
    expect(result.changes.map((c) => c.code)).toEqual(['genid_renewed', 'emulator_changed', 'disk_volume', 'disk_volume', 'nic_moved']);
    expect(result.changes.map(describeRestoreChange)).toContain('VM generation ID renewed (the guest sees it was restored).');
  });

  it('firmware chosen by libvirt is chosen again on the target', () => {
    const auto = SERVER_XML.replace('<os>', "<os firmware='efi'>");
    const result = adaptDomainXml(serverInput({ configXml: auto }));
    expect(one(dom(result.xml), 'os/loader')?.textContent).toBe('');
    expect(result.changes).toContainEqual({ code: 'firmware_dropped', path: '/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd', host: 'kvm-c', firmware: 'efi' });
    expect(result.changes.map(describeRestoreChange)).toContain('Firmware /usr/share/edk2/ovmf/OVMF_CODE.secboot.fd dropped: kvm-c picks its own efi firmware.');
    const noList = adaptDomainXml(serverInput({ target: target({ firmwareImages: [] }) }));
    expect(noList.warnings.map(describeRestoreWarning)).toContain('The VM boots /usr/share/edk2/ovmf/OVMF_CODE.secboot.fd, and kvm-c lists no firmware images: check the file exists there.');
  });

  it("a copy drops a static label the target could use, and a definition's run-time labels", () => {
    const withSelinux = target({ capabilities: { ...CAPABILITIES, securityModels: ['selinux', 'dac'] } });
    const copy = adaptDomainXml(serverInput({ target: withSelinux }));
    expect(one(dom(copy.xml), 'seclabel')).toBeNull();
    expect(copy.changes).toContainEqual({ code: 'security_label_static', model: 'selinux', host: 'kvm-c' });
    expect(copy.changes.map(describeRestoreChange)).toContain(
      "Static security label (selinux) dropped: the copy must not share the original's label; kvm-c gives it its own.",
    );

    const live = SERVER_XML.replace(
      /<seclabel type='static'[\s\S]*?<\/seclabel>/,
      "<seclabel type='dynamic' model='selinux' relabel='yes'><label>system_u:system_r:svirt_t:s0:c7,c8</label><imagelabel>system_u:object_r:svirt_image_t:s0:c7,c8</imagelabel></seclabel>",
    );
    const result = adaptDomainXml(serverInput({ configXml: live, target: withSelinux }));
    const label = one(dom(result.xml), 'seclabel')!;
    expect(label.getAttribute('type')).toBe('dynamic');
    expect(one(label, 'label')).toBeNull();
    expect(one(label, 'imagelabel')).toBeNull();
    expect(result.changes).toContainEqual({ code: 'security_label_runtime', model: 'selinux' });
    expect(result.changes.map(describeRestoreChange)).toContain('Run-time security labels (selinux) dropped.');
  });
});

describe('what a restore asks about a configuration', () => {
  it('lists the interfaces and what they are on', () => {
    expect(domainInterfaces(SERVER_XML)).toEqual([
      { type: 'network', name: 'prod-lan', mac: '52:54:00:aa:bb:01' },
      { type: 'bridge', name: 'br-backup', mac: '52:54:00:aa:bb:02' },
      { type: 'direct', name: 'ens1f1', mac: '52:54:00:aa:bb:03' },
      { type: 'network', name: 'default', mac: '52:54:00:aa:bb:04' },
    ]);
    expect(domainInterfaces(LAB_XML)).toEqual([]);
  });

  it('says what the guest needs from the host', () => {
    expect(guestNeeds(SERVER_XML)).toEqual({
      arch: 'x86_64',
      virtType: 'kvm',
      machine: 'pc-q35-rhel9.2.0',
      usesFirmware: true,
      diskPaths: [
        { target: 'sda', path: '/var/lib/libvirt/images/erp-db.qcow2' },
        { target: 'sdb', path: '/dev/vg_data/erp-db-data' },
        { target: 'sdc', path: '/srv/iso/virtio-win-0.1.240.iso' },
        { target: 'sdd', path: '/srv/shared/licenses.img' },
      ],
    });
    expect(guestNeeds(LAB_XML)).toMatchObject({ arch: 'x86_64', virtType: 'qemu', usesFirmware: false });
  });

  it('makes locally administered MAC addresses in QEMU’s range', () => {
    expect(randomMac(() => Uint8Array.from([0xab, 0x01, 0xff]))).toBe('52:54:00:ab:01:ff');
  });
});
