// Benchmark: the inventory of a whole cluster (default lab shape for this: 3 hosts x 20 VMs), cold (connect
// and list) and warm (re-list over open sessions), over each transport. Prints figures; asserts nothing.
//   npm run lab:down && npm run lab:up -- --vms-per-host 20
//   npm run bench:inventory
import './support/engine-flags.ts';
import './support/source-hooks.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const { systemClock } = await import('../electron/engine/clock.js');
const { createEngine } = await import('../electron/engine/engine.js');
const { createLogger } = await import('../electron/engine/logging/logger.js');
const { createFileSecretStore, createKeyFileCipher } = await import('../electron/engine/secrets/secret-store.js');

const { labDir, labHostInputs, readLabDescription } = await import('../electron/cli/lab.js');
const lab = await readLabDescription(labDir());
const vmCount = (JSON.parse(readFileSync(join(labDir(), 'lab.json'), 'utf8')) as { vms: unknown[] }).vms.length;
const ROUNDS = 10;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

console.log(`inventory benchmark: ${lab.hosts.length} hosts, ${vmCount} VMs (${(vmCount / lab.hosts.length).toFixed(0)} per host)`);
for (const transport of ['unix', 'tcp', 'ssh'] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'lifeboat-bench-inventory-'));
  const engine = createEngine({
    dataDir: dir,
    logger: createLogger([]),
    clock: systemClock,
    secrets: createFileSecretStore(join(dir, 'secrets.json'), createKeyFileCipher(join(dir, 'secret.key'))),
    mode: 'headless',
    version: 'bench',
  });
  try {
    const cluster = await engine.clusters.add({ name: 'bench', hosts: labHostInputs(lab, transport) });
    let started = performance.now();
    const cold = await engine.inventory.get(cluster.id);
    const coldMs = performance.now() - started;
    const warm: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      started = performance.now();
      await engine.inventory.get(cluster.id, { refresh: true });
      warm.push(performance.now() - started);
    }
    console.log(
      `  ${transport.padEnd(4)}  ${cold.vms.length} VMs  cold (connect + list) ${coldMs.toFixed(0)} ms   warm re-list median ${median(warm).toFixed(0)} ms (min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)}, ${ROUNDS} rounds)`,
    );
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
