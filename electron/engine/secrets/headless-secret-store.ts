// Headless mode's secret store: the secrets file protected by a passphrase (passphrase-cipher.ts), version 2 of
// the file. Lazy: the passphrase is asked for only when a secret has to be read or written, never to list, test
// for or delete one, so commands that need no secret (clusters reached with SSH keys) never ask for it.
//
// Data folders of older versions hold a version-1 file sealed with a key file next to it. Given a passphrase from
// a source that asks nobody (a file, an environment variable, the OS keyring), such a store is moved to the
// passphrase on its first use: every value re-sealed, the new file written atomically, then the key file
// deleted. Without one it keeps working with the key file, with a warning once per run, so cron jobs set up
// before passphrases existed do not break.
import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { rememberSecret } from '../logging/known-secrets.js';
import type { Logger } from '../logging/logger.js';
import {
  createPassphraseKey,
  DEFAULT_SCRYPT_PARAMS,
  isWeakerThan,
  MIN_PASSPHRASE_LENGTH,
  passphraseHeaderSchema,
  unlockPassphraseKey,
  type PassphraseHeader,
  type PassphraseKey,
  type ScryptParams,
} from './passphrase-cipher.js';
import {
  checkSecretName,
  createKeyFileCipher,
  keyFileStoreSchema,
  parseJson,
  SECRETS_FORMAT,
  SecretStoreError,
  type SecretStore,
} from './secret-store.js';

export const PASSPHRASE_STORE_VERSION = 2;

const passphraseStoreSchema = passphraseHeaderSchema.extend({
  format: z.literal(SECRETS_FORMAT),
  version: z.literal(PASSPHRASE_STORE_VERSION),
  secrets: z.record(z.string(), z.string()),
});

/** A passphrase and where it came from (`LIFEBOAT_SECRETS_PASSPHRASE`, a file, the prompt): never the value in a message. */
export interface PassphraseOffer {
  readonly value: string;
  readonly from: string;
  /** Whether asking again may give another answer (a prompt); a file or a variable would give the same. */
  readonly canRetry: boolean;
}

export interface PassphraseRequest {
  /** False for an optional upgrade (moving a key-file store): sources that would ask the user are skipped. */
  interactive: boolean;
  /** A new passphrase is being set: a prompt asks for it twice. */
  creating: boolean;
  /** The previous answer was wrong (a prompt says so before asking again). */
  retry: boolean;
}

export interface PassphraseProvider {
  /** The passphrase, or null when no source has one. */
  get(request: PassphraseRequest): Promise<PassphraseOffer | null>;
  /** How to give the passphrase: the end of every "no passphrase" error and of the key-file warning. */
  readonly howToProvide: string;
}

export interface HeadlessSecretStoreOptions {
  /** The secrets file (`<data>/secrets.json`). */
  file: string;
  /** The key file older versions sealed the secrets with (`<data>/secret.key`). */
  legacyKeyFile: string;
  passphrase: PassphraseProvider;
  logger: Logger;
  /** scrypt cost for new and raised headers; the strong defaults unless a test needs speed. */
  scrypt?: ScryptParams;
  /** Test seams: the atomic write and the removal the store makes, to simulate a crash between migration steps. */
  io?: {
    writeFileAtomic?: (file: string, data: string, options: { mode: number }) => Promise<void>;
    removeFile?: (file: string) => Promise<void>;
  };
}

export interface HeadlessSecretStatus {
  /** `none`: no secret stored yet and no key file; `key-file`: version 1; `passphrase`: version 2. */
  protection: 'none' | 'key-file' | 'passphrase';
  count: number;
  file: string;
  kdf?: { N: number; r: number; p: number };
}

export interface HeadlessSecretStore extends SecretStore {
  /** What protects the secrets and how many there are; needs no passphrase. */
  status(): Promise<HeadlessSecretStatus>;
  /**
   * Puts the secrets under a passphrase now (asking for one if needed): creates the header of an empty store,
   * moves a key-file store, raises weak scrypt parameters. Returns what it did.
   */
  protect(): Promise<'created' | 'migrated' | 'raised' | 'already'>;
}

type StoreDoc =
  | { kind: 'none' }
  | { kind: 'key-file'; secrets: Record<string, string>; keyFileExists: boolean }
  | { kind: 'passphrase'; header: PassphraseHeader; secrets: Record<string, string> };

const MAX_PROMPT_ATTEMPTS = 3;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function own(secrets: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(secrets, name) ? secrets[name] : undefined;
}

export function createHeadlessSecretStore(options: HeadlessSecretStoreOptions): HeadlessSecretStore {
  const { file, legacyKeyFile, passphrase: provider, logger } = options;
  const scryptParams = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
  const writeAtomic = options.io?.writeFileAtomic ?? writeFileAtomic;
  const removeFile = options.io?.removeFile ?? ((path: string) => rm(path, { force: true }));
  const legacyCipher = createKeyFileCipher(legacyKeyFile);

  /** The passphrase this run was given and that opened the file; kept to re-derive if another process re-keys it. */
  let accepted: PassphraseOffer | null = null;
  /** The key of the header last opened (a header is identified by its salt and verifier). */
  let unlocked: PassphraseKey | null = null;
  let warnedAboutKeyFile = false;

  let queue: Promise<unknown> = Promise.resolve();
  // Every change, and every read that may derive a key or move the store, is serialized: one prompt, one migration.
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const load = async (): Promise<StoreDoc> => {
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const keyFileExists = await exists(legacyKeyFile);
    if (text === null) return keyFileExists ? { kind: 'key-file', secrets: {}, keyFileExists } : { kind: 'none' };
    const json = parseJson(text) as { format?: unknown; version?: unknown } | null;
    if (json?.format !== SECRETS_FORMAT) throw new SecretStoreError('secrets_unreadable', `${file} is not a Lifeboat secrets file`);
    if (json.version === 1) {
      const parsed = keyFileStoreSchema.safeParse(json);
      if (!parsed.success) throw new SecretStoreError('secrets_unreadable', `${file} is damaged (a version-1 secrets file of the wrong shape)`);
      const secrets = parsed.data.secrets;
      if (!keyFileExists && Object.keys(secrets).length === 0) return { kind: 'none' };
      return { kind: 'key-file', secrets, keyFileExists };
    }
    if (json.version === PASSPHRASE_STORE_VERSION) {
      const parsed = passphraseStoreSchema.safeParse(json);
      if (!parsed.success) throw new SecretStoreError('secrets_unreadable', `${file} is damaged (a passphrase-protected secrets file of the wrong shape)`);
      const { secrets, format: _format, version: _version, ...header } = parsed.data;
      return { kind: 'passphrase', header, secrets };
    }
    throw new SecretStoreError('secrets_unreadable', `${file} was written by a newer Lifeboat (secrets file version ${String(json.version)})`);
  };

  const write = async (content: object): Promise<void> => {
    await mkdir(dirname(file), { recursive: true });
    await writeAtomic(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  };
  const saveKeyFileStore = (secrets: Record<string, string>): Promise<void> => write({ format: SECRETS_FORMAT, version: 1, secrets });
  const savePassphraseStore = (header: PassphraseHeader, secrets: Record<string, string>): Promise<void> =>
    write({ format: SECRETS_FORMAT, version: PASSPHRASE_STORE_VERSION, ...header, secrets });

  const lockedError = (what: string): SecretStoreError =>
    new SecretStoreError('secrets_locked', `${what}, and no secrets passphrase was given. ${provider.howToProvide}`);

  /** A passphrase for a new header: long enough, and remembered by the log redaction. */
  const newPassphrase = (offer: PassphraseOffer): string => {
    rememberSecret(offer.value);
    if (offer.value.length < MIN_PASSPHRASE_LENGTH) {
      throw new SecretStoreError(
        'secrets_passphrase_too_short',
        `the secrets passphrase (from ${offer.from}) is too short: use at least ${MIN_PASSPHRASE_LENGTH} characters`,
      );
    }
    return offer.value;
  };

  const sameHeader = (a: PassphraseHeader, b: PassphraseHeader): boolean => a.kdf.salt === b.kdf.salt && a.verifier === b.verifier;

  /** Re-seals every value under a new header (fresh salt, the configured parameters) and writes it atomically. */
  const reseal = async (
    values: Record<string, string>,
    passphrase: string,
  ): Promise<{ header: PassphraseHeader; secrets: Record<string, string>; key: PassphraseKey }> => {
    const key = await createPassphraseKey(passphrase, scryptParams);
    const secrets: Record<string, string> = {};
    for (const [name, plain] of Object.entries(values)) secrets[name] = key.sealValue(name, plain);
    await savePassphraseStore(key.header, secrets);
    return { header: key.header, secrets, key };
  };

  /** The key of a passphrase-protected file: asks for the passphrase (once per run) and checks it with the verifier. */
  const unlock = async (doc: Extract<StoreDoc, { kind: 'passphrase' }>): Promise<{ doc: typeof doc; key: PassphraseKey }> => {
    if (unlocked && sameHeader(unlocked.header, doc.header)) return { doc, key: unlocked };
    let key: PassphraseKey | null = null;
    let offer: PassphraseOffer | null = accepted;
    if (offer) key = await unlockPassphraseKey(offer.value, doc.header);
    for (let attempt = 0; !key; attempt += 1) {
      offer = await provider.get({ interactive: true, creating: false, retry: attempt > 0 });
      if (!offer) throw lockedError(`the secrets in ${file} are protected by a passphrase`);
      rememberSecret(offer.value);
      key = await unlockPassphraseKey(offer.value, doc.header);
      if (key) break;
      if (!offer.canRetry || attempt + 1 >= MAX_PROMPT_ATTEMPTS) {
        throw new SecretStoreError('secrets_passphrase_wrong', `the secrets passphrase is wrong (from ${offer.from}): it does not open ${file}`);
      }
    }
    accepted = offer;
    unlocked = key;
    // A key file beside a passphrase file is what a move interrupted after its write leaves: finish the move.
    if (await exists(legacyKeyFile)) {
      await removeFile(legacyKeyFile);
      logger.info('secrets: removed the old key file left by an interrupted move to passphrase protection', { keyFile: legacyKeyFile });
    }
    if (isWeakerThan(doc.header.kdf, scryptParams) && offer) {
      const values: Record<string, string> = {};
      for (const [name, sealed] of Object.entries(doc.secrets)) values[name] = key.openValue(name, sealed);
      const raised = await reseal(values, offer.value);
      unlocked = raised.key;
      logger.info('secrets: raised the passphrase key derivation to the current strength', {
        from: { N: doc.header.kdf.N, r: doc.header.kdf.r, p: doc.header.kdf.p },
        to: scryptParams,
        count: Object.keys(values).length,
      });
      return { doc: { kind: 'passphrase', header: raised.header, secrets: raised.secrets }, key: raised.key };
    }
    return { doc, key };
  };

  /**
   * A key-file store moved under a passphrase, or null when no source that asks nobody has one (then the key file
   * keeps being used). The new file replaces the old one atomically before the key file is deleted: a crash leaves
   * either the old pair (moved again next time) or the new file and a stale key file (deleted at the next unlock).
   */
  const migrate = async (
    doc: Extract<StoreDoc, { kind: 'key-file' }>,
    offer: PassphraseOffer | null,
  ): Promise<{ doc: Extract<StoreDoc, { kind: 'passphrase' }>; key: PassphraseKey } | null> => {
    if (!offer) return null;
    const passphrase = newPassphrase(offer);
    const values: Record<string, string> = {};
    if (!doc.keyFileExists) throw missingKeyFileError();
    for (const [name, sealed] of Object.entries(doc.secrets)) values[name] = await openWithKeyFile(name, sealed);
    const moved = await reseal(values, passphrase);
    await removeFile(legacyKeyFile);
    accepted = offer;
    unlocked = moved.key;
    logger.info('secrets: moved the stored secrets from the key file to passphrase protection, and deleted the key file', {
      count: Object.keys(values).length,
      source: offer.from,
      keyFile: legacyKeyFile,
    });
    return { doc: { kind: 'passphrase', header: moved.header, secrets: moved.secrets }, key: moved.key };
  };

  const missingKeyFileError = (): SecretStoreError =>
    new SecretStoreError(
      'secrets_unreadable',
      `the secrets in ${file} were sealed with a key file that is missing (${legacyKeyFile}), or by the desktop app's OS keychain: ` +
        'headless mode cannot read them. Use the desktop app, or enter the passwords again in a new data folder',
    );

  const openWithKeyFile = async (name: string, sealed: string): Promise<string> => {
    try {
      return await legacyCipher.decrypt(Buffer.from(sealed, 'base64'));
    } catch {
      throw new SecretStoreError('secrets_unreadable', `the stored secret "${name}" does not open with the key file ${legacyKeyFile}`);
    }
  };

  const warnAboutKeyFile = (): void => {
    if (warnedAboutKeyFile) return;
    warnedAboutKeyFile = true;
    logger.warn(
      `secrets: protected only by the key file ${legacyKeyFile} next to them; anyone who copies the data folder can read them. ` +
        `Set a secrets passphrase and they are moved under it the next time one is used. ${provider.howToProvide}`,
    );
  };

  /**
   * A key-file store moved under a passphrase from a source that asks nobody (a cron job that worked with the key
   * file must not stop at a prompt), or null when there is none: then the key file keeps being used, with a warning.
   */
  const moveOrWarn = async (
    doc: Extract<StoreDoc, { kind: 'key-file' }>,
  ): Promise<{ doc: Extract<StoreDoc, { kind: 'passphrase' }>; key: PassphraseKey } | null> => {
    if (!doc.keyFileExists) throw missingKeyFileError();
    const moved = await migrate(doc, accepted ?? (await provider.get({ interactive: false, creating: true, retry: false })));
    if (!moved) warnAboutKeyFile();
    return moved;
  };

  const read = async (name: string): Promise<string | null> => {
    const doc = await load();
    if (doc.kind === 'none') return null;
    const sealed = own(doc.secrets, name);
    if (sealed === undefined) return null;
    if (doc.kind === 'passphrase') {
      const opened = await unlock(doc);
      return opened.key.openValue(name, own(opened.doc.secrets, name) ?? sealed);
    }
    const moved = await moveOrWarn(doc);
    if (moved) return moved.key.openValue(name, own(moved.doc.secrets, name) ?? sealed);
    return openWithKeyFile(name, sealed);
  };

  const create = async (): Promise<{ header: PassphraseHeader; key: PassphraseKey }> => {
    const offer = await provider.get({ interactive: true, creating: true, retry: false });
    if (!offer) throw lockedError('a secret has to be stored');
    const key = await createPassphraseKey(newPassphrase(offer), scryptParams);
    accepted = offer;
    unlocked = key;
    logger.info('secrets: new secrets file protected by a passphrase', { file, source: offer.from });
    return { header: key.header, key };
  };

  return {
    get(name) {
      checkSecretName(name);
      return serialize(async () => {
        const value = await read(name);
        if (value !== null) rememberSecret(value);
        return value;
      });
    },
    async has(name) {
      checkSecretName(name);
      const doc = await load();
      return doc.kind !== 'none' && own(doc.secrets, name) !== undefined;
    },
    set(name, value) {
      checkSecretName(name);
      rememberSecret(value);
      return serialize(async () => {
        const doc = await load();
        if (doc.kind === 'none') {
          const { header, key } = await create();
          await savePassphraseStore(header, { [name]: key.sealValue(name, value) });
          return;
        }
        const opened = doc.kind === 'passphrase' ? await unlock(doc) : await moveOrWarn(doc);
        if (opened) {
          await savePassphraseStore(opened.doc.header, { ...opened.doc.secrets, [name]: opened.key.sealValue(name, value) });
          return;
        }
        const sealed = Buffer.from(await legacyCipher.encrypt(value)).toString('base64');
        await saveKeyFileStore({ ...doc.secrets, [name]: sealed });
      });
    },
    delete(name) {
      checkSecretName(name);
      // Dropping a sealed value needs no key: no passphrase is asked for.
      return serialize(async () => {
        const doc = await load();
        if (doc.kind === 'none' || own(doc.secrets, name) === undefined) return;
        const secrets = { ...doc.secrets };
        delete secrets[name];
        if (doc.kind === 'passphrase') await savePassphraseStore(doc.header, secrets);
        else await saveKeyFileStore(secrets);
      });
    },
    async status() {
      const doc = await load();
      if (doc.kind === 'none') return { protection: 'none', count: 0, file };
      const count = Object.keys(doc.secrets).length;
      if (doc.kind === 'key-file') return { protection: 'key-file', count, file };
      const { N, r, p } = doc.header.kdf;
      return { protection: 'passphrase', count, file, kdf: { N, r, p } };
    },
    protect() {
      return serialize(async () => {
        const doc = await load();
        if (doc.kind === 'none') {
          const { header } = await create();
          await savePassphraseStore(header, {});
          return 'created' as const;
        }
        if (doc.kind === 'key-file') {
          // Asked for explicitly: a prompt may ask for the new passphrase.
          const offer = accepted ?? (await provider.get({ interactive: true, creating: true, retry: false }));
          if (!offer) throw lockedError(`the secrets in ${file} are protected only by a key file`);
          await migrate(doc, offer);
          return 'migrated' as const;
        }
        const weak = isWeakerThan(doc.header.kdf, scryptParams);
        await unlock(doc);
        return weak ? ('raised' as const) : ('already' as const);
      });
    },
  };
}
