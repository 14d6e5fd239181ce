// Secrets (SSH passwords, key passphrases, repository passphrases) live only here: encrypted at rest, never in the
// catalog, logs or IPC events. The desktop app seals them with Electron's safeStorage (OS keychain, DPAPI,
// libsecret) through createFileSecretStore; headless mode protects them with a passphrase
// (headless-secret-store.ts), and still reads the key-file stores older versions made.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { IpcError } from '../../../shared/ipc/errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { rememberSecret } from '../logging/known-secrets.js';

export interface SecretStore {
  get(name: string): Promise<string | null>;
  /** Whether a secret is stored under `name`; needs no key or passphrase. */
  has(name: string): Promise<boolean>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface SecretCipher {
  /** Where the key lives, for diagnostics (never the key itself). */
  readonly description: string;
  encrypt(plain: string): Promise<Uint8Array>;
  decrypt(sealed: Uint8Array): Promise<string>;
}

/**
 * Why secrets cannot be used right now (no passphrase given, a wrong one, a file that can't be read). Crosses IPC
 * as `unavailable` with the reason; the CLI reports it as that reason and the message, which says what to do.
 */
export class SecretStoreError extends IpcError {
  constructor(
    reason: 'secrets_locked' | 'secrets_passphrase_wrong' | 'secrets_passphrase_too_short' | 'secrets_unreadable',
    message: string,
  ) {
    super('unavailable', message, reason);
    this.name = 'SecretStoreError';
  }
}

export const SECRETS_FORMAT = 'lifeboat-secrets';

/** Version 1: values sealed by a SecretCipher (safeStorage, or the key file of older headless versions). */
export const keyFileStoreSchema = z.object({
  format: z.literal(SECRETS_FORMAT),
  version: z.literal(1),
  secrets: z.record(z.string(), z.string()),
});

/** The parsed JSON, or null when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const SECRET_NAME = /^[a-z0-9][a-z0-9._:-]{0,199}$/i;

export function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) throw new Error(`invalid secret name: ${JSON.stringify(name.slice(0, 40))}`);
}

/**
 * A JSON file of sealed values (base64), rewritten atomically on each change; mode 0600. Every value stored or read
 * is remembered by the log redaction (known-secrets.ts), so it is masked wherever it would show up.
 */
export function createFileSecretStore(file: string, cipher: SecretCipher): SecretStore {
  let queue: Promise<unknown> = Promise.resolve();
  // Changes are serialized so two concurrent `set`s cannot lose each other's write.
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const load = async (): Promise<Record<string, string>> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const parsed = keyFileStoreSchema.safeParse(parseJson(text));
    if (!parsed.success) {
      const version = (parseJson(text) as { version?: unknown } | null)?.version;
      if (version === 2) {
        throw new SecretStoreError('secrets_unreadable', `the secrets in ${file} are protected by a headless-mode passphrase; the desktop app cannot read them`);
      }
      throw new SecretStoreError('secrets_unreadable', `secret store ${file} is not a Lifeboat secret file (version 1)`);
    }
    return parsed.data.secrets;
  };
  const save = async (secrets: Record<string, string>): Promise<void> => {
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify({ format: SECRETS_FORMAT, version: 1, secrets }, null, 2), { mode: 0o600 });
  };
  return {
    async get(name) {
      checkSecretName(name);
      const secrets = await load();
      const sealed = Object.hasOwn(secrets, name) ? secrets[name] : undefined;
      if (sealed === undefined) return null;
      const value = await cipher.decrypt(Buffer.from(sealed, 'base64'));
      rememberSecret(value);
      return value;
    },
    async has(name) {
      checkSecretName(name);
      return Object.hasOwn(await load(), name);
    },
    async set(name, value) {
      checkSecretName(name);
      rememberSecret(value);
      return serialize(async () => {
        const secrets = await load();
        secrets[name] = Buffer.from(await cipher.encrypt(value)).toString('base64');
        await save(secrets);
      });
    },
    async delete(name) {
      checkSecretName(name);
      return serialize(async () => {
        const secrets = await load();
        if (!Object.hasOwn(secrets, name)) return;
        delete secrets[name];
        await save(secrets);
      });
    },
  };
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random key kept in a file only the user can read (created on first use), next to the
 * secrets: anyone who copies the data folder has both. What headless mode used before passphrases; it is kept
 * for data folders that still have such a key and get no passphrase (headless-secret-store.ts), and for tests.
 */
export function createKeyFileCipher(keyFile: string): SecretCipher {
  let key: Promise<Buffer> | null = null;
  const loadKey = (): Promise<Buffer> => {
    key ??= (async () => {
      try {
        const existing = await readFile(keyFile);
        if (existing.length !== KEY_BYTES) throw new Error(`secret key file ${keyFile} is damaged (wrong length)`);
        return existing;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        const fresh = randomBytes(KEY_BYTES);
        await mkdir(dirname(keyFile), { recursive: true });
        await writeFileAtomic(keyFile, fresh, { mode: 0o600 });
        return fresh;
      }
    })();
    return key;
  };
  return {
    description: `AES-256-GCM, key file ${keyFile}`,
    async encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', await loadKey(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async decrypt(sealed) {
      const data = Buffer.from(sealed);
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('sealed secret is too short');
      const decipher = createDecipheriv('aes-256-gcm', await loadKey(), data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
