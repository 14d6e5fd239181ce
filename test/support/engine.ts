// A real engine on a test's own folder: catalog, secrets and logs there, the real libvirt driver unless the test
// passes another.
import { join } from 'node:path';
import { systemClock } from '../../electron/engine/clock.js';
import { createEngine, type Engine, type EngineDeps } from '../../electron/engine/engine.js';
import { createFileSecretStore, createKeyFileCipher } from '../../electron/engine/secrets/secret-store.js';
import { createMemoryLogger } from './logger.js';

export function createTestEngine(dir: string, overrides: Partial<EngineDeps> = {}): Engine {
  return createEngine({
    dataDir: join(dir, 'data'),
    logger: createMemoryLogger().logger,
    clock: systemClock,
    secrets: createFileSecretStore(join(dir, 'secrets.json'), createKeyFileCipher(join(dir, 'secret.key'))),
    mode: 'headless',
    version: 'test',
    ...overrides,
  });
}
