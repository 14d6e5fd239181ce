import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSecretStore } from '../../../electron/engine/secrets/secret-store.js';
import { createSafeStorageCipher, secretStorageProblem, type SafeStorageLike } from '../../../electron/main/safe-storage-cipher.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import { makeTempDir } from '../../support/temp.js';

/** A stand-in for safeStorage: reversible, and visibly not the plain text. */
function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}): SafeStorageLike & { calls: number } {
  const fake = {
    calls: 0,
    isEncryptionAvailable: () => options.available ?? true,
    encryptString(plain: string): Buffer {
      fake.calls += 1;
      return Buffer.from(`sealed:${Buffer.from(plain, 'utf8').toString('hex')}`);
    },
    decryptString(sealed: Buffer): string {
      const text = sealed.toString('utf8');
      if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(text.slice('sealed:'.length), 'hex').toString('utf8');
    },
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
  };
  return fake;
}

describe('createSafeStorageCipher', () => {
  let temp: ReturnType<typeof makeTempDir> | null = null;
  afterEach(() => {
    temp?.remove();
    temp = null;
  });

  it('seals secrets with safeStorage: the file never holds the plain text', async () => {
    temp = makeTempDir('safe-storage');
    const file = join(temp.dir, 'secrets.json');
    const store = createFileSecretStore(file, createSafeStorageCipher(fakeSafeStorage(), 'linux'));
    await store.set('host.pve1.password', 'hunter2-correct-horse');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(await store.get('host.pve1.password')).toBe('hunter2-correct-horse');
  });

  it('refuses to store anything when the OS offers no encryption', async () => {
    const safeStorage = fakeSafeStorage({ available: false });
    const cipher = createSafeStorageCipher(safeStorage, 'win32');
    const failure = cipher.encrypt('secret');
    await expect(failure).rejects.toBeInstanceOf(IpcError);
    await expect(failure).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/can't store passwords/) });
    expect(safeStorage.calls).toBe(0);
  });

  it("refuses Linux's basic_text fallback, which is plain text under a fixed key", async () => {
    temp = makeTempDir('safe-storage');
    const file = join(temp.dir, 'secrets.json');
    const safeStorage = fakeSafeStorage({ backend: 'basic_text' });
    const store = createFileSecretStore(file, createSafeStorageCipher(safeStorage, 'linux'));
    await expect(store.set('repo.passphrase', 'secret')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/keyring/) });
    expect(safeStorage.calls).toBe(0);
    expect(() => readFileSync(file)).toThrow();
    expect(secretStorageProblem(safeStorage, 'linux')).toMatch(/GNOME Keyring, KWallet/);
  });

  it('does not apply the Linux backend rule elsewhere', () => {
    expect(secretStorageProblem(fakeSafeStorage({ backend: 'basic_text' }), 'darwin')).toBeNull();
    expect(secretStorageProblem(fakeSafeStorage({ backend: 'kwallet6' }), 'linux')).toBeNull();
  });

  it('says where the key lives', () => {
    expect(createSafeStorageCipher(fakeSafeStorage(), 'darwin').description).toMatch(/Keychain/);
    expect(createSafeStorageCipher(fakeSafeStorage(), 'win32').description).toMatch(/DPAPI/);
    expect(createSafeStorageCipher(fakeSafeStorage({ backend: 'kwallet5' }), 'linux').description).toMatch(/KWallet 5/);
  });

  it('reports a secret sealed by another keyring as lost, with a clear error', async () => {
    const cipher = createSafeStorageCipher(fakeSafeStorage(), 'linux');
    await expect(cipher.decrypt(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/could not be decrypted.*enter it again/),
    });
  });
});
