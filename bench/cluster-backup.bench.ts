// Benchmark: backing up a whole cluster as one job (the runner's concurrency limits: 4 at once, 2 per host, 4 per
// cluster by default) against backing up its VMs one by one, full and then incremental, in the same run, each
// into a fresh repository. Prints figures; asserts nothing.
//   npm run lab:down && npm run lab:up -- --vms-per-host 7      (21 VMs: at least 20)
//   flock /var/tmp/lifeboat-lab.use.lock npm run bench:cluster-backup -- [--global 4 --per-host 2 --per-cluster 4]
import './support/engine-flags.ts';
import './support/source-hooks.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MiB } from './support/tools.ts';

const { systemClock } = await import('../electron/engine/clock.js');
const { createEngine } = await import('../electron/engine/engine.js');
const { createLogger } = await import('../electron/engine/logging/logger.js');
const { createFileSecretStore, createKeyFileCipher } = await import('../electron/engine/secrets/secret-store.js');
const { Repository } = await import('../electron/engine/repository/index.js');
const { labDir, labHostInputs, readLabDescription } = await import('../electron/cli/lab.js');

const { values } = parseArgs({
  options: { global: { type: 'string', default: '4' }, 'per-host': { type: 'string', default: '2' }, 'per-cluster': { type: 'string', default: '4' } },
});
const concurrency = { global: Number(values.global), perHost: Number(values['per-host']), perCluster: Number(values['per-cluster']) };
const lab = await readLabDescription(labDir());
const dir = mkdtempSync(join(tmpdir(), 'lifeboat-bench-cluster-'));
const logger = createLogger([]);
const engine = createEngine({
  dataDir: join(dir, 'data'),
  logger,
  clock: systemClock,
  secrets: createFileSecretStore(join(dir, 'secrets.json'), createKeyFileCipher(join(dir, 'secret.key'))),
  mode: 'headless',
  version: 'bench',
});

try {
  const cluster = await engine.clusters.add({ name: 'bench', hosts: labHostInputs(lab, 'ssh') });
  const { writeSettings } = await import('../electron/engine/catalog/settings-table.js');
  writeSettings(engine.catalog, { concurrency });
  const inventory = await engine.inventory.get(cluster.id, { refresh: true });
  const vms = inventory.vms;
  console.log(`cluster backup benchmark: ${lab.hosts.length} hosts, ${vms.length} VMs (${vms.filter((v) => v.state === 'shut off').length} shut off); limits ${JSON.stringify(concurrency)}`);
  if (vms.length < 20) console.log('  (fewer than 20 VMs: start the lab with --vms-per-host 7 for the 20-VM figure)');

  const oneByOne = async (repoPath: string): Promise<{ ms: number; bytes: number }> => {
    const repository = await Repository.open(repoPath, { clock: systemClock, logger, writer: true });
    let bytes = 0;
    const started = performance.now();
    try {
      for (const vm of vms) bytes += (await engine.backupVm(repository, vm.ref)).manifest.stats.bytesRead;
    } finally {
      await repository.close();
    }
    return { ms: performance.now() - started, bytes };
  };
  const asJob = async (repoPath: string): Promise<{ ms: number; bytes: number }> => {
    await engine.repository.use(repoPath, false);
    const started = performance.now();
    const { finished } = await engine.startBackup({ clusterId: cluster.id, trigger: 'user' });
    const summary = await finished;
    if (summary.state !== 'succeeded') throw new Error(`the cluster job ended ${summary.state}`);
    return { ms: performance.now() - started, bytes: summary.bytesDone };
  };

  const repos = { single: join(dir, 'repo-one-by-one'), job: join(dir, 'repo-job') };
  for (const path of Object.values(repos)) await (await Repository.init(path, { clock: systemClock, logger })).close();
  // Each way runs its full and then its incremental before the other starts: the two repositories keep separate
  // checkpoint chains on the same VMs, and interleaving them would turn every incremental into a full read.
  const single = { full: await oneByOne(repos.single), incremental: await oneByOne(repos.single) };
  const job = { full: await asJob(repos.job), incremental: await asJob(repos.job) };
  const rows: string[] = [];
  for (const round of ['full', 'incremental'] as const) {
    const a = single[round];
    const b = job[round];
    rows.push(
      `  ${round.padEnd(11)}  one by one ${(a.ms / 1000).toFixed(1).padStart(6)} s (${(a.bytes / MiB).toFixed(0)} MiB read)   ` +
        `one cluster job ${(b.ms / 1000).toFixed(1).padStart(6)} s (${(b.bytes / MiB).toFixed(0)} MiB read)   speed-up ${(a.ms / b.ms).toFixed(2)}x`,
    );
  }
  for (const row of rows) console.log(row);
} finally {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}
