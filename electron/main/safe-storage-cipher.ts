// The desktop app's SecretCipher: Electron's safeStorage (macOS Keychain, Windows DPAPI, GNOME libsecret or KWallet
// on Linux). When the OS offers no such store, Lifeboat refuses to keep secrets rather than writing them in the
// clear: on Linux without a keyring, safeStorage falls back to 'basic_text', a key compiled into Chromium, which
// is plain text in all but name. No `electron` import: main passes `safeStorage`.
import { IpcError } from '../../shared/ipc/errors.js';
import type { SecretCipher } from '../engine/secrets/secret-store.js';

/** The members of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; absent or throwing elsewhere. */
  getSelectedStorageBackend?(): string;
}

const BACKEND_NAMES: Readonly<Record<string, string>> = {
  gnome_libsecret: 'the Secret Service (GNOME Keyring / libsecret)',
  kwallet: 'KWallet',
  kwallet5: 'KWallet 5',
  kwallet6: 'KWallet 6',
  basic_text: 'no keyring (basic_text)',
};

function linuxBackend(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (platform !== 'linux' || typeof safeStorage.getSelectedStorageBackend !== 'function') return null;
  try {
    return safeStorage.getSelectedStorageBackend();
  } catch {
    return null;
  }
}

function describe(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron safeStorage (macOS Keychain)';
  if (platform === 'win32') return 'Electron safeStorage (Windows DPAPI)';
  const backend = linuxBackend(safeStorage, platform);
  return `Electron safeStorage (${backend ? (BACKEND_NAMES[backend] ?? backend) : platform})`;
}

/** Why secrets cannot be kept right now, or null when they can. */
export function secretStorageProblem(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  const keyringHint =
    platform === 'linux' ? ' Start or unlock a keyring (GNOME Keyring, KWallet or another Secret Service provider) and restart Lifeboat.' : '';
  if (!safeStorage.isEncryptionAvailable()) {
    return `Lifeboat can't store passwords or passphrases: the operating system's secure storage is not available.${keyringHint}`;
  }
  if (linuxBackend(safeStorage, platform) === 'basic_text') {
    return (
      "Lifeboat can't store passwords or passphrases: no keyring is running, and without one they would be kept " +
      `in a form anyone with access to your files could read.${keyringHint}`
    );
  }
  return null;
}

export function createSafeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretCipher {
  const requireStorage = (): void => {
    const problem = secretStorageProblem(safeStorage, platform);
    if (problem) throw new IpcError('unavailable', problem);
  };
  return {
    get description() {
      return describe(safeStorage, platform);
    },
    async encrypt(plain) {
      requireStorage();
      return new Uint8Array(safeStorage.encryptString(plain));
    },
    async decrypt(sealed) {
      requireStorage();
      try {
        return safeStorage.decryptString(Buffer.from(sealed));
      } catch (error) {
        // Sealed under another OS account, another keyring, or the keyring was reset: the secret is lost, not leaked.
        throw new IpcError(
          'unavailable',
          `A stored secret could not be decrypted with ${describe(safeStorage, platform)}; enter it again. (${(error as Error).message})`,
        );
      }
    },
  };
}
