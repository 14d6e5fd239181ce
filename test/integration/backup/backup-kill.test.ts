// `kill -9` of a running `lifeboat backup` at seeded random moments: after each kill the repository opens, every
// point it lists exports with every chunk's hash verified, and the next backup succeeds, ending whatever the
// killed one left running on the host.
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/engine/clock.js';
import { Repository } from '../../../electron/engine/repository/index.js';
import { requireLab, removeLifeboatCheckpoints, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { seededRandom } from '../../support/random.js';
import { makeTempDir } from '../../support/temp.js';

const lab: LabJson = requireLab();
const TRIALS = 8;

function placement(vmName: string): string {
  for (const host of lab.hosts) if (virsh(lab, host.name, 'list', '--all', '--name').split('\n').includes(vmName)) return host.name;
  throw new Error(`${vmName} is on no lab host`);
}

describe('kill -9 of a backup', () => {
  const vm = lab.vms.filter((v) => v.disks.length === 1 && v.planned === 'running').at(-1)!;
  let temp: ReturnType<typeof makeTempDir>;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [resolve('scripts/lifeboat.mjs'), ...args, '--data-dir', join(temp.dir, 'data')], { encoding: 'utf8', timeout: 120_000 });

  beforeAll(() => {
    temp = makeTempDir('backup-kill');
    expect(cli('cluster', 'add-lab').status).toBe(0);
    expect(cli('repo', 'init', join(temp.dir, 'repo')).status).toBe(0);
  });

  afterAll(() => {
    const host = placement(vm.name);
    if (!/Job type:\s+None/.test(virsh(lab, host, 'domjobinfo', vm.name))) virsh(lab, host, 'domjobabort', vm.name);
    removeLifeboatCheckpoints(lab, host, vm.name);
    temp.remove();
  });

  it(`leaves a consistent repository after each of ${TRIALS} kills, and the next backup succeeds`, async () => {
    const random = seededRandom(20261125);
    const logger = createMemoryLogger().logger;
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const child = spawn(process.execPath, [resolve('scripts/lifeboat.mjs'), 'backup', '--cluster', 'lab', '--vm', vm.name, '--data-dir', join(temp.dir, 'data')], {
        stdio: 'ignore',
      });
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      // 0.8-2.6 s after start lands anywhere from connecting to the host to reading the disk over NBD.
      await new Promise((done) => setTimeout(done, random.int(800, 2600)));
      child.kill('SIGKILL');
      await exited;

      const repository = await Repository.open(join(temp.dir, 'repo'), { clock: systemClock, logger });
      try {
        const { points, damaged } = await repository.points.list();
        expect(damaged, `trial ${trial}`).toEqual([]);
        for (const point of points) {
          const manifest = await repository.points.read(point.id);
          // exportDisk reads and hash-checks every chunk of the point.
          await repository.exportDisk(manifest, 'vda', join(temp.dir, `trial-${trial}.raw`), { format: 'raw', overwrite: true });
        }
      } finally {
        await repository.close();
      }
    }
    const last = cli('backup', '--cluster', 'lab', '--vm', vm.name, '--json');
    expect(last.status, last.stderr).toBe(0);
    const [result] = JSON.parse(last.stdout) as { ok: boolean; point: string }[];
    expect(result!.ok).toBe(true);
    expect(/Job type:\s+None/.test(virsh(lab, placement(vm.name), 'domjobinfo', vm.name))).toBe(true);
  });

  it('exports the last point through the CLI as raw and as qcow2, both identical to the disk', () => {
    const listed = cli('points', '--vm', vm.name, '--json');
    const last = (JSON.parse(listed.stdout) as { id: string }[]).at(-1)!;
    const host = placement(vm.name);
    const image = join(lab.labDir, 'hosts', host, 'lib', vm.disks[0]!.path.replace(/^\/var\/lib\/libvirt\//, ''));
    for (const format of ['raw', 'qcow2']) {
      const out = join(temp.dir, `last.${format}`);
      const exported = cli('export', last.id.slice(0, 8), '--disk', 'vda', '--out', out, '--format', format);
      expect(exported.status, exported.stderr).toBe(0);
      const compare = spawnSync('qemu-img', ['compare', '-U', '-F', 'qcow2', out, image], { encoding: 'utf8' });
      expect(compare.stdout, compare.stderr).toContain('Images are identical');
    }
    expect(cli('export', last.id, '--disk', 'vdz', '--out', join(temp.dir, 'x.raw')).stderr).toMatch(/vdz/);
    expect(cli('export', 'ffffffff', '--disk', 'vda', '--out', join(temp.dir, 'y.raw')).stderr).toMatch(/no restore point ffffffff/);
  });
});
