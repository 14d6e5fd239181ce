import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetKnownSecrets } from '../../../electron/engine/logging/known-secrets.js';
import { redactText } from '../../../electron/engine/logging/logger.js';
import { createFileSecretStore, createKeyFileCipher } from '../../../electron/engine/secrets/secret-store.js';
import { makeTempDir } from '../../support/temp.js';

describe('file secret store with the key-file cipher', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir('secrets')));
  afterEach(() => temp.remove());

  it('round-trips secrets without ever writing them in plain text, files readable only by the user', async () => {
    const file = join(temp.dir, 'secrets.json');
    const keyFile = join(temp.dir, 'secret.key');
    const store = createFileSecretStore(file, createKeyFileCipher(keyFile));
    await Promise.all([store.set('host:a:password', 'hunter2-very-secret'), store.set('repo:main:passphrase', 'correct horse')]);
    expect(await store.get('host:a:password')).toBe('hunter2-very-secret');
    expect(await store.get('repo:main:passphrase')).toBe('correct horse');
    expect(await store.get('missing')).toBeNull();
    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk).not.toContain('hunter2');
    expect(onDisk).not.toContain('correct horse');
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    }
    // A new store on the same files (the next start) reads them back.
    const reopened = createFileSecretStore(file, createKeyFileCipher(keyFile));
    expect(await reopened.get('host:a:password')).toBe('hunter2-very-secret');
    await reopened.delete('host:a:password');
    expect(await reopened.get('host:a:password')).toBeNull();
  });

  it('tells the log redaction about every value it stores or reads back', async () => {
    const file = join(temp.dir, 'secrets.json');
    const keyFile = join(temp.dir, 'secret.key');
    await createFileSecretStore(file, createKeyFileCipher(keyFile)).set('host.a.secret', 'stored-secret-value');
    expect(redactText('echo stored-secret-value')).toBe('echo [redacted]');
    // The next start: the value is known again once it is read.
    forgetKnownSecrets();
    expect(redactText('echo stored-secret-value')).toBe('echo stored-secret-value');
    expect(await createFileSecretStore(file, createKeyFileCipher(keyFile)).get('host.a.secret')).toBe('stored-secret-value');
    expect(redactText('echo stored-secret-value')).toBe('echo [redacted]');
    forgetKnownSecrets();
  });

  it('refuses to decrypt with another key, and rejects bad names', async () => {
    const file = join(temp.dir, 'secrets.json');
    await createFileSecretStore(file, createKeyFileCipher(join(temp.dir, 'k1'))).set('x', 'value');
    const other = createFileSecretStore(file, createKeyFileCipher(join(temp.dir, 'k2')));
    await expect(other.get('x')).rejects.toThrow();
    await expect(other.set('../etc/passwd', 'v')).rejects.toThrow(/invalid secret name/);
    writeFileSync(file, '{"format":"something-else"}');
    await expect(other.get('x')).rejects.toThrow(/not a Lifeboat secret file/);
  });
});
