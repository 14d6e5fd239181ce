import './support/engine-flags.ts';
import './support/source-hooks.ts';
// Benchmark: chunk put throughput of the repository (SHA-256 + zero check + zstd + temp file, fsync, rename),
// through a DiskImageWriter as a backup drives it, for random (incompressible, stored raw), compressible
// (text-like, stored as zstd), all-zero (never stored) and already-stored (dedup: hash + existence check)
// 4 MiB chunks. Prints MiB/s of source data and the peak RSS while each ran; asserts nothing.
//
//   node bench/repository.bench.ts [--mib 256] [--concurrency 4] [--dir /mnt/nas/bench]
//
// --dir puts the scratch repository elsewhere (a NAS mount, another disk); it is removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MiB, randomBytes } from './support/tools.ts';

const { systemClock } = await import('../electron/engine/clock.js');
const { createLogger } = await import('../electron/engine/logging/logger.js');
const { Repository } = await import('../electron/engine/repository/index.js');

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    concurrency: { type: 'string', default: '4' },
    dir: { type: 'string', default: tmpdir() },
  },
});
const totalMiB = Number(values.mib);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(totalMiB) || totalMiB < 4 || totalMiB % 4 !== 0) throw new Error('--mib must be a multiple of 4, at least 4');
if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive integer');

const scratch = mkdtempSync(join(values.dir, 'lifeboat-bench-repository-'));

function textBytes(seed: string, length: number): Buffer {
  const words = ['root ', 'var ', 'log ', 'kernel: ', 'eth0 ', 'up ', 'ok\n', '0000 ', 'ffff ', 'systemd[1]: ', 'Started ', 'session '];
  const picks = randomBytes(seed, length);
  const out = Buffer.alloc(length);
  let at = 0;
  for (let i = 0; at < length; i += 1) at += out.write(words[(picks[i] ?? 0) % words.length] ?? '', at, 'latin1');
  return out;
}

/** Samples RSS while a phase runs (process maxRSS only ever grows, so it cannot give a per-phase peak). */
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

try {
  const repo = await Repository.init(join(scratch, 'repo'), { clock: systemClock, logger: createLogger([]), writer: true });
  const chunkSize = repo.config.chunkSize;
  const chunks = (totalMiB * MiB) / chunkSize;
  // A small pool of source buffers, each chunk stamped with its index so every chunk is distinct; the pool is
  // larger than the puts in flight, so a buffer is never restamped while still being stored.
  const pool = (make: (seed: string) => Buffer): Buffer[] => Array.from({ length: concurrency * 2 + 1 }, (_, i) => make(`pool-${i}`));
  const phases: Array<{ name: string; source: Buffer[]; stamp: boolean }> = [
    { name: 'random (stored raw)', source: pool((seed) => randomBytes(seed, chunkSize)), stamp: true },
    { name: 'compressible (zstd)', source: pool((seed) => textBytes(seed, chunkSize)), stamp: true },
    { name: 'zero (not stored)', source: [Buffer.alloc(chunkSize)], stamp: false },
    { name: 'already stored (dedup)', source: [], stamp: true },
  ];
  // The dedup phase puts the random phase's chunks again.
  const randomSource = phases[0]?.source ?? [];
  const dedupPhase = phases[3];
  if (dedupPhase) dedupPhase.source = randomSource;

  console.log(`repository put benchmark: ${totalMiB} MiB per kind in ${chunkSize / MiB} MiB chunks, ${concurrency} puts in flight, in ${scratch}`);
  console.log(`  baseline RSS ${(process.memoryUsage.rss() / MiB).toFixed(0)} MiB`);
  for (const phase of phases) {
    const writer = repo.createDiskImageWriter({ capacityBytes: chunks * chunkSize, concurrency });
    const rss = rssSampler();
    const started = performance.now();
    for (let index = 0; index < chunks; index += 1) {
      const buffer = phase.source[index % phase.source.length];
      if (!buffer) throw new Error('empty source pool');
      if (phase.stamp) buffer.writeUInt32LE(index, 0);
      await writer.write(index, buffer);
    }
    const { stats } = await writer.finish();
    const seconds = (performance.now() - started) / 1000;
    const peak = rss.stop();
    console.log(
      `  ${phase.name.padEnd(24)} ${(totalMiB / seconds).toFixed(0).padStart(5)} MiB/s  (${seconds.toFixed(2)} s)  ` +
        `new ${stats.chunksNew}, reused ${stats.chunksReused}, zero ${stats.chunksZero}, stored ${(stats.bytesStored / MiB).toFixed(1)} MiB  ` +
        `peak RSS ${(peak / MiB).toFixed(0)} MiB`,
    );
  }
  await repo.close();
  console.log(`  process peak RSS (maxRSS) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
