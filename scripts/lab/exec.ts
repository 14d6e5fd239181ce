// Running commands and handling the lab's processes (pid files, /proc checks, stopping).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Where the child's stdout and stderr go instead of being captured (daemon starters). */
  logFile?: string;
}

export class CommandError extends Error {
  readonly result: RunResult;
  constructor(message: string, result: RunResult) {
    super(message);
    this.name = 'CommandError';
    this.result = result;
  }
}

/** Runs a command to completion; never throws for a non-zero exit (code 127 when it cannot be started). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let logFd: number | undefined;
    if (opts.logFile !== undefined) logFd = openSync(opts.logFile, 'a');
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', logFd ?? 'pipe', logFd ?? 'pipe'],
    });
    if (logFd !== undefined) closeSync(logFd);
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      resolve(result);
    };
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            finish({ code: -1, stdout, stderr: `${stderr}\n(killed after ${opts.timeoutMs} ms)` });
          }, opts.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => finish({ code: 127, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code, signal) => finish({ code: code ?? (signal === null ? -1 : 128), stdout, stderr }));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a command and returns its stdout; throws a CommandError naming the command and its stderr otherwise. */
export async function mustRun(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-8).join('\n');
    throw new CommandError(`\`${[cmd, ...args].join(' ')}\` failed (exit ${result.code}): ${detail}`, result);
  }
  return result.stdout;
}

/**
 * Starts a long-lived process in its own session (so it outlives `npm run lab:up` and its process group), with
 * stdout/stderr appended to logFile. Returns its pid.
 */
export function spawnDaemon(cmd: string, args: readonly string[], logFile: string): number {
  const logFd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  child.on('error', () => {
    // Reported by the caller's readiness check (the pid will not be alive); nothing else to do here.
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  return child.pid;
}

export function readPidFile(path: string): number | null {
  if (!existsSync(path)) return null;
  const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 1 ? pid : null;
}

export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, path);
}

/** Writes the file only when its content differs, so a repeated `up` leaves files (and mtimes) alone. */
export function writeFileIfChanged(path: string, content: string, mode = 0o644): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return false;
  writeFileAtomic(path, content, mode);
  return true;
}

interface ProcStat {
  state: string;
  ppid: number;
}

function procStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: parse after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

/** True while the process exists and is not a zombie (a killed daemon stays <defunct> until its parent reaps it). */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
  } catch {
    return [];
  }
}

/**
 * A pid from a pid file is only trusted when the live process still looks like the one the lab started (pids are
 * reused): its command line must contain every given fragment.
 */
export function isLabProcess(pid: number | null, fragments: readonly string[]): pid is number {
  if (pid === null || !isAlive(pid)) return false;
  const line = cmdline(pid).join(' ');
  return fragments.every((f) => line.includes(f));
}

/** All live descendants of pid (children first-level and below), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat === null) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    for (const child of children.get(next) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out.filter(isAlive);
}

/** SIGTERM, then SIGKILL for whatever is still alive after graceMs; waits until all are gone (or zombies). */
export async function terminate(pids: readonly number[], graceMs = 5000): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  };
  let alive = pids.filter(isAlive);
  for (const pid of alive) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(50);
    alive = alive.filter(isAlive);
  }
  for (const pid of alive) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (alive.length > 0 && Date.now() < killDeadline) {
    await sleep(50);
    alive = alive.filter(isAlive);
  }
}

/** Polls check() until it returns a non-null value or the timeout passes (then returns null). */
export async function waitFor<T>(check: () => Promise<T | null> | T | null, timeoutMs: number, intervalMs = 100): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() >= deadline) return null;
    await sleep(intervalMs);
  }
}

/** The last lines of a log file, for error messages. */
export function tail(path: string, lines = 15): string {
  try {
    const text = readFileSync(path, 'utf8').trimEnd();
    if (text === '') return `(${path} is empty)`;
    return `--- last lines of ${path} ---\n${text.split('\n').slice(-lines).join('\n')}`;
  } catch {
    return `(no ${path})`;
  }
}
