import { describe, expect, it } from 'vitest';
import { HostUriError, parseHostUri } from '../../../shared/model/host-uri.js';

describe('parseHostUri', () => {
  it('reads the four transports', () => {
    expect(parseHostUri('qemu+ssh://root@kvm1.example:2222/system?keyfile=/home/me/.ssh/id_ed25519')).toEqual({
      transport: 'ssh', address: 'kvm1.example', port: 2222, username: 'root', auth: 'key', keyPath: '/home/me/.ssh/id_ed25519', libvirtUri: 'qemu:///system',
    });
    expect(parseHostUri('qemu+ssh://admin@10.0.0.5/system')).toMatchObject({ auth: 'password', port: 22 });
    expect(parseHostUri('qemu+tcp://127.0.0.1:16601/system')).toEqual({ transport: 'tcp', address: '127.0.0.1', port: 16601, libvirtUri: 'qemu:///system' });
    expect(parseHostUri('qemu+tls://[fd00::5]/system?pkipath=/etc/pki/lifeboat')).toMatchObject({
      transport: 'tls', address: 'fd00::5', port: 16514, caPath: '/etc/pki/lifeboat/cacert.pem', keyPath: '/etc/pki/lifeboat/clientkey.pem',
    });
    expect(parseHostUri('qemu+unix:///system?socket=/run/libvirt/libvirt-sock')).toEqual({
      transport: 'unix', socketPath: '/run/libvirt/libvirt-sock', libvirtUri: 'qemu:///system',
    });
  });

  it('explains what is wrong with a bad URI', () => {
    expect(() => parseHostUri('kvm1.example')).toThrow(HostUriError);
    expect(() => parseHostUri('qemu+ssh://kvm1/system')).toThrow(/names no user/);
    expect(() => parseHostUri('qemu+tls://kvm1/system')).toThrow(/pkipath/);
    expect(() => parseHostUri('qemu+unix:///system')).toThrow(/socket=PATH/);
    expect(() => parseHostUri('qemu+tcp://kvm1:99999/system')).toThrow(/port/);
    expect(() => parseHostUri('qemu+ftp://kvm1/system')).toThrow(HostUriError);
  });
});
