// The XML a libvirt host describes itself with, as the lab's libvirt 9.0 prints it (trimmed where long), and as
// production hosts do (SELinux, a bridge, a NAT network, OVMF firmware).
import { describe, expect, it } from 'vitest';
import {
  parseCapabilitiesXml,
  parseFirmwareImages,
  parseInterfaceXml,
  parseNetworkXml,
  parsePoolXml,
} from '../../../electron/engine/hypervisors/libvirt/host-xml.js';

const LAB_CAPABILITIES = `<capabilities>
  <host>
    <uuid>e2440ff6-abf6-5492-9e6d-447bf464ab23</uuid>
    <cpu><arch>x86_64</arch><model>kvm64</model></cpu>
    <secmodel>
      <model>none</model>
      <doi>0</doi>
    </secmodel>
    <secmodel>
      <model>dac</model>
      <doi>0</doi>
      <baselabel type='kvm'>+0:+0</baselabel>
      <baselabel type='qemu'>+0:+0</baselabel>
    </secmodel>
  </host>
  <guest>
    <os_type>hvm</os_type>
    <arch name='i686'>
      <wordsize>32</wordsize>
      <emulator>/usr/bin/qemu-system-i386</emulator>
      <machine maxCpus='255'>pc-i440fx-7.2</machine>
      <machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine>
      <domain type='qemu'/>
      <domain type='kvm'/>
    </arch>
  </guest>
  <guest>
    <os_type>hvm</os_type>
    <arch name='x86_64'>
      <wordsize>64</wordsize>
      <emulator>/usr/bin/qemu-system-x86_64</emulator>
      <machine maxCpus='255'>pc-i440fx-7.2</machine>
      <machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine>
      <machine maxCpus='288'>pc-q35-7.2</machine>
      <machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>
      <domain type='qemu'/>
      <domain type='kvm'>
        <emulator>/usr/libexec/qemu-kvm</emulator>
        <machine>pc-q35-rhel9.2.0</machine>
      </domain>
    </arch>
    <features><acpi default='on' toggle='yes'/></features>
  </guest>
</capabilities>`;

const DOMAIN_CAPABILITIES = `<domainCapabilities>
  <path>/usr/libexec/qemu-kvm</path>
  <domain>kvm</domain>
  <machine>pc-q35-rhel9.2.0</machine>
  <arch>x86_64</arch>
  <os supported='yes'>
    <enum name='firmware'><value>efi</value></enum>
    <loader supported='yes'>
      <value>/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd</value>
      <value>/usr/share/edk2/ovmf/OVMF_CODE.fd</value>
      <enum name='type'><value>rom</value><value>pflash</value></enum>
    </loader>
  </os>
</domainCapabilities>`;

describe('host XML', () => {
  it('reads capabilities: security drivers, guest arches with their machine types and emulators', () => {
    const caps = parseCapabilitiesXml(LAB_CAPABILITIES);
    expect(caps.securityModels).toEqual(['none', 'dac']);
    expect(caps.guests).toEqual([
      { osType: 'hvm', arch: 'i686', emulator: '/usr/bin/qemu-system-i386', machines: ['pc-i440fx-7.2', 'pc'], virtTypes: [{ type: 'qemu', emulator: null }, { type: 'kvm', emulator: null }] },
      {
        osType: 'hvm',
        arch: 'x86_64',
        emulator: '/usr/bin/qemu-system-x86_64',
        machines: ['pc-i440fx-7.2', 'pc', 'pc-q35-7.2', 'q35', 'pc-q35-rhel9.2.0'],
        virtTypes: [
          { type: 'qemu', emulator: null },
          { type: 'kvm', emulator: '/usr/libexec/qemu-kvm' },
        ],
      },
    ]);
  });

  it('reads the firmware images of domain capabilities (none on the lab)', () => {
    expect(parseFirmwareImages(DOMAIN_CAPABILITIES)).toEqual(['/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd', '/usr/share/edk2/ovmf/OVMF_CODE.fd']);
    expect(parseFirmwareImages("<domainCapabilities><os supported='yes'><enum name='firmware'/><loader supported='yes'><enum name='type'><value>rom</value></enum></loader></os></domainCapabilities>")).toEqual([]);
  });

  it('reads pools, networks and interfaces', () => {
    expect(parsePoolXml("<pool type='dir'><name>default</name><target><path>/var/lib/libvirt/images</path></target></pool>")).toEqual({ type: 'dir', path: '/var/lib/libvirt/images' });
    expect(parsePoolXml("<pool type='rbd'><name>ceph</name><source><name>rbd</name></source></pool>")).toEqual({ type: 'rbd', path: null });
    expect(parseNetworkXml("<network><name>default</name><forward mode='nat'/><bridge name='virbr0' stp='on' delay='0'/><ip address='192.168.122.1'/></network>")).toEqual({
      name: 'default',
      bridge: 'virbr0',
      forwardMode: 'nat',
    });
    expect(parseNetworkXml("<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>")).toMatchObject({ bridge: 'br0', forwardMode: 'bridge' });
    expect(parseNetworkXml("<network><name>mvtap</name><forward mode='bridge'><interface dev='eth1'/></forward></network>")).toMatchObject({ bridge: null });
    expect(parseNetworkXml('<network><name>isolated</name><bridge name="virbr9"/></network>')).toMatchObject({ forwardMode: null });
    expect(parseInterfaceXml("<interface type='bridge' name='br0'><bridge><interface type='ethernet' name='eno1'/></bridge></interface>")).toEqual({ type: 'bridge', name: 'br0' });
    expect(parseInterfaceXml("<interface type='ethernet' name='eth0'><mac address='02:e9:96:ce:a3:a9'/></interface>")).toEqual({ type: 'ethernet', name: 'eth0' });
  });
});
