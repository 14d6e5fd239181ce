// The `lifeboat` command: headless mode and, as the product grows, backup/restore/points/verify for cron and
// servers. Every command takes --data-dir and --json; errors are one readable line (or a JSON object) and a
// non-zero exit code, never a stack trace.
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CatalogError } from '../engine/catalog/catalog.js';
import { defaultDataDir } from '../engine/paths.js';
import { CliError, type CliIo, type Command } from './command.js';
import { backupCommand, exportCommand, pointsCommand, repoCommand } from './commands/backups.js';
import { restoreCommand } from './commands/restore.js';
import { clusterCommand } from './commands/cluster.js';
import { infoCommand } from './commands/info.js';
import { runScheduledCommand, verifyCommand } from './commands/jobs.js';
import { inventoryCommand } from './commands/inventory.js';
import { secretsCommand } from './commands/secrets.js';
import { serveCommand } from './commands/serve.js';
import { appVersion } from './runtime.js';
import { PASSPHRASE_FILE_FLAG } from './secrets-passphrase.js';
import { SecretStoreError } from '../engine/secrets/secret-store.js';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  clusterCommand,
  inventoryCommand,
  repoCommand,
  backupCommand,
  pointsCommand,
  exportCommand,
  restoreCommand,
  verifyCommand,
  runScheduledCommand,
  secretsCommand,
  infoCommand,
];

const GLOBAL_OPTIONS = {
  'data-dir': { type: 'string' },
  [PASSPHRASE_FILE_FLAG]: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const GLOBAL_HELP = [
  '--data-dir DIR  the data folder (catalog, logs, secrets); default: the desktop app\'s, or $LIFEBOAT_DATA_DIR',
  '--secrets-passphrase-file PATH',
  '                the secrets passphrase, on the first line of this file (or $LIFEBOAT_SECRETS_PASSPHRASE_FILE);',
  '                asked for only when a stored password or passphrase is needed (docs/USER-GUIDE.md)',
  '--json          machine-readable output on stdout',
  '-h, --help      this help',
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Lifeboat ${appVersion}: agentless VM backup for small IT shops.`,
    '',
    'Usage: lifeboat <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    ...GLOBAL_HELP.map((line) => `  ${line}`),
    '',
    'Run `lifeboat <command> --help` for a command\'s options. `lifeboat --version` prints the version.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `${command.summary}.`,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    ...[...command.optionHelp, ...GLOBAL_HELP].map((line) => `  ${line}`),
  ].join('\n');
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

/**
 * Ctrl+C and SIGTERM as a promise, for commands that run until stopped (serve). Installed only when a command
 * asks for it, and removed when the command returns: any other command keeps the default (Ctrl+C ends it), and
 * calling main() again does not pile up listeners.
 */
function stopSignal(): { readonly requested: Promise<string>; dispose(): void } {
  let onSignal: ((signal: NodeJS.Signals) => void) | null = null;
  let requested: Promise<string> | null = null;
  const dispose = (): void => {
    if (!onSignal) return;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    onSignal = null;
  };
  return {
    get requested() {
      requested ??= new Promise<string>((resolveStop) => {
        onSignal = (signal) => {
          dispose();
          resolveStop(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      return requested;
    },
    dispose,
  };
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(mainHelp());
    return 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(appVersion);
    return 0;
  }
  const json = rest.includes('--json');
  const report = (error: CliError): number => {
    if (json) io.stdout(JSON.stringify({ error: { code: error.code, message: error.message } }));
    else io.stderr(`lifeboat: ${error.message}`);
    return error.exitCode;
  };

  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    return report(new CliError('unknown_command', `unknown command "${first}". Run \`lifeboat --help\` for the list.`, 2));
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    return report(new CliError('invalid_argument', `${(error as Error).message}. Usage: ${command.usage}`, 2));
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(command));
    return 0;
  }
  const dataDirArg = parsed.values['data-dir'];
  if (dataDirArg !== undefined && dataDirArg.trim() === '') {
    return report(new CliError('invalid_argument', '--data-dir needs a folder path', 2));
  }
  const dataDir = resolve(dataDirArg ?? defaultDataDir());
  const passphraseFileArg = parsed.values[PASSPHRASE_FILE_FLAG];
  if (passphraseFileArg !== undefined && passphraseFileArg.trim() === '') {
    return report(new CliError('invalid_argument', `--${PASSPHRASE_FILE_FLAG} needs a file path`, 2));
  }
  const stop = stopSignal();
  try {
    return await command.run({
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
      dataDir,
      secretsPassphraseFile: passphraseFileArg === undefined ? undefined : resolve(passphraseFileArg),
      json,
      io,
      get stopRequested() {
        return stop.requested;
      },
    });
  } catch (error) {
    if (error instanceof CliError) return report(error);
    if (error instanceof CatalogError) return report(new CliError(error.code, error.message));
    if (error instanceof SecretStoreError) return report(new CliError(error.reason ?? error.code, error.message));
    const detail = error instanceof Error ? error.message : String(error);
    return report(new CliError('internal', `${command.name} failed: ${detail}`));
  } finally {
    stop.dispose();
  }
}
