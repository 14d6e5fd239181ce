// Secret values the engine has handled: passwords and passphrases it stored, read back, or received in a field
// named like a secret, and the headless secrets passphrase (registered by the secret store when it gets one).
// Patterns (secret-named fields, URLs with passwords) catch most leaks; this catches the rest by value — a driver
// error that quotes the password it was given, a free-text field a user pasted a passphrase into. Every log
// record, and every value the IPC router sends, is masked with it.
//
// Process-wide and bounded: the newest MAX_KNOWN_SECRETS values are kept. Values shorter than
// MIN_SECRET_LENGTH are not kept, as masking them would blank ordinary words all over the logs.

/** Shorter values are not masked by value (they would match ordinary text); patterns still apply. */
export const MIN_SECRET_LENGTH = 6;
const MAX_KNOWN_SECRETS = 4096;
export const MASK = '[redacted]';

/** Insertion-ordered, so the oldest can be dropped; each value with the forms it takes when quoted or in a URL. */
const known = new Map<string, readonly string[]>();
/** Every form of every known value, longest first (a secret that contains another is masked whole). */
let forms: readonly string[] = [];

function formsOf(value: string): string[] {
  const out = new Set([value]);
  // As JSON.stringify writes it inside quotes (a quote, a backslash, a control character).
  out.add(JSON.stringify(value).slice(1, -1));
  // As it appears in a URL or a form body.
  out.add(encodeURIComponent(value));
  return [...out].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/** Tells the redaction about a secret value; safe to call with the same value again. */
export function rememberSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  if (known.has(value)) return;
  known.set(value, formsOf(value));
  if (known.size > MAX_KNOWN_SECRETS) known.delete(known.keys().next().value as string);
  forms = [...new Set([...known.values()].flat())].sort((a, b) => b.length - a.length);
}

/** Whether `text` contains a known secret (of at least `minLength` characters). */
export function containsKnownSecret(text: string, minLength = MIN_SECRET_LENGTH): boolean {
  for (const form of forms) {
    if (form.length < minLength) break;
    if (text.includes(form)) return true;
  }
  return false;
}

/** `text` with every known secret (of at least `minLength` characters) replaced by the mask. */
export function maskKnownSecrets(text: string, minLength = MIN_SECRET_LENGTH): string {
  let out = text;
  for (const form of forms) {
    if (form.length < minLength) break;
    if (out.includes(form)) out = out.split(form).join(MASK);
  }
  return out;
}

/**
 * Remembers every string found under a secret-named key (`secret`, `password`, `passphrase`, ...) in `value`:
 * what a caller sends in such a field is a secret, whatever else the engine does with it.
 */
export function rememberSecretsIn(value: unknown, isSecretKey: (key: string) => boolean, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (Array.isArray(value)) {
    for (const item of value) rememberSecretsIn(item, isSecretKey, depth + 1);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && isSecretKey(key)) rememberSecret(item);
    else rememberSecretsIn(item, isSecretKey, depth + 1);
  }
}

/** Forgets every known secret (tests that need a clean slate). */
export function forgetKnownSecrets(): void {
  known.clear();
  forms = [];
}
