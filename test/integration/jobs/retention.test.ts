// Retention against the lab with a fake clock: three months of backups of one VM, each followed by the automatic
// prune and GC; the points left are exactly what the policy keeps, `verify` passes, and the oldest kept point
// still exports byte-identical to what it exported the day it was taken.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionPolicy } from '../../../shared/model/retention.js';
import { labHostInputs } from '../../../electron/cli/lab.js';
import type { Engine } from '../../../electron/engine/engine.js';
import { JobStore } from '../../../electron/engine/jobs/job-store.js';
import { RetentionStore } from '../../../electron/engine/jobs/retention-store.js';
import { PointsIndex } from '../../../electron/engine/points/points-index.js';
import { Repository } from '../../../electron/engine/repository/index.js';
import { planRetention } from '../../../electron/engine/retention/plan-retention.js';
import { createTestEngine } from '../../support/engine.js';
import { requireLab, virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const lab: LabJson = requireLab();
const DAY = 24 * 3600 * 1000;
const TIME_ZONE = 'Europe/Berlin';

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('retention over months of backups', () => {
  const vm = lab.vms.find((v) => v.planned === 'running' && v.disks.length === 1)!;
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let now = new Date('2026-01-03T01:00:00Z');
  const clock = { now: () => now };
  let clusterId: string;

  function placement(): string {
    for (const host of lab.hosts) if (virsh(lab, host.name, 'list', '--name').split('\n').includes(vm.name)) return host.name;
    throw new Error(`${vm.name} runs on no lab host`);
  }

  beforeAll(async () => {
    temp = makeTempDir('retention');
    engine = createTestEngine(temp.dir, { clock, timeZone: TIME_ZONE });
    clusterId = (await engine.clusters.add({ name: 'lab', hosts: labHostInputs(lab, 'ssh') })).id;
    await engine.repository.use(join(temp.dir, 'repo'), true);
  });

  afterAll(async () => {
    await engine?.close();
    temp?.remove();
  });

  it('keeps exactly what the policy says, verifies clean, and the oldest kept point exports as on its first day', async () => {
    const policy: RetentionPolicy = { keepLast: 2, keepDaily: 3, keepWeekly: 2, keepMonthly: 2 };
    new RetentionStore(engine.catalog).set(clusterId, undefined, policy);

    const taken: { id: string; createdAt: string; sha: string }[] = [];
    const exportDir = join(temp.dir, 'exports');
    mkdirSync(exportDir);
    // 24 backups, 4 days apart, some days with two: about three months.
    for (let i = 0; i < 24; i += 1) {
      now = new Date(now.getTime() + (i % 5 === 4 ? 3 * 3600 * 1000 : 4 * DAY));
      virsh(lab, placement(), 'qemu-monitor-command', vm.name, '--hmp', `qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "write -P ${i + 1} ${i * 4}M 64k"`);
      const { finished } = await engine.startBackup({ clusterId, vmUuids: [vm.uuid], trigger: 'user' });
      const summary = await finished;
      expect(summary.state, JSON.stringify(new JobStore(engine.catalog).get(summary.id).log.map((l) => l.message))).toBe('succeeded');
      const repository = await Repository.open(join(temp.dir, 'repo'), { clock, logger: createMemoryLogger().logger });
      // The newest point is the one just taken: retention always keeps a VM's newest.
      const latest = (await repository.points.latestFor({ clusterId, vmUuid: vm.uuid }))!;
      const out = join(exportDir, `${latest.id}.raw`);
      await repository.exportDisk(latest, 'vda', out, { format: 'raw' });
      taken.push({ id: latest.id, createdAt: latest.createdAt, sha: await sha256(out) });
      rmSync(out);
    }

    const expected = planRetention(
      taken.map((t) => ({ id: t.id, createdAt: t.createdAt, vm: { clusterId, vmUuid: vm.uuid } })),
      () => policy,
      { timeZone: TIME_ZONE },
    );
    const kept = expected.filter((d) => d.keep).map((d) => d.pointId).sort();
    expect(kept.length).toBeLessThan(taken.length);
    const repository = await Repository.open(join(temp.dir, 'repo'), { clock, logger: createMemoryLogger().logger });
    const left = (await repository.points.list()).points.map((p) => p.id).sort();
    expect(left).toEqual(kept);
    // The catalog's index followed the prunes.
    expect(new PointsIndex(engine.catalog).list(repository.path).points.map((p) => p.id).sort()).toEqual(kept);

    // Verify: every referenced chunk is there and intact after prune + GC.
    const verify = await engine.startVerify().finished;
    expect(verify.state).toBe('succeeded');
    // "Prune now" finds nothing more to prune and nothing left to collect.
    const prune = await engine.startPrune().finished;
    expect(prune.state).toBe('succeeded');
    const pruneLog = new JobStore(engine.catalog).get(prune.id).log.map((l) => l.message);
    expect(pruneLog).toContain(`Retention: all ${kept.length} points are kept`);
    expect(pruneLog.some((m) => /^Garbage collection: 0 of \d+ chunks removed/.test(m))).toBe(true);

    // The oldest kept point exports exactly as it did on the day it was taken.
    const oldest = taken.find((t) => kept.includes(t.id))!;
    const out = join(exportDir, 'oldest.raw');
    await repository.exportDisk(await repository.points.read(oldest.id), 'vda', out, { format: 'raw' });
    expect(await sha256(out)).toBe(oldest.sha);
  });
});
