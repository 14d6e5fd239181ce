// Secrets (SSH passwords, key passphrases, repository passphrases) live only here: encrypted at rest, never in the
// catalog, logs or IPC events. The cipher is the platform's: Electron's safeStorage in the desktop app (OS keychain,
// DPAPI, libsecret), a key file readable only by the user in headless mode.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { rememberSecret } from '../logging/known-secrets.js';

export interface SecretStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface SecretCipher {
  /** Where the key lives, for diagnostics (never the key itself). */
  readonly description: string;
  encrypt(plain: string): Promise<Uint8Array>;
  decrypt(sealed: Uint8Array): Promise<string>;
}

const storeFileSchema = z.object({
  format: z.literal('lifeboat-secrets'),
  version: z.literal(1),
  secrets: z.record(z.string(), z.string()),
});

const SECRET_NAME = /^[a-z0-9][a-z0-9._:-]{0,199}$/i;

function checkName(name: string): void {
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
    const parsed = storeFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`secret store ${file} is not a Lifeboat secret file (version 1)`);
    return parsed.data.secrets;
  };
  const save = async (secrets: Record<string, string>): Promise<void> => {
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify({ format: 'lifeboat-secrets', version: 1, secrets }, null, 2), { mode: 0o600 });
  };
  return {
    async get(name) {
      checkName(name);
      const sealed = (await load())[name];
      if (sealed === undefined) return null;
      const value = await cipher.decrypt(Buffer.from(sealed, 'base64'));
      rememberSecret(value);
      return value;
    },
    async set(name, value) {
      checkName(name);
      rememberSecret(value);
      return serialize(async () => {
        const secrets = await load();
        secrets[name] = Buffer.from(await cipher.encrypt(value)).toString('base64');
        await save(secrets);
      });
    },
    async delete(name) {
      checkName(name);
      return serialize(async () => {
        const secrets = await load();
        if (!(name in secrets)) return;
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
 * AES-256-GCM with a random key kept in a file only the user can read (created on first use). Used in headless
 * mode, where no OS keychain is at hand; the desktop app uses safeStorage instead.
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
