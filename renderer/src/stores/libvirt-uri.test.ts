import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSTEM_SOCKET, looksLikeLibvirtUri, parseLibvirtUri } from './libvirt-uri.js';

describe('parseLibvirtUri', () => {
  it('reads an SSH URI with user and port', () => {
    expect(parseLibvirtUri('qemu+ssh://root@kvm1.example.com:2222/system')).toEqual({
      ok: true,
      value: {
        transport: 'ssh',
        address: 'kvm1.example.com',
        port: '2222',
        username: 'root',
        libvirtUri: 'qemu:///system',
        ignored: [],
      },
    });
  });

  it('leaves the port out when the URI has none, so the transport default applies', () => {
    const parsed = parseLibvirtUri('  qemu+ssh://backup@10.0.0.11/system  ');
    expect(parsed).toMatchObject({ ok: true, value: { transport: 'ssh', address: '10.0.0.11', username: 'backup' } });
    expect(parsed.ok && 'port' in parsed.value).toBe(false);
  });

  it('takes keyfile as the private key and reports the parameters it does not use', () => {
    expect(parseLibvirtUri('qemu+ssh://root@kvm2/system?keyfile=/home/ops/.ssh/id_ed25519&no_verify=1')).toEqual({
      ok: true,
      value: {
        transport: 'ssh',
        address: 'kvm2',
        username: 'root',
        keyPath: '/home/ops/.ssh/id_ed25519',
        libvirtUri: 'qemu:///system',
        ignored: ['no_verify'],
      },
    });
  });

  it('accepts the libssh transports as SSH, and strips the brackets of an IPv6 address', () => {
    expect(parseLibvirtUri('qemu+libssh2://root@[fd00::11]:22/system')).toMatchObject({
      ok: true,
      value: { transport: 'ssh', address: 'fd00::11', port: '22' },
    });
  });

  it('decodes a percent-encoded user name', () => {
    expect(parseLibvirtUri('qemu+ssh://first.last%40corp@kvm1/system')).toMatchObject({
      ok: true,
      value: { username: 'first.last@corp' },
    });
  });

  it('reads a TCP URI; a user name there (SASL only) is reported as not used', () => {
    expect(parseLibvirtUri('qemu+tcp://admin@kvm3.lab:16509/system')).toEqual({
      ok: true,
      value: { transport: 'tcp', address: 'kvm3.lab', port: '16509', libvirtUri: 'qemu:///system', ignored: ['user'] },
    });
  });

  it('reads a TLS URI, and a pkipath as libvirt’s client certificate files', () => {
    expect(parseLibvirtUri('qemu+tls://kvm4.lab/system?pkipath=/etc/pki/lifeboat/')).toEqual({
      ok: true,
      value: {
        transport: 'tls',
        address: 'kvm4.lab',
        caPath: '/etc/pki/lifeboat/cacert.pem',
        certPath: '/etc/pki/lifeboat/clientcert.pem',
        tlsKeyPath: '/etc/pki/lifeboat/clientkey.pem',
        libvirtUri: 'qemu:///system',
        ignored: [],
      },
    });
  });

  it('follows libvirt: no transport means TLS to a remote host and the local socket otherwise', () => {
    expect(parseLibvirtUri('qemu://kvm5.lab/system')).toMatchObject({ ok: true, value: { transport: 'tls', address: 'kvm5.lab' } });
    expect(parseLibvirtUri('qemu:///system')).toMatchObject({
      ok: true,
      value: { transport: 'unix', socketPath: DEFAULT_SYSTEM_SOCKET, libvirtUri: 'qemu:///system' },
    });
  });

  it('reads a unix URI with its socket', () => {
    expect(parseLibvirtUri('qemu+unix:///system?socket=/run/libvirt/virtqemud-sock')).toEqual({
      ok: true,
      value: { transport: 'unix', socketPath: '/run/libvirt/virtqemud-sock', libvirtUri: 'qemu:///system', ignored: [] },
    });
  });

  it('keeps /session as the hypervisor URI, without guessing a session socket', () => {
    const parsed = parseLibvirtUri('qemu+unix:///session');
    expect(parsed).toMatchObject({ ok: true, value: { transport: 'unix', libvirtUri: 'qemu:///session' } });
    expect(parsed.ok && parsed.value.socketPath).toBeUndefined();
    expect(parseLibvirtUri('qemu+ssh://me@desk/session')).toMatchObject({ ok: true, value: { libvirtUri: 'qemu:///session' } });
  });

  it('says why a URI cannot be used', () => {
    expect(parseLibvirtUri('kvm1.example.com')).toEqual({ ok: false, problem: 'malformed' });
    expect(parseLibvirtUri('xen+ssh://root@xen1/system')).toEqual({ ok: false, problem: 'unsupported-driver' });
    expect(parseLibvirtUri('test:///default')).toEqual({ ok: false, problem: 'unsupported-driver' });
    expect(parseLibvirtUri('qemu+ext://kvm1/system?command=/bin/x')).toEqual({ ok: false, problem: 'unsupported-transport' });
    expect(parseLibvirtUri('qemu+ssh:///system')).toEqual({ ok: false, problem: 'host-mismatch' });
    expect(parseLibvirtUri('qemu+unix://kvm1/system')).toEqual({ ok: false, problem: 'host-mismatch' });
    expect(parseLibvirtUri('qemu:///embed?root=/tmp/x')).toEqual({ ok: false, problem: 'unsupported-path' });
    expect(parseLibvirtUri('qemu+ssh://root@kvm1:99999/system')).toEqual({ ok: false, problem: 'malformed' });
  });
});

describe('looksLikeLibvirtUri', () => {
  it('tells a URI from a host name or address', () => {
    expect(looksLikeLibvirtUri('qemu+ssh://root@kvm1/system')).toBe(true);
    expect(looksLikeLibvirtUri(' qemu:///system')).toBe(true);
    expect(looksLikeLibvirtUri('kvm1.example.com')).toBe(false);
    expect(looksLikeLibvirtUri('fd00::11')).toBe(false);
    expect(looksLikeLibvirtUri('10.0.0.11:22')).toBe(false);
  });
});
