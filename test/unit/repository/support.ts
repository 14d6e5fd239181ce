// Shared by the repository tests and by the child processes they spawn (which Node runs straight from source,
// so this file sticks to erasable TypeScript). Disk images here are deterministic functions of a seed string:
// a test can rebuild exactly what a killed child stored.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createCipheriv, createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../../electron/engine/clock.js';
import { createLogger, type Logger } from '../../../electron/engine/logging/logger.js';
import type { DiskImageResult } from '../../../electron/engine/repository/disk-image-writer.js';
import { sumDiskStats, type Manifest } from '../../../electron/engine/repository/format.js';
import { Repository } from '../../../electron/engine/repository/repository.js';
import { seededRandom as seededSource } from '../../support/random.js';
import { makeTempDir } from '../../support/temp.js';

export const MiB = 1024 * 1024;

export const CLUSTER_ID = '3f1c2a64-8d0e-4c1b-9a57-0b6f4e2d9c11';
export const VM_UUID = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
export const HOST_ID = '5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `length` pseudo-random bytes determined by `seed` (AES-256-CTR keystream: fast and native). */
export function seededBytes(seed: string, length: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

/** Bytes zstd squeezes well but that are not trivially repetitive: words picked by a seeded stream. */
export function compressibleBytes(seed: string, length: number): Buffer {
  const words = ['root ', 'var ', 'log ', 'kernel: ', 'eth0 ', 'up ', 'ok\n', '0000 ', 'ffff ', 'systemd[1]: ', 'Started ', 'session '];
  const picks = seededBytes(seed, length);
  const out = Buffer.alloc(length);
  let at = 0;
  for (let i = 0; at < length; i += 1) at += out.write(words[(picks[i % picks.length] ?? 0) % words.length] ?? '', at, 'latin1');
  return out;
}

/** The seeded PRNG of test/support/random.ts for decisions (kill times, shuffles), with an exclusive bound. */
export function seededRandom(seed: number): { next(): number; int(max: number): number } {
  const random = seededSource(seed);
  return { next: random.next, int: (max) => random.int(0, max - 1) };
}

export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export const silentLogger = (): Logger => createLogger([]);

/** A clock a test moves by hand. */
export function manualClock(start = new Date('2025-03-01T10:00:00.000Z')): Clock & { advance(ms: number): void; set(date: Date): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms), set: (date) => (now = date.getTime()) };
}

/** A new repository (no lock held) in `<temp folder>/repo`, for the tests that hand it to child processes. */
export async function initTempRepository(prefix: string, chunkSize: number): Promise<{ dir: string; path: string; remove: () => void }> {
  const temp = makeTempDir(prefix);
  const path = join(temp.dir, 'repo');
  await Repository.init(path, { clock: manualClock(), logger: silentLogger(), chunkSize });
  return { dir: temp.dir, path, remove: temp.remove };
}

/** Stores a whole disk image through a DiskImageWriter (slots in `order`, default in order) and returns its entry. */
export async function storeImage(repo: Repository, image: Buffer, options: { order?: number[]; concurrency?: number; base?: (string | null)[] } = {}): Promise<DiskImageResult> {
  const writer = repo.createDiskImageWriter({
    capacityBytes: image.length,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.base === undefined ? {} : { base: options.base }),
  });
  const order = options.order ?? Array.from({ length: writer.chunkCount }, (_, i) => i);
  for (const index of order) {
    const start = index * writer.chunkSize;
    await writer.write(index, image.subarray(start, start + writer.lengthOf(index)));
  }
  return writer.finish();
}

export interface ManifestInput {
  id?: string;
  createdAt?: Date;
  vmUuid?: string;
  vmName?: string;
  type?: 'full' | 'incremental';
  parentPointId?: string | null;
  disks: Array<{ target: string; capacityBytes: number; chunkSize: number; result: DiskImageResult }>;
}

export function buildManifest(input: ManifestInput): Manifest {
  const createdAt = input.createdAt ?? new Date();
  const type = input.type ?? 'full';
  const disks = input.disks.map((d) => ({ target: d.target, format: 'qcow2', capacityBytes: d.capacityBytes, chunkSize: d.chunkSize, chunks: d.result.chunks, stats: d.result.stats }));
  const checkpointName = `lifeboat-${createdAt.getTime()}`;
  return {
    format: 'lifeboat-restore-point',
    version: 1,
    id: input.id ?? randomUUID(),
    createdAt: createdAt.toISOString(),
    completedAt: new Date(createdAt.getTime() + 1000).toISOString(),
    vm: { clusterId: CLUSTER_ID, vmUuid: input.vmUuid ?? VM_UUID, name: input.vmName ?? 'web-01' },
    sourceHost: { id: HOST_ID, label: 'kvm-a', hostname: 'kvm-a.example.lan' },
    configXml: `<domain type='kvm'><name>${input.vmName ?? 'web-01'}</name></domain>`,
    type,
    checkpoint: { name: checkpointName, parentName: type === 'incremental' ? 'lifeboat-previous' : null, xml: `<domaincheckpoint><name>${checkpointName}</name></domaincheckpoint>` },
    parentPointId: type === 'incremental' ? (input.parentPointId ?? randomUUID()) : null,
    disks,
    stats: sumDiskStats(disks),
  };
}

/**
 * The disk image the crash test's writer stores for `seed`: 1 to 8 chunk slots, the last one short, each slot
 * random, zero, shared by every image (dedup across points), compressible, or half zero.
 */
export function crashImage(seed: string, chunkSize: number): Buffer {
  const shape = seededBytes(`${seed}/shape`, 16);
  const slots = 1 + ((shape[0] ?? 0) % 8);
  const capacity = (slots - 1) * chunkSize + 1 + (shape.readUInt32LE(1) % chunkSize);
  const image = Buffer.alloc(capacity);
  for (let slot = 0; slot < slots; slot += 1) {
    const start = slot * chunkSize;
    const length = Math.min(chunkSize, capacity - start);
    const kind = (shape[5 + slot] ?? 0) % 5;
    if (kind === 0) seededBytes(`${seed}/${slot}`, length).copy(image, start);
    else if (kind === 1) continue;
    else if (kind === 2) seededBytes('shared-across-points', length).copy(image, start);
    else if (kind === 3) compressibleBytes(`${seed}/${slot}`, length).copy(image, start);
    else seededBytes(`${seed}/${slot}`, Math.ceil(length / 2)).copy(image, start);
  }
  return image;
}

/** Every file under `dir` (relative paths), for "nothing else was written" checks. */
export function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

const SOURCE_HOOKS = fileURLToPath(new URL('../../../bench/support/source-hooks.ts', import.meta.url));

/** Runs a fixture script of this folder in a child Node (this Node: 22, running TypeScript sources directly). */
export function spawnFixture(name: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return spawn(process.execPath, ['--no-warnings', '--import', SOURCE_HOOKS, script, ...args], { stdio: 'pipe' });
}

/** Resolves with the first stdout line equal to `line`; rejects if the child exits first. */
export function waitForLine(child: ChildProcessWithoutNullStreams, line: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => done(new Error(`timed out waiting for "${line}" from the child; stderr: ${stderr}`)), timeoutMs);
    const onData = (data: Buffer): void => {
      buffered += data.toString('utf8');
      if (buffered.split('\n').includes(line)) done(null);
    };
    const onErr = (data: Buffer): void => {
      stderr += data.toString('utf8');
    };
    const onExit = (code: number | null, signal: string | null): void => done(new Error(`child exited (${code ?? signal}) before "${line}"; stderr: ${stderr}`));
    const done = (error: Error | null): void => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onErr);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onErr);
    child.on('exit', onExit);
  });
}

export function waitForExit(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
