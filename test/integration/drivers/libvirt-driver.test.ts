// The libvirt driver through the shared driver suite, against the lab, over each transport.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostSpec } from '../../../shared/model/cluster.js';
import { createLibvirtDriver } from '../../../electron/engine/hypervisors/libvirt/libvirt-driver.js';
import { requireLab, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';
import { runDriverSuite, type KnownVm } from './driver-suite.js';

const lab: LabJson = requireLab();
const HOST = lab.hosts[0]!;

/** A loopback port nobody listens on: bound and released, so the next connect is refused. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const closedPort = await freePort();

function knownVms(): KnownVm[] {
  // The lab's VMs on this host now (tests elsewhere may have migrated some), from the host itself.
  const names = virsh(lab, HOST.name, 'list', '--all', '--name').split('\n').filter((n) => n.startsWith('lab-vm'));
  return names.map((name) => {
    const vm = lab.vms.find((v) => v.name === name)!;
    return {
      uuid: vm.uuid,
      name,
      running: virsh(lab, HOST.name, 'domstate', name).trim() === 'running',
      diskTargets: vm.disks.map((d) => d.target),
      diskCapacityBytes: vm.disks[0]!.capacityBytes,
    };
  });
}

const specs: Record<string, HostSpec> = {
  unix: { transport: 'unix', socketPath: HOST.unixSocket, libvirtUri: 'qemu:///system' },
  tcp: { transport: 'tcp', address: '127.0.0.1', port: HOST.tcpPort, libvirtUri: 'qemu:///system' },
  ssh: {
    transport: 'ssh',
    address: '127.0.0.1',
    port: HOST.sshPort,
    username: lab.sshKey.user,
    auth: 'key',
    keyPath: lab.sshKey.privateKeyPath,
    hostKeyFingerprint: HOST.sshHostKeyFingerprint,
    libvirtUri: 'qemu:///system',
  },
};

for (const [transport, spec] of Object.entries(specs)) {
  runDriverSuite({
    name: `libvirt over ${transport}`,
    driver: createLibvirtDriver,
    host: () => ({ spec, secret: null, vms: knownVms() }),
    closedPort: () => (spec.transport === 'unix' ? { ...specs['tcp']!, port: closedPort } as HostSpec : { ...spec, port: closedPort } as HostSpec),
    async cycleVm() {
      // A throw-away transient VM of our own, so the lab's VMs keep their state.
      const name = `driver-suite-${transport}-${process.pid}`;
      const uuid = crypto.randomUUID();
      const xml = `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;
      const temp = makeTempDir('driver-suite');
      try {
        const file = join(temp.dir, `${name}.xml`);
        writeFileSync(file, xml);
        virsh(lab, HOST.name, 'create', file);
        virsh(lab, HOST.name, 'destroy', name);
      } finally {
        temp.remove();
      }
      return uuid;
    },
    pool: HOST.poolName,
    readVolume(volume) {
      const temp = makeTempDir('driver-suite-volume');
      try {
        const file = join(temp.dir, 'volume');
        virsh(lab, HOST.name, 'vol-download', '--pool', volume.pool, volume.name, file);
        return readFileSync(file);
      } finally {
        temp.remove();
      }
    },
    vmConfig: (name, uuid) =>
      `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>32</memory><vcpu>1</vcpu>` +
      `<os><type arch='x86_64'>hvm</type></os><devices><memballoon model='none'/></devices></domain>`,
    stopVm: (name) => {
      virsh(lab, HOST.name, 'destroy', name);
    },
  });
}

describe('libvirt driver over SSH: trust and credentials', () => {
  const driver = createLibvirtDriver();
  const connect = (spec: HostSpec, secret: string | null = null) =>
    driver.connect(spec, { secret, timeoutMs: 10_000, logger: createMemoryLogger().logger }).then(
      async (session) => {
        await session.close();
        return null;
      },
      (e: unknown) => e as { code: string; message: string; fingerprint?: string },
    );
  const ssh = specs['ssh'] as Extract<HostSpec, { transport: 'ssh' }>;

  it('refuses an unknown host key, reporting its fingerprint for confirmation', async () => {
    const { hostKeyFingerprint: _pinned, ...unpinned } = ssh;
    const error = await connect(unpinned);
    expect(error).toMatchObject({ code: 'host_key_unknown', fingerprint: HOST.sshHostKeyFingerprint });
  });

  it('refuses a host whose key differs from the pinned one', async () => {
    const other = lab.hosts[1]!.sshHostKeyFingerprint;
    const error = await connect({ ...ssh, hostKeyFingerprint: other });
    expect(error).toMatchObject({ code: 'host_key_mismatch', fingerprint: HOST.sshHostKeyFingerprint });
    expect(error?.message).toContain(other);
  });

  it('fails clearly with a wrong password or a key file that does not exist', async () => {
    expect(await connect({ ...ssh, auth: 'password', keyPath: undefined } as HostSpec, 'not-the-password')).toMatchObject({ code: 'auth_failed' });
    const missingKey = await connect({ ...ssh, keyPath: '/nonexistent/id_ed25519' });
    expect(missingKey).toMatchObject({ code: expect.stringMatching(/auth_failed|unreachable/) });
    expect(missingKey?.message).toContain('/nonexistent/id_ed25519');
  });
});
