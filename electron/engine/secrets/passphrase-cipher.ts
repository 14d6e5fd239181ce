// The headless secret file's passphrase protection: a key derived from the passphrase with scrypt (its salt and
// parameters kept in the file's header, so they can be raised later), then AES-256-GCM per value with a random
// 96-bit nonce and the secret's name as additional data, so a sealed value only opens under the name it was
// stored under. A verifier in the header (a known text sealed with the key) tells a wrong passphrase apart from
// a damaged value.
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { z } from 'zod';

export interface ScryptParams {
  /** CPU/memory cost: a power of two. Memory used is 128 × N × r bytes. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/**
 * Production strength: 2^17 × 8 × 128 bytes = 128 MiB and about 0.45 s on a 2-core build machine (2^18 took
 * 1 s there). Derived once per run, and only when a secret is needed.
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/** What a header may ask for: enough headroom to raise the defaults, bounded so a forged file can't exhaust memory. */
const MAX_LOG2_N = 22;
const MAX_R = 32;
const MAX_P = 16;

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** New passphrases must be at least this long (an existing file opens with whatever it was made with). */
export const MIN_PASSPHRASE_LENGTH = 8;

const VERIFIER_TEXT = 'lifeboat secrets passphrase check';
const VERIFIER_AAD = 'lifeboat-secrets/verifier';
const valueAad = (name: string): string => `lifeboat-secrets/value/${name}`;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const kdfHeaderSchema = z.object({
  name: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(2)
    .max(2 ** MAX_LOG2_N)
    .refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
  r: z.number().int().min(1).max(MAX_R),
  p: z.number().int().min(1).max(MAX_P),
  salt: base64,
});
export type KdfHeader = z.infer<typeof kdfHeaderSchema>;

/** The header fields of a passphrase-protected secrets file (version 2). */
export const passphraseHeaderSchema = z.object({
  cipher: z.literal('passphrase'),
  kdf: kdfHeaderSchema,
  aead: z.literal('aes-256-gcm'),
  verifier: base64,
});
export type PassphraseHeader = z.infer<typeof passphraseHeaderSchema>;

/** Whether a header's parameters are below `target` in any respect (then the file is re-keyed when next opened). */
export function isWeakerThan(kdf: KdfHeader, target: ScryptParams): boolean {
  return kdf.N < target.N || kdf.r < target.r || kdf.p < target.p;
}

function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Asynchronous: scrypt runs on the thread pool, so `serve` keeps answering while it works.
    scryptCallback(passphrase.normalize('NFC'), salt, KEY_BYTES, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function seal(key: Buffer, plain: string, aad: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
}

/** The plain text, or null when the value does not open with this key under this additional data. */
function open(key: Buffer, sealed: string, aad: string): string | null {
  const data = Buffer.from(sealed, 'base64');
  if (data.length < NONCE_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(data.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** A key derived from the passphrase for one header: seals and opens values by name. Holds no passphrase. */
export interface PassphraseKey {
  readonly header: PassphraseHeader;
  sealValue(name: string, plain: string): string;
  /** Throws when the value was not sealed under this name with this key (swapped, damaged or forged). */
  openValue(name: string, sealed: string): string;
}

function keyFor(key: Buffer, header: PassphraseHeader): PassphraseKey {
  return {
    header,
    sealValue: (name, plain) => seal(key, plain, valueAad(name)),
    openValue(name, sealed) {
      const plain = open(key, sealed, valueAad(name));
      if (plain === null) throw new Error(`the stored secret "${name}" does not open: it is damaged, or was not stored under this name`);
      return plain;
    },
  };
}

/** A new header (fresh salt, the given parameters) and its key. */
export async function createPassphraseKey(passphrase: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<PassphraseKey> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(passphrase, salt, params);
  const header: PassphraseHeader = {
    cipher: 'passphrase',
    kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: salt.toString('base64') },
    aead: 'aes-256-gcm',
    verifier: seal(key, VERIFIER_TEXT, VERIFIER_AAD),
  };
  return keyFor(key, header);
}

/** The key of an existing header, or null when the passphrase is not the one the header was made with. */
export async function unlockPassphraseKey(passphrase: string, header: PassphraseHeader): Promise<PassphraseKey | null> {
  const { N, r, p, salt } = header.kdf;
  const key = await deriveKey(passphrase, Buffer.from(salt, 'base64'), { N, r, p });
  const check = open(key, header.verifier, VERIFIER_AAD);
  // GCM already authenticated it: an open that succeeds means the key is right; the text is checked all the same.
  if (check !== VERIFIER_TEXT) return null;
  return keyFor(key, header);
}
