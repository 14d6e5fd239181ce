// Hostile input against a real engine, over every transport: every method of the app contract (read from the
// contract object, so a new method is fuzzed without touching this file) gets malformed params, every topic bad
// filters, and the WebSocket gets envelopes no client would send. Each must be answered with an error value the
// caller can act on — never `internal`, a crash or a hang — and the engine must still answer and still hold the
// catalog it had. Inputs come from a seeded PRNG: set LIFEBOAT_FUZZ_SEED to replay a failing run.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createIpcClient, type SubscribeOptions } from '../../shared/ipc/client.js';
import { appContract } from '../../shared/ipc/contract.js';
import type { ErrorCode } from '../../shared/ipc/errors.js';
import { IpcError } from '../../shared/ipc/errors.js';
import { MAX_MESSAGE_BYTES } from '../../shared/ipc/wire.js';
import type { Cluster } from '../../shared/model/cluster.js';
import type { Engine } from '../../electron/engine/engine.js';
import { createTestEngine } from '../support/engine.js';
import { ScriptedDriver, scriptedVm } from '../support/fake-driver.js';
import { createMemoryLogger } from '../support/logger.js';
import { seededRandom } from '../support/random.js';
import { makeTempDir } from '../support/temp.js';
import { deeplyNested, genericCases, mutationCases, sampleValue, type FuzzCase } from './fuzz-params.js';
import { ELECTRON_IPC_CHANNEL } from '../../shared/ipc/wire.js';
import { ALL_TRANSPORTS, startElectronHost, startWebSocketServer, type TransportHarness } from './transports.js';

const BASE_SEED = Number(process.env['LIFEBOAT_FUZZ_SEED'] ?? 0x11fe_b0a7);
/** What a malformed call may be answered with: all say "your input", none says "the engine broke". */
const ACCEPTED_CODES: ReadonlySet<ErrorCode> = new Set(['invalid_params', 'not_found', 'unavailable', 'conflict']);
const CALL_TIMEOUT_MS = 10_000;

/**
 * Engine bugs this suite finds outside the IPC layer, reported to their owners. A problem matching one is counted
 * and printed, not failed on; remove the entry when the fix lands (the suite then holds the line).
 */
const KNOWN_ISSUES: readonly { method: string; problem: RegExp; note: string }[] = [];
/** Calls in flight at once: enough to interleave handlers, few enough that a hang is attributed to its case. */
const BATCH = 8;

function seedFor(name: string): number {
  let hash = BASE_SEED >>> 0;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

interface UntypedClient {
  call(method: string, params: unknown): Promise<unknown>;
  subscribe(topic: string, filter: unknown, listener: (payload: unknown) => void, options?: SubscribeOptions): () => void;
  close(): void;
}

type Outcome = { kind: 'ok' } | { kind: 'error'; code: string; message: string } | { kind: 'hang' } | { kind: 'thrown'; detail: string };

function settle(promise: Promise<unknown>, ms = CALL_TIMEOUT_MS): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'hang' }), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve({ kind: 'ok' });
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (error instanceof IpcError) resolve({ kind: 'error', code: error.code, message: error.message });
        else resolve({ kind: 'thrown', detail: String(error) });
      },
    );
  });
}

function problemOf(outcome: Outcome): string | null {
  switch (outcome.kind) {
    case 'ok':
      return null;
    case 'hang':
      return `no answer within ${CALL_TIMEOUT_MS} ms`;
    case 'thrown':
      return `not an IpcError: ${outcome.detail}`;
    case 'error':
      if (!ACCEPTED_CODES.has(outcome.code as ErrorCode)) return `answered ${outcome.code}: ${outcome.message.slice(0, 300)}`;
      if (typeof outcome.message !== 'string' || outcome.message.length === 0) return 'an error without a message';
      return null;
  }
}

/**
 * Whether a case may run here: one that would create a repository (`create: true`) must point into the test's own
 * folder. repository.use resolves a relative path against the engine's working directory — the checkout, in a test.
 */
function staysInside(params: unknown, root: string): boolean {
  if (Array.isArray(params)) return params.every((item) => staysInside(item, root));
  if (params === null || typeof params !== 'object') return true;
  const record = params as Record<string, unknown>;
  if (record['create'] === true) {
    const path = record['path'];
    if (typeof path !== 'string' || !path.startsWith(`${root}/`) || path.includes('..') || path.includes('\u0000')) return false;
  }
  return Object.values(record).every((value) => staysInside(value, root));
}

/** Cases the filter above let through that would have created a repository outside the test folder. */
const escapes: string[] = [];

/** A safety net under `staysInside`: the engine never gets to create a repository outside the test's folder. */
function guardRepositoryCreation(engine: Engine, root: string): void {
  const repository = engine.repository;
  const use = repository.use.bind(repository);
  repository.use = async (path, create) => {
    if (create && !resolve(path).startsWith(`${root}/`)) {
      escapes.push(path);
      throw new IpcError('invalid_params', 'the fuzz test refuses to create a repository outside its folder');
    }
    return use(path, create);
  };
}

function prototypeIsClean(): boolean {
  const probe: Record<string, unknown> = {};
  return probe['polluted'] === undefined && !Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted');
}

describe.each(ALL_TRANSPORTS)('fuzzing every method of the app contract over the $name transport', (kind) => {
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let harness: TransportHarness;
  let client: UntypedClient;
  let sentinel: Cluster;
  let victim: Cluster;
  const tally = { cases: 0, ok: 0, refused: 0 };

  beforeAll(async () => {
    temp = makeTempDir('fuzz');
    const driver = new ScriptedDriver();
    driver.addHost('kvm-fuzz-1.example', [scriptedVm('6f1f6b1e-2a5f-4a47-9d0a-6d1b0c7b1a01', 'web')]);
    driver.addHost('kvm-sentinel.example', [scriptedVm('6f1f6b1e-2a5f-4a47-9d0a-6d1b0c7b1a02', 'db')]);
    const memory = createMemoryLogger();
    engine = createTestEngine(temp.dir, { hypervisorDriver: driver, logger: memory.logger });
    guardRepositoryCreation(engine, temp.dir);
    harness = await kind.start(engine.connect, memory.logger);
    client = createIpcClient(appContract, harness.openClient()) as unknown as UntypedClient;
    // The sentinel must come out of the fuzzing exactly as it went in; the victim is what valid-looking ids hit.
    sentinel = (await client.call('clusters.add', {
      name: 'sentinel',
      hosts: [
        { spec: { transport: 'tcp', address: 'kvm-sentinel.example' } },
        { spec: { transport: 'ssh', address: 'kvm-sentinel.example', username: 'root', auth: 'password' }, secret: 'sentinel-password' },
      ],
    })) as Cluster;
    victim = (await client.call('clusters.add', {
      name: 'victim',
      hosts: [{ spec: { transport: 'tcp', address: 'kvm-fuzz-1.example' } }],
    })) as Cluster;
  });

  afterAll(async () => {
    client.close();
    await harness.close();
    await engine.close();
    temp.remove();
  });

  async function run(label: string, cases: FuzzCase[], send: (c: FuzzCase) => Promise<unknown>): Promise<string[]> {
    const problems: string[] = [];
    for (let i = 0; i < cases.length; i += BATCH) {
      const batch = cases.slice(i, i + BATCH);
      const outcomes = await Promise.all(batch.map((c) => settle(send(c))));
      outcomes.forEach((outcome, j) => {
        tally.cases += 1;
        if (outcome.kind === 'ok') tally.ok += 1;
        else tally.refused += 1;
        const problem = problemOf(outcome);
        if (problem) problems.push(`${label} [${batch[j]!.label}]: ${problem}`);
      });
    }
    return problems;
  }

  const methods = Object.keys(appContract.methods) as (keyof typeof appContract.methods)[];

  it.each(methods)('%s: malformed params are refused with a usable error', async (method) => {
    const seed = seedFor(`${kind.name}/${method}`);
    const random = seededRandom(seed);
    const spec = appContract.methods[method];
    const uuids: Record<string, string> = { clusterId: victim.id };
    // clusters.remove gets ids of no cluster: a valid-looking id there would delete what later cases need.
    if (method !== 'clusters.remove') uuids['id'] = victim.id;
    const hints = { uuids, pathRoot: temp.dir };
    const cases = [
      ...genericCases(),
      ...mutationCases(sampleValue(spec.params, random, hints), random),
      ...mutationCases(sampleValue(spec.params, random, hints), random),
    ].filter((c) => staysInside(c.params, temp.dir));
    const found = await run(method, cases, (c) => client.call(method, c.params));
    const known = KNOWN_ISSUES.filter((issue) => issue.method === method);
    const problems = found.filter((problem) => !known.some((issue) => issue.problem.test(problem)));
    for (const issue of known) {
      const count = found.filter((problem) => issue.problem.test(problem)).length;
      if (count > 0) console.log(`${kind.name}: known issue hit ${count} times: ${issue.note}`);
    }
    expect(problems, `seed ${seed} (LIFEBOAT_FUZZ_SEED=${BASE_SEED})`).toEqual([]);
    expect(escapes).toEqual([]);
    expect(prototypeIsClean()).toBe(true);
    expect(await client.call('app.getInfo', {})).toMatchObject({ name: 'Lifeboat' });
  }, 120_000);

  const topics = Object.keys(appContract.topics) as (keyof typeof appContract.topics)[];

  it.each(topics)('subscribing to %s with bad filters is refused, and unknown topics too', async (topic) => {
    const seed = seedFor(`${kind.name}/topic/${topic}`);
    const random = seededRandom(seed);
    const spec = appContract.topics[topic];
    const cases = [...genericCases(), ...mutationCases(sampleValue(spec.filter, random, { pathRoot: temp.dir }), random)];
    const subscribe = (name: string, c: FuzzCase): Promise<unknown> =>
      new Promise((resolve, reject) => {
        let stop: () => void = () => undefined;
        stop = client.subscribe(name, c.params, () => undefined, {
          onError: (error) => {
            stop();
            reject(error);
          },
        });
        // An accepted subscription sends no reply the client surfaces; a call answered after it proves the engine
        // took it (messages on one connection are handled in order).
        void client.call('app.getInfo', {}).then(() => {
          stop();
          resolve(null);
        });
      });
    const problems = await run(`sub ${topic}`, cases, (c) => subscribe(topic, c));
    const unknownCases = [...genericCases(), { label: 'valid filter', params: {} }];
    const unknown = await run(`sub unknown`, unknownCases, (c) =>
      subscribe(random.pick(['no.such.topic', '__proto__', 'constructor', 'toString', `${topic}.x`]), c),
    );
    // Every one is refused as unknown (which `run` lists, as it is not one of the input-error codes).
    expect(unknown, JSON.stringify(unknown)).toHaveLength(unknownCases.length);
    for (const problem of unknown) expect(problem).toContain('answered unknown_topic');
    expect(problems, `seed ${seed}`).toEqual([]);
  }, 120_000);

  it('still answers afterwards, with the catalog as it was', async () => {
    expect(await client.call('app.getInfo', {})).toMatchObject({ name: 'Lifeboat', version: 'test' });
    expect(await client.call('clusters.get', { id: sentinel.id })).toEqual(sentinel);
    const list = (await client.call('clusters.list', {})) as { id: string; name: string; hostCount: number }[];
    expect(list.find((c) => c.id === sentinel.id)).toMatchObject({ name: 'sentinel', hostCount: 2 });
    expect(engine.catalog.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(engine.catalog.db.pragma('foreign_key_check')).toEqual([]);
    expect(prototypeIsClean()).toBe(true);
    // A fresh client on the same transport is served too.
    const fresh = createIpcClient(appContract, harness.openClient());
    try {
      expect(await fresh.call('clusters.get', { id: sentinel.id })).toEqual(sentinel);
    } finally {
      fresh.close();
    }
    console.log(`${kind.name}: ${tally.cases} fuzz cases, ${tally.ok} accepted, ${tally.refused} refused`);
  });
});

/** A raw socket to the engine: what a hostile or broken client could send, frame by frame. */
class RawClient {
  readonly messages: unknown[] = [];
  private waiters: (() => void)[] = [];
  closeCode: number | null = null;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }
  static open(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }
  send(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }
  /** Waits until `count` messages (in all) have arrived, or the socket closed, or the time is up. */
  async waitFor(count: number, ms = 10_000): Promise<unknown[]> {
    const deadline = Date.now() + ms;
    while (this.messages.length < count && this.closeCode === null && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages;
  }
  /** Sends a call and waits for its result. */
  async call(id: string, method: string, params: unknown): Promise<Record<string, unknown>> {
    const before = this.messages.length;
    this.send(JSON.stringify({ t: 'call', id, method, params }));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.messages.slice(before).find((m) => (m as { id?: unknown }).id === id && (m as { t?: unknown }).t === 'result');
      if (found) return found as Record<string, unknown>;
      if (this.closeCode !== null || Date.now() > deadline) throw new Error(`no result for ${id} (closed: ${this.closeCode})`);
      await this.waitFor(this.messages.length + 1, deadline - Date.now());
    }
  }
  close(): void {
    this.socket.close();
  }
}

describe('raw envelope abuse over the WebSocket, against a real engine', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startWebSocketServer>>;
  let raw: RawClient;
  const random = seededRandom(seedFor('raw-websocket'));

  beforeAll(async () => {
    temp = makeTempDir('fuzz-ws');
    const driver = new ScriptedDriver();
    const memory = createMemoryLogger();
    engine = createTestEngine(temp.dir, { hypervisorDriver: driver, logger: memory.logger });
    server = await startWebSocketServer(engine.connect, memory.logger);
  });
  afterAll(async () => {
    await server.close();
    await engine.close();
    temp.remove();
  });

  const alive = async (client: RawClient): Promise<void> => {
    const id = `alive-${random.int(0, 1e9)}`;
    expect(await client.call(id, 'app.getInfo', {})).toMatchObject({ t: 'result', id, ok: true, result: { name: 'Lifeboat' } });
  };

  it('answers frames that are not JSON, or not text, with a fault and keeps the connection', async () => {
    raw = await RawClient.open(server.url());
    const garbage: { data: string | Buffer; binary: boolean }[] = [
      { data: '', binary: false },
      { data: '{', binary: false },
      { data: 'undefined', binary: false },
      { data: "{'t':'call'}", binary: false },
      { data: '\u0000\u0001', binary: false },
      { data: Buffer.alloc(0), binary: true },
      { data: Buffer.from(JSON.stringify({ t: 'call', id: 'b', method: 'app.getInfo', params: {} })), binary: true },
    ];
    for (let i = 0; i < 40; i += 1) garbage.push({ data: random.bytes(random.int(1, 512)), binary: true });
    for (let i = 0; i < 40; i += 1) {
      // Printable noise that is not JSON (a leading letter other than t/f/n makes sure of it).
      const text = `x${Array.from(random.bytes(random.int(0, 300)), (b) => String.fromCharCode(32 + (b % 95))).join('')}`;
      garbage.push({ data: text, binary: false });
    }
    for (const { data, binary } of garbage) raw.send(data, binary);
    const replies = await raw.waitFor(garbage.length);
    expect(raw.closeCode).toBeNull();
    expect(replies).toHaveLength(garbage.length);
    for (const reply of replies) expect(reply).toMatchObject({ t: 'fault', error: { code: 'invalid_message', message: expect.any(String) } });
    await alive(raw);
  });

  it('refuses envelopes of unknown types or wrong shapes, one reply each, never `internal`', async () => {
    raw.messages.length = 0;
    const envelopes: unknown[] = [
      null,
      42,
      'call',
      [],
      [{ t: 'call', id: 'a', method: 'app.getInfo', params: {} }],
      {},
      { t: 'hello' },
      { t: 'result', id: 'r', ok: true, result: {} },
      { t: 'event', id: 'e', topic: 'settings.changed', payload: {} },
      { t: 'fault', error: { code: 'internal', message: 'x' } },
      { t: 'subscribed', id: 's', ok: true },
      { t: null },
      { t: ['call'] },
      { t: 'call' },
      { t: 'call', id: '', method: 'app.getInfo', params: {} },
      { t: 'call', id: 'x'.repeat(65), method: 'app.getInfo', params: {} },
      { t: 'call', id: 7, method: 'app.getInfo', params: {} },
      { t: 'call', id: { toString: 'x' }, method: 'app.getInfo' },
      { t: 'call', id: 'm1', method: '' },
      { t: 'call', id: 'm2', method: 'm'.repeat(129) },
      { t: 'call', id: 'm3', method: null },
      { t: 'sub', id: 's1' },
      { t: 'sub', id: 's2', topic: '' },
      { t: 'cancel' },
      { t: 'cancel', id: 5 },
      { t: 'unsub', id: null },
      JSON.parse('{"__proto__":{"t":"call","id":"p1","method":"app.getInfo"}}'),
      { t: 'call', id: 'deep', method: 'app.getInfo', params: deeplyNested(900, 'object') },
    ];
    for (const envelope of envelopes) raw.send(JSON.stringify(envelope));
    const replies = await raw.waitFor(envelopes.length);
    expect(replies).toHaveLength(envelopes.length);
    for (const reply of replies) {
      const r = reply as { t: string; error?: { code: string } };
      // A call or subscription whose id could be read is answered as that call or subscription; the rest as a fault.
      expect(['fault', 'result', 'subscribed']).toContain(r.t);
      expect(r.error?.code, JSON.stringify(reply).slice(0, 200)).toMatch(/^(invalid_message|invalid_params)$/);
    }
    await alive(raw);
  });

  it('answers methods and topics the contract does not declare, including Object.prototype names', async () => {
    raw.messages.length = 0;
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'app', 'app.', '.getInfo', 'APP.GETINFO', 'app.getInfo ', 'app.getInfo\u0000'];
    names.forEach((name, i) => raw.send(JSON.stringify({ t: 'call', id: `u${i}`, method: name, params: {} })));
    names.forEach((name, i) => raw.send(JSON.stringify({ t: 'sub', id: `t${i}`, topic: name, filter: { clusterId: 'bad' } })));
    const replies = (await raw.waitFor(names.length * 2)) as { t: string; id: string; ok: boolean; error: { code: string } }[];
    expect(replies).toHaveLength(names.length * 2);
    for (const reply of replies) {
      expect(reply.ok).toBe(false);
      expect(reply.error.code).toBe(reply.t === 'result' ? 'unknown_method' : 'unknown_topic');
    }
    expect(prototypeIsClean()).toBe(true);
    await alive(raw);
  });

  it('ignores cancels and unsubscribes of ids it does not know, and refuses a second call with an id in use', async () => {
    raw.messages.length = 0;
    for (let i = 0; i < 200; i += 1) {
      raw.send(JSON.stringify({ t: 'cancel', id: `nope-${i}` }));
      raw.send(JSON.stringify({ t: 'unsub', id: `nope-${i}` }));
    }
    raw.send(JSON.stringify({ t: 'cancel', id: '__proto__' }));
    raw.send(JSON.stringify({ t: 'unsub', id: 'constructor' }));
    await alive(raw);
    expect(raw.messages).toHaveLength(1);
    // The same id twice at once: the second is refused, the first still answered.
    raw.messages.length = 0;
    const slow = { spec: { transport: 'tcp', address: 'nowhere.example' } };
    raw.send(JSON.stringify({ t: 'call', id: 'dup', method: 'clusters.testHost', params: slow }));
    raw.send(JSON.stringify({ t: 'call', id: 'dup', method: 'clusters.testHost', params: slow }));
    const replies = (await raw.waitFor(2)) as { id: string; ok: boolean; error?: { code: string } }[];
    expect(replies.map((r) => r.id)).toEqual(['dup', 'dup']);
    // Both may finish (the scripted driver answers at once) or the second finds the first still running.
    for (const reply of replies) if (!reply.ok) expect(reply.error?.code).toBe('invalid_message');
    await alive(raw);
  });

  it('answers every call of a flood, and serves other clients meanwhile', async () => {
    const flooder = await RawClient.open(server.url());
    const count = 5000;
    const frames: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const method = random.pick(['app.getInfo', 'settings.get', 'clusters.list', 'jobs.list', 'nope.method']);
      frames.push(JSON.stringify({ t: 'call', id: `f${i}`, method, params: random.next() < 0.2 ? { bad: i } : {} }));
    }
    for (const frame of frames) flooder.send(frame);
    const bystander = await RawClient.open(server.url());
    await alive(bystander);
    const replies = (await flooder.waitFor(count, 60_000)) as { t: string; id: string; ok: boolean; error?: { code: string } }[];
    expect(flooder.closeCode).toBeNull();
    expect(replies).toHaveLength(count);
    expect(new Set(replies.map((r) => r.id)).size).toBe(count);
    for (const reply of replies) {
      expect(reply.t).toBe('result');
      if (!reply.ok) expect(['invalid_params', 'unknown_method', 'unavailable']).toContain(reply.error?.code);
    }
    // A flood of subscriptions: each is answered, and one change reaches every one of them.
    flooder.messages.length = 0;
    const subs = 2000;
    for (let i = 0; i < subs; i += 1) flooder.send(JSON.stringify({ t: 'sub', id: `s${i}`, topic: 'settings.changed', filter: {} }));
    await flooder.waitFor(subs, 30_000);
    const refused = (flooder.messages as { ok: boolean }[]).filter((m) => !m.ok).length;
    await bystander.call('change', 'settings.update', { theme: 'dark' });
    const events = (await flooder.waitFor(subs + (subs - refused), 30_000)).filter((m) => (m as { t: string }).t === 'event');
    expect(events).toHaveLength(subs - refused);
    for (let i = 0; i < subs; i += 1) flooder.send(JSON.stringify({ t: 'unsub', id: `s${i}` }));
    await alive(flooder);
    flooder.close();
    bystander.close();
  }, 120_000);

  it('closes a connection that sends more than 1 MiB in one message, and goes on serving', async () => {
    const big = await RawClient.open(server.url());
    big.send(JSON.stringify({ t: 'call', id: 'big', method: 'settings.update', params: { theme: 'x'.repeat(MAX_MESSAGE_BYTES) } }));
    await big.waitFor(1);
    expect(big.closeCode).toBe(1009);
    // A message just under the limit, nested as deep as JSON.parse allows in 1 MiB, is refused but kept.
    const deep = await RawClient.open(server.url());
    const depth = Math.floor((MAX_MESSAGE_BYTES - 200) / 2);
    deep.send(`{"t":"call","id":"deep","method":"settings.update","params":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(await deep.waitFor(1)).toEqual([{ t: 'result', id: 'deep', ok: false, error: { code: 'invalid_params', message: expect.any(String) } }]);
    deep.send(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect((await deep.waitFor(2))[1]).toMatchObject({ t: 'fault', error: { code: 'invalid_message' } });
    await alive(deep);
    deep.close();
    await alive(raw);
    expect(await raw.call('final', 'clusters.list', {})).toMatchObject({ ok: true, result: [] });
    raw.close();
  }, 60_000);
});

describe('values only Electron IPC can carry (structured clone), against a real engine', () => {
  it('answers every method given Maps, Sets, Dates, typed arrays, BigInts, cycles and the like, never `internal`', async () => {
    const temp = makeTempDir('fuzz-clone');
    const memory = createMemoryLogger();
    const engine = createTestEngine(temp.dir, { hypervisorDriver: new ScriptedDriver(), logger: memory.logger });
    guardRepositoryCreation(engine, temp.dir);
    const electron = startElectronHost(engine.connect, memory.logger);
    const window = electron.openWindow();
    const replies = new Map<string, { t: string; ok?: boolean; error?: { code: string; message: string } }>();
    window.contents.toRenderer.on(ELECTRON_IPC_CHANNEL, (m: { t: string; id?: string }) => {
      if (m.id !== undefined) replies.set(m.id, m);
    });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const sparse: unknown[] = [];
    sparse[5] = 'x';
    const cloneOnly: readonly [string, () => unknown][] = [
      ['Map', () => new Map([['name', 'x']])],
      ['Set', () => new Set(['x'])],
      ['Date', () => new Date(0)],
      ['Uint8Array', () => new Uint8Array(16)],
      ['ArrayBuffer', () => new ArrayBuffer(8)],
      ['RegExp', () => /x/g],
      ['Error', () => new Error('boom')],
      ['BigInt', () => 10n],
      ['cycle', () => cyclic],
      ['sparse array', () => sparse],
      ['undefined member', () => ({ a: undefined })],
      ['-0', () => -0],
      ['NaN', () => Number.NaN],
      ['Infinity', () => Number.NEGATIVE_INFINITY],
      ['boxed string', () => Object('x') as object],
    ];
    const random = seededRandom(seedFor('electron-clone'));
    const sent: string[] = [];
    let n = 0;
    for (const method of Object.keys(appContract.methods) as (keyof typeof appContract.methods)[]) {
      const baseline = sampleValue(appContract.methods[method].params, random, { pathRoot: temp.dir }) as Record<string, unknown>;
      for (const [, make] of cloneOnly) {
        const id = `c${n++}`;
        sent.push(id);
        window.bridge.send({ t: 'call', id, method, params: make() } as never);
        for (const field of Object.keys(baseline)) {
          const fieldId = `c${n++}`;
          sent.push(fieldId);
          window.bridge.send({ t: 'call', id: fieldId, method, params: { ...baseline, [field]: make() } } as never);
        }
      }
    }
    const deadline = Date.now() + 20_000;
    while (replies.size < sent.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const problems: string[] = [];
    for (const id of sent) {
      const reply = replies.get(id);
      if (!reply) problems.push(`${id}: no answer`);
      else if (reply.t !== 'result') problems.push(`${id}: answered ${reply.t}`);
      else if (reply.ok === false && !ACCEPTED_CODES.has(reply.error!.code as ErrorCode) && reply.error!.code !== 'invalid_message') {
        problems.push(`${id}: ${reply.error!.code}: ${reply.error!.message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(escapes).toEqual([]);
    expect(prototypeIsClean()).toBe(true);
    console.log(`Electron structured-clone values: ${sent.length} calls`);
    electron.host.detach();
    await engine.close();
    temp.remove();
  }, 60_000);
});
