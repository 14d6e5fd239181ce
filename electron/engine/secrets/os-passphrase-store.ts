// Where the operating system can keep the headless secrets passphrase for the user: the Secret Service keyring on
// Linux (`secret-tool`, from libsecret-tools, with a D-Bus session), the login keychain on macOS (`security`), a
// DPAPI-protected file on Windows (read with PowerShell). Lifeboat only reads the passphrase from there, one entry
// per data folder; the user puts it there with the command `storeCommand` gives, so the passphrase is always one
// the user knows and can also give to a cron job another way. The Linux one has run against the real secret-tool
// and GNOME Keyring (by hand, in a dbus-run-session) and runs in the unit tests against a stand-in; macOS and
// Windows follow their tools' documentation and are untested.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface OsPassphraseStore {
  /** What the store is, for messages: "the Secret Service keyring (secret-tool)". */
  readonly name: string;
  /** The command that puts the passphrase there for this data folder, for the user to run. */
  readonly storeCommand: string;
  /** The passphrase, or null when the store has none for this data folder (or cannot be reached). */
  lookup(): Promise<string | null>;
}

/** The service name every entry is kept under. */
export const OS_STORE_SERVICE = 'lifeboat-secrets';
const LOOKUP_TIMEOUT_MS = 15_000;

function findExecutable(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return null;
}

/** Runs a tool and gives its stdout, or null when it fails, times out or is missing. Never rejects. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: LOOKUP_TIMEOUT_MS, encoding: 'utf8', windowsHide: true }, (error, stdout) =>
      resolve(error ? null : stdout),
    );
  });
}

/** The tool's output without the line end it may add; null for nothing. */
function firstLine(output: string | null): string | null {
  if (output === null) return null;
  const line = output.split(/\r?\n/)[0] ?? '';
  return line === '' ? null : line;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The store this machine offers for `dataDir`, or null when there is none usable right now. */
export function detectOsPassphraseStore(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): OsPassphraseStore | null {
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    const tool = findExecutable('secret-tool', env);
    // The Secret Service lives on the user's D-Bus session bus: a cron job or an SSH login usually has none.
    const runtimeDir = env['XDG_RUNTIME_DIR'];
    const hasBus = Boolean(env['DBUS_SESSION_BUS_ADDRESS']) || (runtimeDir !== undefined && runtimeDir !== '' && existsSync(join(runtimeDir, 'bus')));
    if (!tool || !hasBus) return null;
    const attributes = ['service', OS_STORE_SERVICE, 'data-dir', dataDir];
    return {
      name: 'the Secret Service keyring (secret-tool)',
      storeCommand: `secret-tool store --label='Lifeboat secrets passphrase' ${attributes.map(quote).join(' ')}`,
      lookup: async () => firstLine(await run(tool, ['lookup', ...attributes], env)),
    };
  }
  if (platform === 'darwin') {
    const tool = '/usr/bin/security';
    if (!existsSync(tool)) return null;
    return {
      name: 'the macOS keychain (security)',
      storeCommand: `security add-generic-password -s ${OS_STORE_SERVICE} -a ${quote(dataDir)} -w`,
      lookup: async () => firstLine(await run(tool, ['find-generic-password', '-s', OS_STORE_SERVICE, '-a', dataDir, '-w'], env)),
    };
  }
  if (platform === 'win32') {
    // DPAPI protects data for the Windows account; PowerShell's SecureString files are DPAPI blobs.
    const blob = join(dataDir, 'secrets-passphrase.dpapi');
    if (!existsSync(blob)) return null;
    const script =
      '[Console]::OutputEncoding = [Text.Encoding]::UTF8; ' +
      '$s = Get-Content -LiteralPath $env:LIFEBOAT_DPAPI_FILE -Raw | ConvertTo-SecureString; ' +
      '[Console]::Out.Write([Runtime.InteropServices.Marshal]::PtrToStringBSTR([Runtime.InteropServices.Marshal]::SecureStringToBSTR($s)))';
    return {
      name: 'a DPAPI-protected file (PowerShell)',
      storeCommand: `Read-Host -AsSecureString -Prompt 'Lifeboat secrets passphrase' | ConvertFrom-SecureString | Set-Content -LiteralPath "${blob}"`,
      lookup: async () =>
        firstLine(await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { ...env, LIFEBOAT_DPAPI_FILE: blob })),
    };
  }
  return null;
}
