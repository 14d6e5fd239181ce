// One contract suite, run through every transport: what a renderer can rely on is the same over Electron IPC,
// the WebSocket of headless mode and the in-memory transport.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIpcClient, type IpcClient, type SubscribeOptions } from '../../shared/ipc/client.js';
import { appContract, type AppContract } from '../../shared/ipc/contract.js';
import { IpcError } from '../../shared/ipc/errors.js';
import { DEFAULT_SETTINGS } from '../../shared/model/settings.js';
import { LATEST_SCHEMA_VERSION } from '../../electron/engine/catalog/migrations.js';
import { systemClock } from '../../electron/engine/clock.js';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { createIpcRouter, type IpcRouter } from '../../electron/engine/ipc/router.js';
import { createFileSecretStore, createKeyFileCipher } from '../../electron/engine/secrets/secret-store.js';
import { createMemoryLogger } from '../support/logger.js';
import { makeTempDir } from '../support/temp.js';
import { testContract, type TestContract } from './test-contract.js';
import { ALL_TRANSPORTS, type TransportHarness } from './transports.js';

/** Waits for the next event of a subscription, failing after a while instead of hanging. */
function nextEvent<T>(subscribe: (listener: (payload: T) => void) => () => void, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event arrived')), ms);
    const stop = subscribe((payload) => {
      clearTimeout(timer);
      stop();
      resolve(payload);
    });
  });
}

/** The client without the contract's types: what a buggy or hostile renderer could send. */
interface UntypedClient {
  call(method: string, params: unknown): Promise<unknown>;
  subscribe(topic: string, filter: unknown, listener: (payload: unknown) => void, options?: SubscribeOptions): () => void;
}
const untyped = (client: object): UntypedClient => client as unknown as UntypedClient;

async function rejection(promise: Promise<unknown>): Promise<IpcError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IpcError);
  return error as IpcError;
}

describe.each(ALL_TRANSPORTS)('IPC contract over the $name transport', (kind) => {
  describe('the app contract, against a real engine', () => {
    let temp: ReturnType<typeof makeTempDir>;
    let engine: Engine;
    let harness: TransportHarness;
    let client: IpcClient<AppContract>;

    beforeEach(async () => {
      temp = makeTempDir('contract');
      const { logger } = createMemoryLogger();
      engine = createEngine({
        dataDir: temp.dir,
        logger,
        clock: systemClock,
        secrets: createFileSecretStore(`${temp.dir}/secrets.json`, createKeyFileCipher(`${temp.dir}/secret.key`)),
        mode: 'headless',
        version: '9.9.9-test',
      });
      harness = await kind.start(engine.connect, logger);
      client = createIpcClient(appContract, harness.openClient());
    });

    afterEach(async () => {
      client.close();
      await harness.close();
      await engine.close();
      temp.remove();
    });

    it('answers app.getInfo with the engine facts', async () => {
      const info = await client.call('app.getInfo', {});
      expect(info).toMatchObject({ name: 'Lifeboat', version: '9.9.9-test', mode: 'headless', dataDir: temp.dir, catalogSchemaVersion: LATEST_SCHEMA_VERSION });
    });

    it('returns invalid_params for params that fail the schema, naming the field', async () => {
      const badTheme = await rejection(client.call('settings.update', { theme: 'purple' as 'dark' }));
      expect(badTheme.code).toBe('invalid_params');
      expect(badTheme.message).toContain('theme');
      const badLimit = await rejection(client.call('jobs.list', { limit: -5 }));
      expect(badLimit.code).toBe('invalid_params');
      const extraKey = await rejection(untyped(client).call('app.getInfo', { surprise: 1 }));
      expect(extraKey.code).toBe('invalid_params');
    });

    it('returns unknown_method for a method the contract does not declare', async () => {
      const error = await rejection(untyped(client).call('engine.selfDestruct', {}));
      expect(error.code).toBe('unknown_method');
    });

    it('applies defaults from the schema and reads the catalog', async () => {
      expect(await client.call('jobs.list', {})).toEqual([]);
      expect(await client.call('clusters.list', {})).toEqual([]);
    });

    it('stores settings and tells every other client', async () => {
      const other = createIpcClient(appContract, harness.openClient());
      try {
        const changed = nextEvent<{ theme: string }>((l) => other.subscribe('settings.changed', {}, l));
        // The subscription is registered once the engine has answered a call sent after it.
        await other.call('settings.get', {});
        const updated = await client.call('settings.update', { theme: 'dark' });
        expect(updated).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark' });
        expect(await changed).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark' });
        expect(await other.call('settings.get', {})).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark' });
      } finally {
        other.close();
      }
    });

    it('refuses a subscription to an unknown topic or with a bad filter', async () => {
      const unknownTopic = await new Promise<IpcError>((resolve) => {
        untyped(client).subscribe('nope.topic', {}, () => undefined, { onError: resolve });
      });
      expect(unknownTopic.code).toBe('unknown_topic');
      const badFilter = await new Promise<IpcError>((resolve) => {
        untyped(client).subscribe('settings.changed', { extra: true }, () => undefined, { onError: resolve });
      });
      expect(badFilter.code).toBe('invalid_params');
    });
  });

  describe('calls, cancellation, failures and events', () => {
    let harness: TransportHarness;
    let router: IpcRouter<TestContract>;
    let client: IpcClient<TestContract>;
    let handlerAborted: Promise<string>;
    let markStarted: () => void;
    let started: Promise<void>;
    let memory: ReturnType<typeof createMemoryLogger>;

    beforeEach(async () => {
      memory = createMemoryLogger();
      let resolveAborted: (reason: string) => void = () => undefined;
      handlerAborted = new Promise((resolve) => (resolveAborted = resolve));
      started = new Promise((resolve) => (markStarted = resolve));
      router = createIpcRouter(
        testContract,
        {
          'test.waitForCancel': (_params, { signal }) =>
            new Promise<null>((_resolve, reject) => {
              markStarted();
              signal.addEventListener('abort', () => {
                resolveAborted(String((signal.reason as Error).message));
                reject(signal.reason);
              });
            }),
          'test.fail': ({ how }) => {
            if (how === 'plain') throw new Error('disk on fire');
            if (how === 'not_found') throw new IpcError('not_found', 'no such VM');
            return { ok: 'yes' } as unknown as { ok: boolean };
          },
          'test.emit': (payload) => {
            router.publish('test.ticks', payload);
            return null;
          },
        },
        { logger: memory.logger, snapshots: { 'test.ticks': (filter) => [{ key: filter.key, n: 0 }] } },
      );
      harness = await kind.start(router.connect, memory.logger);
      client = createIpcClient(testContract, harness.openClient());
    });

    afterEach(async () => {
      client.close();
      await harness.close();
      router.close();
    });

    it('aborts the handler when the caller cancels, and rejects the call as cancelled', async () => {
      const controller = new AbortController();
      const call = client.call('test.waitForCancel', {}, { signal: controller.signal });
      await started;
      controller.abort();
      expect((await rejection(call)).code).toBe('cancelled');
      expect(await handlerAborted).toBe('cancelled by the caller');
    });

    it('aborts running handlers when the client goes away, and rejects its pending calls', async () => {
      const call = client.call('test.waitForCancel', {});
      await started;
      client.close();
      expect((await rejection(call)).code).toBe('transport_closed');
      expect(await handlerAborted).toBe('the connection closed');
    });

    it('turns handler failures into {code, message} values', async () => {
      const plain = await rejection(client.call('test.fail', { how: 'plain' }));
      expect(plain.toValue()).toEqual({ code: 'internal', message: 'test.fail failed: disk on fire' });
      const coded = await rejection(client.call('test.fail', { how: 'not_found' }));
      expect(coded.toValue()).toEqual({ code: 'not_found', message: 'no such VM' });
      const broken = await rejection(client.call('test.fail', { how: 'bad_result' }));
      expect(broken.code).toBe('internal');
      expect(memory.records.some((r) => r.level === 'error' && r.message.includes('does not match the contract'))).toBe(true);
    });

    it('sends a new subscriber the current snapshot, then only events that match its filter', async () => {
      const seen: { key: string; n: number }[] = [];
      const stop = client.subscribe('test.ticks', { key: 'a' }, (payload) => seen.push(payload));
      await client.call('test.emit', { key: 'b', n: 1 });
      await client.call('test.emit', { key: 'a', n: 2 });
      await vi_waitFor(() => seen.length >= 2);
      expect(seen).toEqual([
        { key: 'a', n: 0 },
        { key: 'a', n: 2 },
      ]);
      stop();
      await client.call('test.emit', { key: 'a', n: 3 });
      // A call answered after the unsubscribe proves the engine has processed it.
      await client.call('test.emit', { key: 'b', n: 4 });
      expect(seen).toHaveLength(2);
    });

    it('keeps serving after a call to a rejected method', async () => {
      await rejection(client.call('test.fail', { how: 'plain' }));
      await client.call('test.emit', { key: 'z', n: 1 });
    });
  });
});

async function vi_waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
