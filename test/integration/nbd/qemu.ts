// Real QEMU tools for the NBD integration tests: images made with qemu-img, data written with qemu-io, exports
// served by qemu-nbd (Debian qemu-utils). Every qemu-nbd started here is a direct child, stopped by its pid.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** Runs a tool and returns its stdout; a failure names the command and carries its stderr. */
export function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || String(error)}`, { cause: error });
  }
}

export function createQcow2(path: string, size: number): void {
  run('qemu-img', ['create', '-q', '-f', 'qcow2', path, String(size)]);
}

/** Runs qemu-io commands (e.g. `write -P 0xab 1M 64k`, `write -s data.bin 3M 128k`) on a qcow2 image. */
export function qemuIo(path: string, commands: readonly string[]): void {
  run('qemu-io', ['-f', 'qcow2', ...commands.flatMap((command) => ['-c', command]), path]);
}

/** The image as a raw file, the reference every read is compared with. */
export function convertToRaw(image: string, raw: string): void {
  run('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', image, raw]);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface QemuNbd {
  pid: number;
  process: ChildProcess;
  /** Sends a signal to this qemu-nbd (by its pid). */
  signal(signal: NodeJS.Signals): void;
  /** Stops it (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  stop(): Promise<void>;
  stderr(): string;
}

const started = new Set<QemuNbd>();

export interface QemuNbdOptions {
  image: string;
  /** Default qcow2. `--image-opts` when null: `image` is then the option string. */
  format?: string | null;
  exportName?: string;
  description?: string;
  socket?: string;
  tcpPort?: number;
  bitmaps?: readonly string[];
  readOnly?: boolean;
}

async function reachable(options: QemuNbdOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = options.socket !== undefined ? createConnection({ path: options.socket }) : createConnection({ host: '127.0.0.1', port: options.tcpPort as number });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `qemu-nbd` in the foreground as a child: persistent (-t) and shared (-e 16), so a test may open several
 * connections one after another or at once. Resolves once it accepts connections.
 */
export async function startQemuNbd(options: QemuNbdOptions): Promise<QemuNbd> {
  const args = ['-t', '-e', '16', '-x', options.exportName ?? 'vda'];
  if (options.description !== undefined) args.push('-D', options.description);
  if (options.socket !== undefined) args.push('-k', options.socket);
  if (options.tcpPort !== undefined) args.push('-b', '127.0.0.1', '-p', String(options.tcpPort));
  for (const bitmap of options.bitmaps ?? []) args.push('-B', bitmap);
  if (options.readOnly ?? true) args.push('-r');
  if (options.format === null) args.push('--image-opts', options.image);
  else args.push('-f', options.format ?? 'qcow2', options.image);
  const child = spawn('qemu-nbd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('qemu-nbd did not start');
  const server: QemuNbd = {
    pid,
    process: child,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
    },
    stop: async () => {
      started.delete(server);
      server.signal('SIGTERM');
      const timer = setTimeout(() => server.signal('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
    stderr: () => stderr,
  };
  started.add(server);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`qemu-nbd ${args.join(' ')} exited with ${child.exitCode}: ${stderr}`);
    if (await reachable(options)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`qemu-nbd ${args.join(' ')} did not accept connections within 10 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Stops every qemu-nbd these helpers started and that is still running. */
export async function stopAllQemuNbd(): Promise<void> {
  await Promise.all([...started].map((server) => server.stop()));
}

/** Byte ranges [start, end) rounded out to `granularity` and merged: what qcow2 allocates or a bitmap marks. */
export function alignedUnion(ranges: ReadonlyArray<readonly [number, number, ...unknown[]]>, granularity: number): Array<[number, number]> {
  const rounded = ranges
    .map(([offset, length]) => [Math.floor(offset / granularity) * granularity, Math.ceil((offset + length) / granularity) * granularity] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of rounded) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
