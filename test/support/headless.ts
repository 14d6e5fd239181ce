// Starts the real `lifeboat serve` (the package's bin, built output) as a child process, the way a user would.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

/**
 * The secrets passphrase every CLI started here gets, in LIFEBOAT_SECRETS_PASSPHRASE as a cron job would give it:
 * a test that stores a password or key passphrase through the CLI or the served app has one; the others never
 * use it (the passphrase is asked for only when a secret is read or written).
 */
export const TEST_SECRETS_PASSPHRASE = 'lifeboat-test-secrets-passphrase';
const cliEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LIFEBOAT_SECRETS_PASSPHRASE: TEST_SECRETS_PASSPHRASE });

export interface ServeProcess {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far (its log lines). */
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServeOptions {
  /** Added to the CLI's environment: `{ HOME: dir }` makes the folder the onboarding proposes land in `dir`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Run as a person in a terminal would (no --json): serve then writes its log lines to stderr, where `stderr()`
   * collects them; the URL is read from its human-readable start message.
   */
  logToStderr?: boolean;
}

export async function startServe(dataDir: string, extraArgs: string[] = [], options: ServeOptions = {}): Promise<ServeProcess> {
  const bin = resolve('scripts/lifeboat.mjs');
  const json = options.logToStderr === true ? [] : ['--json'];
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...json, '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cliEnv(), ...options.env },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`lifeboat serve printed no URL in time; stderr: ${stderr}`)), 30_000);
    lines.on('line', (line) => {
      let found: string | undefined;
      try {
        found = json.length > 0 ? (JSON.parse(line) as { url: string }).url : /https?:\/\/\S+/.exec(line)?.[0];
      } catch (error) {
        reject(new Error(`lifeboat serve printed ${line} (${String(error)}); stderr: ${stderr}`));
      }
      if (found === undefined) return;
      clearTimeout(timer);
      lines.removeAllListeners('line');
      resolveUrl(found);
    });
    void exited.then((code) => reject(new Error(`lifeboat serve exited (${code}) before printing a URL; stderr: ${stderr}`)));
  });
  const port = Number(new URL(url).port);
  const token = new URL(url).hash.replace(/^#token=/, '');
  return {
    url,
    port,
    token,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs a `lifeboat` CLI command on a data folder (with --json) and returns its stdout; throws with its output on failure. */
export function runCli(dataDir: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [resolve('scripts/lifeboat.mjs'), ...args, '--data-dir', dataDir, '--json'], {
    encoding: 'utf8',
    env: cliEnv(),
    // A backup of a lab VM from the CLI can take a while on a loaded machine.
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`lifeboat ${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}
