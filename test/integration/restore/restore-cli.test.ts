// `lifeboat restore` as a user runs it (in process), against the lab: back up the shut-off lab VM, restore it to
// another host under a new name and start it; the same name again is refused with its code; bad options exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main.js';
import { requireLab, virsh, type LabJson } from '../../support/lab.js';
import { makeTempDir } from '../../support/temp.js';
import { PREFIX, cleanRestoreTests, placement, volumes } from './restore-lab.js';

const lab: LabJson = requireLab();

async function lifeboat(dataDir: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv, '--data-dir', dataDir], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('lifeboat restore', () => {
  const source = lab.vms.find((v) => v.planned === 'shut off')!;
  let temp: ReturnType<typeof makeTempDir>;
  let pointId: string;
  let target: string;

  beforeAll(async () => {
    cleanRestoreTests(lab);
    temp = makeTempDir('restore-cli');
    expect((await lifeboat(temp.dir, 'cluster', 'add-lab')).code).toBe(0);
    expect((await lifeboat(temp.dir, 'repo', 'init', `${temp.dir}/repo`)).code).toBe(0);
    const backup = await lifeboat(temp.dir, 'backup', '--cluster', 'lab', '--vm', source.name, '--json');
    expect(backup.code, backup.err).toBe(0);
    pointId = (JSON.parse(backup.out) as { point: string }[])[0]!.point;
    target = lab.hosts.find((h) => h.name !== placement(lab, source.name))!.name;
  });

  afterAll(() => {
    cleanRestoreTests(lab);
    temp?.remove();
  });

  it('restores a copy to the chosen host and starts it, then refuses the same name', async () => {
    const name = `${PREFIX}cli`;
    const restored = await lifeboat(temp.dir, 'restore', pointId.slice(0, 8), '--host', target, '--name', name, '--start', '--json');
    expect(restored.code, restored.err).toBe(0);
    const result = JSON.parse(restored.out) as {
      point: string;
      cluster: string;
      host: string;
      vm: { name: string };
      started: boolean;
      volumes: { name: string; format: string }[];
      changes: { code: string }[];
    };
    expect(result).toMatchObject({ point: pointId, cluster: 'lab', host: target, vm: { name }, started: true });
    // The JSON carries each change as its code and values; the text output words it.
    expect(result.changes).toContainEqual({ code: 'renamed', name, was: source.name });
    // The point's disk was qcow2 and the pool is a folder: qcow2 by default.
    expect(result.volumes.map((v) => [v.name, v.format])).toEqual([[`${name}-vda.qcow2`, 'qcow2']]);
    expect(virsh(lab, target, 'domstate', name).trim()).toBe('running');

    const before = volumes(lab, target);
    const again = await lifeboat(temp.dir, 'restore', pointId, '--host', target, '--name', name, '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toEqual({ error: { code: 'name_taken', message: `${target} already has a VM named ${name}: choose another name, or replace the original` } });
    expect(volumes(lab, target)).toEqual(before);

    const human = await lifeboat(temp.dir, 'restore', pointId, '--host', target, '--name', `${PREFIX}cli-raw`, '--format', 'raw');
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(new RegExp(`^Restored ${source.name} as ${PREFIX}cli-raw on ${target} \\(256 MiB; vda → default/${PREFIX}cli-raw-vda\\.raw \\(raw\\)\\)\\.`));
    expect(human.err).toMatch(/^preflight/);
    expect(human.out).toContain(`\n  changed: Named ${PREFIX}cli-raw (was ${source.name}).\n`);
  });

  it('says what is wrong with bad options, and with a host or point that does not exist', async () => {
    expect(await lifeboat(temp.dir, 'restore', pointId)).toMatchObject({ code: 2, err: expect.stringContaining('restore needs a point id and --host') });
    expect(await lifeboat(temp.dir, 'restore', pointId, '--host', target, '--format', 'vmdk')).toMatchObject({ code: 2, err: expect.stringContaining('--format must be qcow2 or raw') });
    expect(await lifeboat(temp.dir, 'restore', pointId, '--host', target, '--network', 'lan')).toMatchObject({ code: 2, err: expect.stringContaining('--network takes FROM=TO') });
    expect(await lifeboat(temp.dir, 'restore', pointId, '--host', 'lab99')).toMatchObject({ code: 1, err: expect.stringContaining('cluster lab has no host lab99') });
    expect(await lifeboat(temp.dir, 'restore', 'ffffffff', '--host', target)).toMatchObject({ code: 1, err: expect.stringContaining('no restore point ffffffff') });
    expect(await lifeboat(temp.dir, 'restore', pointId, '--host', target, '--cluster', 'nope')).toMatchObject({ code: 1, err: expect.stringContaining('no cluster named "nope"') });
  });
});
