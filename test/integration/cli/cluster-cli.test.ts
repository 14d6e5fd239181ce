// `lifeboat cluster ...` and `lifeboat inventory` as a user runs them, against the lab.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireLab, type LabJson } from '../../support/lab.js';
import { makeTempDir } from '../../support/temp.js';

const lab: LabJson = requireLab();

function lifeboat(dataDir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [resolve('scripts/lifeboat.mjs'), ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lifeboat cluster and inventory commands', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeAll(() => (temp = makeTempDir('cli-cluster')));
  afterAll(() => temp.remove());

  it('adds the running lab and lists its VMs as JSON', () => {
    const added = lifeboat(temp.dir, 'cluster', 'add-lab', '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'lab', hosts: lab.hosts.map((h) => ({ label: h.name })) });
    const inventory = lifeboat(temp.dir, 'inventory', '--cluster', 'lab', '--json');
    expect(inventory.code, inventory.stderr).toBe(0);
    const [cluster] = JSON.parse(inventory.stdout) as { vms: { name: string; ref: { vmUuid: string } }[] }[];
    expect(cluster!.vms.map((vm) => vm.ref.vmUuid).sort()).toEqual(lab.vms.map((vm) => vm.uuid).sort());
    const human = lifeboat(temp.dir, 'inventory');
    expect(human.stdout).toMatch(/lab-vm2\s+running\s+lab\d\s+1\s+64 MiB\s+vda 256 MiB, vdb 256 MiB/);
  });

  it('asks for confirmation of a new host key, and adds the host once it is named', () => {
    const host = lab.hosts[0]!;
    const uri = `qemu+ssh://root@127.0.0.1:${host.sshPort}/system?keyfile=${lab.sshKey.privateKeyPath}`;
    const refused = lifeboat(temp.dir, 'cluster', 'add', 'one', '--host', uri);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`--trust-host-key ${host.sshHostKeyFingerprint}`);
    expect(lifeboat(temp.dir, 'cluster', 'list', '--json').stdout).not.toContain('"one"');
    const added = lifeboat(temp.dir, 'cluster', 'add', 'one', '--host', uri, '--trust-host-key', host.sshHostKeyFingerprint, '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout).hosts[0].spec.hostKeyFingerprint).toBe(host.sshHostKeyFingerprint);
    expect(lifeboat(temp.dir, 'cluster', 'remove', 'one').code).toBe(0);
  });

  it('refuses bad input with a clear message and saves nothing', () => {
    expect(lifeboat(temp.dir, 'cluster', 'add', 'x', '--host', 'kvm1').stderr).toContain('is not a libvirt URI');
    const closed = lifeboat(temp.dir, 'cluster', 'add', 'x', '--host', 'qemu+tcp://127.0.0.1:1/system');
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/127\.0\.0\.1:1.*Nothing was saved/);
    expect(lifeboat(temp.dir, 'cluster', 'add', 'lab', '--host', `qemu+unix:///system?socket=${lab.hosts[0]!.unixSocket}`).stderr).toContain(
      'already exists',
    );
    expect(lifeboat(temp.dir, 'cluster', 'remove', 'nope').stderr).toContain('no cluster named "nope"');
    expect(lifeboat(temp.dir, 'inventory', '--cluster', 'nope').code).toBe(1);
    expect((JSON.parse(lifeboat(temp.dir, 'cluster', 'list', '--json').stdout) as { name: string }[]).map((c) => c.name)).toEqual(['lab']);
  });
});
