// A backup where Lifeboat runs on the hypervisor itself (the host added over its local libvirt socket): the NBD
// client connects to QEMU's export socket directly, reading into its own reused buffer. The CLI runs in the lab
// host's mount namespace, where that socket is; the points it writes export identical to the VM's disk image.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/engine/clock.js';
import { Repository } from '../../../electron/engine/repository/index.js';
import { LAB_DIR, removeLifeboatCheckpoints, requireLab, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const lab: LabJson = requireLab();

describe('backup over the host’s local socket', () => {
  const vm = lab.vms.find((v) => v.disks.length === 1 && v.planned === 'running')!;
  const disk = vm.disks[0]!;
  let temp: ReturnType<typeof makeTempDir>;
  const dataDir = (): string => join(temp.dir, 'data');
  /** The CLI, run inside the mount namespace of the VM's host (where libvirt puts the backup's NBD socket). */
  const cliOnHost = (...args: string[]) => {
    const libvirtd = readFileSync(join(LAB_DIR, 'hosts', vm.host, 'libvirtd.pid'), 'utf8').trim();
    return spawnSync('nsenter', ['-t', libvirtd, '-m', '-u', '--', process.execPath, resolve('scripts/lifeboat.mjs'), ...args, '--data-dir', dataDir()], {
      encoding: 'utf8',
      timeout: 120_000,
    });
  };

  beforeAll(() => {
    temp = makeTempDir('backup-local');
    expect(virsh(lab, vm.host, 'list', '--name').split('\n')).toContain(vm.name);
    for (const args of [['cluster', 'add-lab', '--transport', 'unix'], ['repo', 'init', join(temp.dir, 'repo')]]) {
      const r = cliOnHost(...args);
      expect(r.status, r.stderr).toBe(0);
    }
  });

  afterAll(() => {
    removeLifeboatCheckpoints(lab, vm.host, vm.name);
    temp.remove();
  });

  it('writes a full point, then an incremental one, both identical to the disk image', async () => {
    const types: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const r = cliOnHost('backup', '--cluster', 'lab', '--vm', vm.name, '--json');
      expect(r.status, r.stderr).toBe(0);
      const [result] = JSON.parse(r.stdout) as { ok: boolean; point: string }[];
      expect(result?.ok).toBe(true);
      const repository = await Repository.open(join(temp.dir, 'repo'), { clock: systemClock, logger: createMemoryLogger().logger });
      try {
        const manifest = await repository.points.read(result!.point);
        types.push(manifest.type);
        const raw = join(temp.dir, `run-${run}.raw`);
        await repository.exportDisk(manifest, disk.target, raw, { format: 'raw', overwrite: true });
        const compare = spawnSync('qemu-img', ['compare', '-U', '-f', 'raw', '-F', disk.format, raw, disk.localPath], { encoding: 'utf8' });
        expect(compare.stdout + compare.stderr).toContain('Images are identical');
      } finally {
        await repository.close();
      }
    }
    expect(types).toEqual(['full', 'incremental']);
  });
});
