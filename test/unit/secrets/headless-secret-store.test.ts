// The headless secret store: passphrase protection (scrypt + AES-256-GCM with the name bound), a wrong passphrase
// told apart and nothing rewritten, laziness, and the move of a version-1 key-file store, crash included.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetKnownSecrets } from '../../../electron/engine/logging/known-secrets.js';
import { redactText, type LogRecord } from '../../../electron/engine/logging/logger.js';
import {
  createHeadlessSecretStore,
  type HeadlessSecretStoreOptions,
  type PassphraseOffer,
  type PassphraseProvider,
  type PassphraseRequest,
} from '../../../electron/engine/secrets/headless-secret-store.js';
import { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from '../../../electron/engine/secrets/passphrase-cipher.js';
import { createFileSecretStore, createKeyFileCipher, SecretStoreError } from '../../../electron/engine/secrets/secret-store.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

/** Fast enough for tests; the production defaults are asserted separately. */
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
const PASSPHRASE = 'Tr0ub4dor&3-horse-battery';
const OTHER_PASSPHRASE = 'a-different-passphrase-9';
const HOW_TO = 'Give it with LIFEBOAT_SECRETS_PASSPHRASE.';

/** A provider with a fixed answer (or none), recording every request. */
function provider(value: string | null, options: { interactive?: boolean } = {}): PassphraseProvider & { requests: PassphraseRequest[] } {
  const requests: PassphraseRequest[] = [];
  return {
    requests,
    howToProvide: HOW_TO,
    async get(request) {
      requests.push(request);
      if (value === null) return null;
      // A prompt only answers interactive requests.
      if (options.interactive && !request.interactive) return null;
      return { value, from: options.interactive ? 'the prompt' : 'LIFEBOAT_SECRETS_PASSPHRASE', canRetry: options.interactive === true } satisfies PassphraseOffer;
    },
  };
}

describe('headless secret store', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let keyFile: string;
  let records: LogRecord[];
  let logger: ReturnType<typeof createMemoryLogger>['logger'];

  const open = (passphrase: PassphraseProvider, extra: Partial<HeadlessSecretStoreOptions> = {}) =>
    createHeadlessSecretStore({ file, legacyKeyFile: keyFile, passphrase, logger, scrypt: FAST, ...extra });

  /** A data folder as older versions left it: a version-1 file sealed with the key file beside it. */
  const writeKeyFileStore = async (values: Record<string, string>): Promise<void> => {
    const legacy = createFileSecretStore(file, createKeyFileCipher(keyFile));
    for (const [name, value] of Object.entries(values)) await legacy.set(name, value);
  };

  const LEGACY_VALUES = { 'host.a.secret': 'ssh-password-one', 'host.b.secret': 'key passphrase "two"', 'repo.main.passphrase': 'repo-pass-three' };

  beforeEach(() => {
    temp = makeTempDir('headless-secrets');
    file = join(temp.dir, 'secrets.json');
    keyFile = join(temp.dir, 'secret.key');
    ({ logger, records } = createMemoryLogger());
    forgetKnownSecrets();
  });
  afterEach(() => {
    forgetKnownSecrets();
    temp.remove();
  });

  it('production scrypt parameters are the strong ones, and a store made without overrides uses them', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const store = createHeadlessSecretStore({ file, legacyKeyFile: keyFile, passphrase: provider(PASSPHRASE), logger });
    await store.set('host.a.secret', 'value-under-defaults');
    const header = JSON.parse(readFileSync(file, 'utf8')) as { kdf: { N: number; r: number; p: number } };
    expect(header.kdf).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    expect(await createHeadlessSecretStore({ file, legacyKeyFile: keyFile, passphrase: provider(PASSPHRASE), logger }).get('host.a.secret')).toBe(
      'value-under-defaults',
    );
  });

  it('round-trips secrets under a passphrase: version 2 with salt and parameters in the header, no value or passphrase in the file', async () => {
    const store = open(provider(PASSPHRASE));
    await Promise.all([store.set('host.a.secret', 'hunter2-very-secret'), store.set('repo.main.passphrase', 'correct horse battery')]);
    expect(await store.get('host.a.secret')).toBe('hunter2-very-secret');
    expect(await store.has('repo.main.passphrase')).toBe(true);
    expect(await store.get('missing')).toBeNull();

    const text = readFileSync(file, 'utf8');
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(doc).toMatchObject({
      format: 'lifeboat-secrets',
      version: 2,
      cipher: 'passphrase',
      aead: 'aes-256-gcm',
      kdf: { name: 'scrypt', N: FAST.N, r: FAST.r, p: FAST.p, salt: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) },
      verifier: expect.any(String),
    });
    for (const plain of ['hunter2', 'correct horse', PASSPHRASE, Buffer.from(PASSPHRASE).toString('base64')]) expect(text).not.toContain(plain);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(keyFile)).toBe(false);

    // The next run: a new store on the same file.
    const reopened = open(provider(PASSPHRASE));
    expect(await reopened.get('repo.main.passphrase')).toBe('correct horse battery');
    await reopened.delete('host.a.secret');
    expect(await reopened.get('host.a.secret')).toBeNull();
    expect(await reopened.status()).toMatchObject({ protection: 'passphrase', count: 1, kdf: FAST });
  });

  it('a wrong passphrase is a clear error, tells apart by the verifier, and rewrites nothing', async () => {
    await open(provider(PASSPHRASE)).set('host.a.secret', 'stored-before');
    const before = readFileSync(file);
    const mtime = statSync(file).mtimeMs;

    const wrong = open(provider(OTHER_PASSPHRASE));
    const readError = await wrong.get('host.a.secret').catch((e: unknown) => e);
    expect(readError).toBeInstanceOf(SecretStoreError);
    expect(readError).toMatchObject({ code: 'unavailable', reason: 'secrets_passphrase_wrong', message: expect.stringContaining('the secrets passphrase is wrong') });
    await expect(wrong.set('host.b.secret', 'never-written')).rejects.toThrow(/the secrets passphrase is wrong/);
    await expect(wrong.protect()).rejects.toThrow(/the secrets passphrase is wrong/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(mtime);
    // Neither passphrase is in the error or the logs.
    const message = (readError as Error).message;
    for (const secret of [PASSPHRASE, OTHER_PASSPHRASE]) {
      expect(message).not.toContain(secret);
      expect(JSON.stringify(records)).not.toContain(secret);
    }
    // The right one still opens it.
    expect(await open(provider(PASSPHRASE)).get('host.a.secret')).toBe('stored-before');
  });

  it('asks a prompt again after a wrong answer, up to three times', async () => {
    await open(provider(PASSPHRASE)).set('host.a.secret', 'value-behind-prompt');
    const answers = [OTHER_PASSPHRASE, PASSPHRASE];
    const requests: PassphraseRequest[] = [];
    const prompt: PassphraseProvider = {
      howToProvide: HOW_TO,
      async get(request) {
        requests.push(request);
        const value = answers.shift();
        return value === undefined ? null : { value, from: 'the prompt', canRetry: true };
      },
    };
    expect(await open(prompt).get('host.a.secret')).toBe('value-behind-prompt');
    expect(requests.map((r) => r.retry)).toEqual([false, true]);

    const alwaysWrong: PassphraseProvider = { howToProvide: HOW_TO, get: async () => ({ value: OTHER_PASSPHRASE, from: 'the prompt', canRetry: true }) };
    await expect(open(alwaysWrong).get('host.a.secret')).rejects.toThrow(/the secrets passphrase is wrong \(from the prompt\)/);
  });

  it('binds each value to its name: values swapped between names do not open', async () => {
    await open(provider(PASSPHRASE)).set('host.a.secret', 'value-of-a');
    await open(provider(PASSPHRASE)).set('host.b.secret', 'value-of-b');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { secrets: Record<string, string> };
    const { 'host.a.secret': a, 'host.b.secret': b } = doc.secrets;
    doc.secrets['host.a.secret'] = b!;
    doc.secrets['host.b.secret'] = a!;
    writeFileSync(file, JSON.stringify(doc));
    const store = open(provider(PASSPHRASE));
    await expect(store.get('host.a.secret')).rejects.toThrow(/does not open/);
    await expect(store.get('host.b.secret')).rejects.toThrow(/does not open/);
  });

  it('is lazy: listing, testing for, deleting or missing a secret never asks for the passphrase', async () => {
    const fresh = provider(PASSPHRASE);
    const empty = open(fresh);
    expect(await empty.get('host.a.secret')).toBeNull();
    expect(await empty.has('host.a.secret')).toBe(false);
    await empty.delete('host.a.secret');
    expect(await empty.status()).toMatchObject({ protection: 'none', count: 0 });
    expect(fresh.requests).toEqual([]);
    expect(existsSync(file)).toBe(false);

    await open(provider(PASSPHRASE)).set('host.a.secret', 'stored-value');
    await open(provider(PASSPHRASE)).set('host.b.secret', 'other-value');
    const counting = provider(PASSPHRASE);
    const store = open(counting);
    expect(await store.has('host.a.secret')).toBe(true);
    expect(await store.get('host.c.secret')).toBeNull();
    await store.delete('host.b.secret');
    expect(await store.status()).toMatchObject({ protection: 'passphrase', count: 1 });
    expect(counting.requests).toEqual([]);
    // Reading one asks once, however many reads follow.
    expect(await Promise.all([store.get('host.a.secret'), store.get('host.a.secret')])).toEqual(['stored-value', 'stored-value']);
    await store.set('host.d.secret', 'another-value');
    expect(counting.requests).toHaveLength(1);
  });

  it('without any passphrase: works for whatever needs no secret, and fails a write with how to give one', async () => {
    const none = provider(null);
    const store = open(none);
    expect(await store.get('host.a.secret')).toBeNull();
    const error = await store.set('host.a.secret', 'cannot-be-stored').catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'secrets_locked', message: expect.stringContaining(HOW_TO) });
    expect(existsSync(file)).toBe(false);
    // And a passphrase-protected file read without one.
    await open(provider(PASSPHRASE)).set('host.a.secret', 'stored-value');
    await expect(open(provider(null)).get('host.a.secret')).rejects.toThrow(/protected by a passphrase, and no secrets passphrase was given\. Give it with/);
  });

  it('refuses a new passphrase shorter than 8 characters', async () => {
    await expect(open(provider('short')).set('host.a.secret', 'value-x')).rejects.toMatchObject({ reason: 'secrets_passphrase_too_short' });
    expect(existsSync(file)).toBe(false);
  });

  it('registers the passphrase with the log redaction', async () => {
    await open(provider(PASSPHRASE)).set('host.a.secret', 'some-value');
    forgetKnownSecrets();
    await open(provider(PASSPHRASE)).get('host.a.secret');
    expect(redactText(`tried ${PASSPHRASE}`)).toBe('tried [redacted]');
  });

  it('moves a version-1 key-file store under a given passphrase: every value readable, key file gone, logged without values', async () => {
    await writeKeyFileStore(LEGACY_VALUES);
    forgetKnownSecrets();
    const store = open(provider(PASSPHRASE));
    expect(await store.has('host.b.secret')).toBe(true);
    expect(existsSync(keyFile)).toBe(true); // `has` moved nothing
    expect(await store.get('host.b.secret')).toBe(LEGACY_VALUES['host.b.secret']);
    expect(existsSync(keyFile)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 2, cipher: 'passphrase' });
    const reopened = open(provider(PASSPHRASE));
    for (const [name, value] of Object.entries(LEGACY_VALUES)) expect(await reopened.get(name)).toBe(value);
    const moved = records.find((r) => r.message.includes('moved the stored secrets from the key file'));
    expect(moved?.fields).toMatchObject({ count: 3, source: 'LIFEBOAT_SECRETS_PASSPHRASE' });
    const logged = JSON.stringify(records);
    for (const secret of [PASSPHRASE, ...Object.values(LEGACY_VALUES)]) expect(logged).not.toContain(secret);
  });

  it('a move that dies before its write leaves the key-file store whole, and moves on the next try', async () => {
    await writeKeyFileStore(LEGACY_VALUES);
    const before = { file: readFileSync(file), key: readFileSync(keyFile) };
    const crashing = open(provider(PASSPHRASE), {
      io: {
        writeFileAtomic: async () => {
          throw new Error('simulated crash: power lost before the new file was in place');
        },
      },
    });
    await expect(crashing.get('host.a.secret')).rejects.toThrow(/simulated crash/);
    expect(readFileSync(file).equals(before.file)).toBe(true);
    expect(readFileSync(keyFile).equals(before.key)).toBe(true);
    // Still readable with the key file alone...
    const keyFileOnly = open(provider(null));
    for (const [name, value] of Object.entries(LEGACY_VALUES)) expect(await keyFileOnly.get(name)).toBe(value);
    // ...and moved by the next run that has the passphrase.
    expect(await open(provider(PASSPHRASE)).get('repo.main.passphrase')).toBe(LEGACY_VALUES['repo.main.passphrase']);
    expect(existsSync(keyFile)).toBe(false);
  });

  it('a move that dies between its write and deleting the key file is finished by the next unlock', async () => {
    await writeKeyFileStore(LEGACY_VALUES);
    const crashing = open(provider(PASSPHRASE), {
      io: {
        removeFile: async () => {
          throw new Error('simulated crash: killed before the key file was deleted');
        },
      },
    });
    await expect(crashing.set('host.c.secret', 'added-during-crash')).rejects.toThrow(/simulated crash/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 2 });
    expect(existsSync(keyFile)).toBe(true);
    const next = open(provider(PASSPHRASE));
    for (const [name, value] of Object.entries(LEGACY_VALUES)) expect(await next.get(name)).toBe(value);
    expect(existsSync(keyFile)).toBe(false);
    expect(records.some((r) => r.message.includes('interrupted move'))).toBe(true);
  });

  it('keeps a key-file store working without a passphrase, warning once per run, and never prompts for the move', async () => {
    await writeKeyFileStore(LEGACY_VALUES);
    // A prompt would answer, but moving a key-file store must not stop a cron job to ask.
    const prompt = provider(PASSPHRASE, { interactive: true });
    const store = open(prompt);
    expect(await store.get('host.a.secret')).toBe(LEGACY_VALUES['host.a.secret']);
    await store.set('host.d.secret', 'added-with-key-file');
    expect(await store.get('host.d.secret')).toBe('added-with-key-file');
    expect(prompt.requests.every((r) => !r.interactive)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
    expect(existsSync(keyFile)).toBe(true);
    const warnings = records.filter((r) => r.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('protected only by the key file');
    expect(warnings[0]!.message).toContain(HOW_TO);
    // `protect` is asked for explicitly: there the prompt may answer.
    expect(await store.protect()).toBe('migrated');
    expect(existsSync(keyFile)).toBe(false);
    expect(await open(provider(PASSPHRASE)).get('host.d.secret')).toBe('added-with-key-file');
  });

  it('raises weak scrypt parameters when it next opens the file', async () => {
    await open(provider(PASSPHRASE)).set('host.a.secret', 'value-kept');
    const stronger: ScryptParams = { N: 2 ** 11, r: 8, p: 1 };
    const store = open(provider(PASSPHRASE), { scrypt: stronger });
    expect(await store.get('host.a.secret')).toBe('value-kept');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ kdf: stronger });
    expect(records.some((r) => r.message.includes('raised the passphrase key derivation'))).toBe(true);
    expect(await open(provider(PASSPHRASE), { scrypt: stronger }).get('host.a.secret')).toBe('value-kept');
  });

  it('refuses forged headers (unbounded scrypt cost) and files from a newer version, before deriving anything', async () => {
    await open(provider(PASSPHRASE)).set('host.a.secret', 'value-x');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { kdf: { N: number }; version: number };
    writeFileSync(file, JSON.stringify({ ...doc, kdf: { ...doc.kdf, N: 2 ** 30 } }));
    await expect(open(provider(PASSPHRASE)).get('host.a.secret')).rejects.toThrow(/damaged/);
    writeFileSync(file, JSON.stringify({ ...doc, version: 3 }));
    await expect(open(provider(PASSPHRASE)).get('host.a.secret')).rejects.toThrow(/newer Lifeboat/);
  });

  it('the desktop app\'s version-1 store reports a passphrase-protected file clearly', async () => {
    await open(provider(PASSPHRASE)).set('host.a.secret', 'value-x');
    const desktop = createFileSecretStore(file, createKeyFileCipher(keyFile));
    await expect(desktop.get('host.a.secret')).rejects.toThrow(/protected by a headless-mode passphrase/);
  });
});
