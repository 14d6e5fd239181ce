import { describe, expect, it } from 'vitest';
import { DomainXmlError, parseDomainXml } from '../../../electron/engine/hypervisors/libvirt/domain-xml.js';

const XML = `<domain type='qemu'>
  <name>web-1</name>
  <uuid>6F1D1B5E-2C2B-4C7A-9A43-2B7C1D2E3F40</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu placement='static'>2</vcpu>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/web-1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='default' volume='web-1-data.raw'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
  </devices>
</domain>`;

describe('parseDomainXml', () => {
  it('reads identity, size and disks', () => {
    const domain = parseDomainXml(XML);
    expect(domain).toMatchObject({ name: 'web-1', uuid: '6f1d1b5e-2c2b-4c7a-9a43-2b7c1d2e3f40', memoryBytes: 64 * 2 ** 20, vcpus: 2 });
    expect(domain.disks).toEqual([
      { target: 'vda', device: 'disk', sourceType: 'file', path: '/var/lib/libvirt/images/web-1.qcow2', pool: null, volume: null, format: 'qcow2', readOnly: false },
      { target: 'vdb', device: 'disk', sourceType: 'volume', path: null, pool: 'default', volume: 'web-1-data.raw', format: 'raw', readOnly: false },
      { target: 'sda', device: 'cdrom', sourceType: 'file', path: null, pool: null, volume: null, format: null, readOnly: true },
    ]);
  });

  it('refuses malformed XML, other documents and DTDs with a clear error', () => {
    expect(() => parseDomainXml('<domain><name>x</name')).toThrow(DomainXmlError);
    expect(() => parseDomainXml('<pool><name>x</name></pool>')).toThrow(/Expected a <domain>/);
    expect(() => parseDomainXml('<!DOCTYPE d [<!ENTITY e "x">]><domain/>')).toThrow(/DOCTYPE/);
    expect(() => parseDomainXml('<domain><name>x</name></domain>')).toThrow(/without a name or uuid/);
  });
});
