// What every CLI command that needs the engine opens: a logger (file, plus the console for long-running
// commands), the headless secret store (passphrase-protected, asked for only when a secret is needed) and the
// engine itself, all on one data folder.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../engine/clock.js';
import { createEngine, type Engine } from '../engine/engine.js';
import { createJsonFileSink } from '../engine/logging/file-sink.js';
import { createLogger, formatLogLine, type Logger, type LogSink } from '../engine/logging/logger.js';
import { labDir } from '../engine/clusters/lab-cluster.js';
import { dataDirLayout } from '../engine/paths.js';
import { createHeadlessSecretStore, type HeadlessSecretStore } from '../engine/secrets/headless-secret-store.js';
import { detectOsPassphraseStore } from '../engine/secrets/os-passphrase-store.js';
import { createCliPassphraseProvider } from './secrets-passphrase.js';

/** The project root: this file is at dist/electron/cli/ once built, electron/cli/ in tests. */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'lifeboat') return dir;
    } catch {
      // Not here; look one folder up.
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the Lifeboat package folder');
})();

export const appVersion = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
export const rendererDir = resolve(projectRoot, 'dist', 'renderer');

export interface HeadlessRuntime {
  engine: Engine;
  logger: Logger;
  secrets: HeadlessSecretStore;
}

export interface HeadlessRuntimeOptions {
  console?: (line: string) => void;
  /** Run due backup schedules while the runtime lives (`serve`). */
  runSchedules?: boolean;
  /** --secrets-passphrase-file, when given. */
  secretsPassphraseFile?: string | undefined;
}

export function openHeadlessRuntime(dataDir: string, options: HeadlessRuntimeOptions = {}): HeadlessRuntime {
  const layout = dataDirLayout(dataDir);
  const sinks: LogSink[] = [createJsonFileSink(layout.logsDir)];
  const toConsole = options.console;
  if (toConsole) sinks.push((record) => toConsole(formatLogLine(record)));
  const logger = createLogger(sinks, { minLevel: process.env['LIFEBOAT_LOG_LEVEL'] === 'debug' ? 'debug' : 'info' });
  const secrets = createHeadlessSecretStore({
    file: layout.secretsFile,
    legacyKeyFile: layout.secretKeyFile,
    logger,
    passphrase: createCliPassphraseProvider({
      dataDir,
      flagFile: options.secretsPassphraseFile,
      env: process.env,
      osStore: detectOsPassphraseStore(dataDir),
      terminal: process.stdin.isTTY ? { input: process.stdin, output: process.stderr } : null,
      logger,
    }),
  });
  const engine = createEngine({
    dataDir,
    logger,
    clock: systemClock,
    secrets,
    mode: 'headless',
    version: appVersion,
    runSchedules: options.runSchedules ?? false,
    // Without a desktop there is no documents folder to ask for: the onboarding proposes a folder in the home.
    userDocumentsDir: homedir(),
    labDir: labDir(),
    // Headless mode has no desktop notifications: a job's end is a log line (on the console for `serve`).
    onJobEnded: (summary) =>
      logger.info(`job ended: ${summary.title}: ${summary.state}`, {
        job: summary.id,
        kind: summary.kind,
        succeeded: summary.itemsSucceeded,
        failed: summary.itemsFailed,
        items: summary.itemCount,
      }),
  });
  return { engine, logger, secrets };
}
