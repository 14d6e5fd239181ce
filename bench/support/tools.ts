// Small helpers the benchmarks share: running a command-line tool, waiting for a server's unix socket, fast
// reproducible random bytes, and the figures (median, MiB/s).
import { type ChildProcess, spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createConnection } from 'node:net';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** Runs a command to completion and returns its stdout; throws with its stderr when it fails. */
export function tool(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * MiB });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal ?? result.error?.message}): ${result.stderr}`);
  }
  return result.stdout;
}

/** Resolves once something accepts connections on `path`; fails when `child` (the server) exits first. */
export async function waitForSocket(path: string, child: ChildProcess, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ path });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start listening on ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Incompressible bytes at memory speed (AES-256-CTR keystream keyed by `seed`): the same seed gives the same
 * bytes, and `offset` (a multiple of 16) continues the stream there.
 */
export function randomBytes(seed: string, length: number, offset = 0): Buffer {
  if (offset % 16 !== 0) throw new RangeError('offset must be a multiple of 16');
  const counter = Buffer.alloc(16);
  counter.writeBigUInt64BE(BigInt(offset / 16), 8);
  return createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), counter).update(Buffer.alloc(length));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

export function mibPerSecond(bytes: number, ms: number): number {
  return bytes / MiB / (ms / 1000);
}
