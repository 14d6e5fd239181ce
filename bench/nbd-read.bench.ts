// Read throughput of the NBD client against libnbd's nbdcopy, on the same qemu-nbd export in the same run.
//
//   node bench/nbd-read.bench.ts [--size-mib 1024] [--random 0.9] [--repeat 3] [--no-verify]
//
// Makes a qcow2 image of --size-mib MiB whose 4 MiB blocks are random data with probability --random (the rest
// are holes), serves it read-only with qemu-nbd on a unix socket, warms the page cache, then times (--repeat
// rounds, taking turns): nbdcopy to null: with its defaults and with one connection shaped like the client
// (8 x 4 MiB requests), and the client reading the whole export in order (readChunks, 8 requests in flight)
// with 4 MiB and with 32 MiB requests. It prints MiB/s (median and best) for each and the client's peak RSS,
// and (unless --no-verify) checks that the client's bytes hash to the same SHA-256 as the data written. A
// measurement, not a test: nothing fails on speed.
//
// Needs qemu-img, qemu-nbd (qemu-utils) and nbdcopy (libnbd-bin). Runs under Node 22 straight from the sources
// (support/source-hooks.ts).

import './support/engine-flags.ts';
import './support/source-hooks.ts';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MiB, median, mibPerSecond, tool, waitForSocket } from './support/tools.ts';

const { connectNbd } = await import('../electron/engine/nbd/index.js');

const BLOCK = 4 * MiB;

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '1024' },
    random: { type: 'string', default: '0.9' },
    'no-verify': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
  },
});
const sizeMiB = Number(values['size-mib']);
const randomShare = Number(values.random);
if (!Number.isInteger(sizeMiB) || sizeMiB < 4 || sizeMiB % 4 !== 0) throw new Error('--size-mib must be a multiple of 4, at least 4');
if (!(randomShare >= 0 && randomShare <= 1)) throw new Error('--random must be between 0 and 1');
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat must be a positive integer');
const size = sizeMiB * MiB;

const rate = (bytes: number, ms: number): string => mibPerSecond(bytes, ms).toFixed(0).padStart(6);

const dir = mkdtempSync(join(tmpdir(), 'lifeboat-nbd-bench-'));
let server: ChildProcess | null = null;
try {
  // The image: random 4 MiB blocks with holes between them, written raw, then converted (holes stay unallocated).
  const rawPath = join(dir, 'source.raw');
  const image = join(dir, 'disk.qcow2');
  const reference = createHash('sha256');
  const fd = openSync(rawPath, 'w');
  const block = Buffer.alloc(BLOCK);
  const zeros = Buffer.alloc(BLOCK);
  let randomBytes = 0;
  let seed = 12345;
  for (let at = 0; at < size; at += BLOCK) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    if (seed / 2 ** 31 < randomShare) {
      randomFillSync(block);
      writeSync(fd, block, 0, BLOCK, at);
      reference.update(block);
      randomBytes += BLOCK;
    } else {
      reference.update(zeros);
    }
  }
  ftruncateSync(fd, size);
  closeSync(fd);
  tool('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', rawPath, image]);
  rmSync(rawPath);
  const expectedHash = reference.digest('hex');

  const socket = join(dir, 'nbd.sock');
  server = spawn('qemu-nbd', ['-t', '-e', '8', '-r', '-x', 'vda', '-k', socket, '-f', 'qcow2', image], { stdio: 'ignore' });
  await waitForSocket(socket, server, 'qemu-nbd');
  const uri = `nbd+unix:///vda?socket=${socket}`;

  console.log(`image: ${sizeMiB} MiB qcow2, ${(randomBytes / MiB).toFixed(0)} MiB random data, ${((size - randomBytes) / MiB).toFixed(0)} MiB holes; qemu-nbd -r, unix socket`);
  // Warm the page cache so every run reads the same way (from memory, through qemu-nbd).
  tool('nbdcopy', [uri, 'null:']);

  const readAll = async (chunkSize: number, verify: boolean): Promise<{ ms: number; cpuMs: number; hash: string | null }> => {
    const client = await connectNbd({ kind: 'unix', path: socket }, { exportName: 'vda', maxInFlight: 8 });
    const hash = verify ? createHash('sha256') : null;
    const cpu = process.cpuUsage();
    const started = performance.now();
    let bytes = 0;
    for await (const chunk of client.readChunks(0, client.export.size, { chunkSize })) {
      bytes += chunk.data.length;
      hash?.update(chunk.data);
    }
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await client.close();
    if (bytes !== size) throw new Error(`read ${bytes} bytes, expected ${size}`);
    return { ms, cpuMs: (used.user + used.system) / 1000, hash: hash?.digest('hex') ?? null };
  };

  // The runs take turns, so noise from the (shared, small) machine spreads over all of them; each is reported
  // with its median and best time.
  interface Run {
    label: string;
    once: () => Promise<{ ms: number; cpuMs: number | null }>;
    times: number[];
    cpu: number[];
  }
  const nbdcopyRun = (label: string, args: readonly string[]): Run => ({
    label,
    times: [],
    cpu: [],
    once: () => {
      const started = performance.now();
      tool('nbdcopy', [...args, uri, 'null:']);
      return Promise.resolve({ ms: performance.now() - started, cpuMs: null });
    },
  });
  const clientRun = (chunkSize: number): Run => ({
    label: `lifeboat NbdClient, 1 connection, 8 x ${chunkSize / MiB} MiB in flight`,
    times: [],
    cpu: [],
    once: () => readAll(chunkSize, false),
  });
  const runs: Run[] = [
    nbdcopyRun('nbdcopy, defaults (multi-conn: 4 connections x 64 x 256 KiB)', []),
    nbdcopyRun('nbdcopy, 1 connection, 8 x 4 MiB requests', ['--connections=1', '--requests=8', '--request-size=4194304']),
    clientRun(4 * MiB),
    clientRun(32 * MiB),
  ];
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  for (let round = 0; round < repeat; round++) {
    for (const run of runs) {
      const { ms, cpuMs } = await run.once();
      run.times.push(ms);
      if (cpuMs !== null) run.cpu.push(cpuMs);
    }
  }
  console.log(`${'(MiB/s over the whole image)'.padEnd(60)} median    best  client CPU s (median)`);
  for (const run of runs) {
    const cpu = run.cpu.length > 0 ? median(run.cpu) / 1000 : null;
    console.log(`${run.label.padEnd(60)} ${rate(size, median(run.times))}  ${rate(size, Math.min(...run.times))}  ${cpu === null ? '' : cpu.toFixed(2)}`);
  }
  console.log(`client process peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (${(rssBefore / MiB).toFixed(0)} MiB before the client ran; 8 x 32 MiB requests in flight account for 256 MiB)`);

  if (values['no-verify'] !== true) {
    const { hash } = await readAll(4 * MiB, true);
    console.log(`verify: SHA-256 of the client's bytes ${hash === expectedHash ? 'matches' : 'DIFFERS FROM'} the data written (${expectedHash.slice(0, 16)}...)`);
    if (hash !== expectedHash) process.exitCode = 1;
  }
} finally {
  if (server !== null && server.exitCode === null && server.pid !== undefined) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    process.kill(server.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
