// Secrets stay secret: hosts' SSH passwords and key passphrases (distinctive random markers) go through everything
// that touches them over IPC — test connections, adding, reading, updating and removing clusters, the inventory,
// a backup — with a driver that echoes them in its errors and logs, as a careless library would. Afterwards no
// marker may be found in the catalog (and its -wal/-shm), the log files, the repository, any IPC message either
// client received, or the engine's log records; the stored ones are in the secrets file, sealed, and only there.
// Passwords inside URLs are masked too, by pattern, even when the engine never learnt them as secrets. The secret
// store is headless mode's, given its passphrase (a marker too) the way a cron job does, in
// LIFEBOAT_SECRETS_PASSPHRASE: the passphrase is found nowhere, not even in the secrets file.
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpcClient, type IpcClient } from '../../shared/ipc/client.js';
import { appContract, type AppContract } from '../../shared/ipc/contract.js';
import { IpcError } from '../../shared/ipc/errors.js';
import type { ClientTransport } from '../../shared/ipc/wire.js';
import type { Cluster, HostSpec } from '../../shared/model/cluster.js';
import type { ClusterInventory } from '../../shared/model/inventory.js';
import { systemClock } from '../../electron/engine/clock.js';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { HypervisorError, type HostConnectOptions, type HostSession } from '../../electron/engine/hypervisors/driver.js';
import { createLibvirtDriver } from '../../electron/engine/hypervisors/libvirt/libvirt-driver.js';
import { createJsonFileSink } from '../../electron/engine/logging/file-sink.js';
import { createLogger, type LogRecord } from '../../electron/engine/logging/logger.js';
import { dataDirLayout } from '../../electron/engine/paths.js';
import { createCliPassphraseProvider } from '../../electron/cli/secrets-passphrase.js';
import { createHeadlessSecretStore } from '../../electron/engine/secrets/headless-secret-store.js';
import { passphraseHeaderSchema, unlockPassphraseKey } from '../../electron/engine/secrets/passphrase-cipher.js';
import { ScriptedDriver, scriptedVm } from '../support/fake-driver.js';
import { makeTempDir } from '../support/temp.js';
import { ALL_TRANSPORTS, type TransportHarness } from './transports.js';

const tag = randomBytes(6).toString('hex');
/** One marker per secret, each used in its own place; quotes, a backslash and URL characters in one of them. */
const SECRETS = {
  sshPassword: `LBK-sshpw-${tag}`,
  keyPassphrase: `LBK-pass phrase"\\/@:&${tag}`,
  updatedPassword: `LBK-updated-${tag}`,
  addedLater: `LBK-added-${tag}`,
  testOnly: `LBK-testonly-${tag}`,
  realDriver: `LBK-realdriver-${tag}`,
  removed: `LBK-removed-${tag}`,
  /** Sent where no secret belongs (extra fields of a host spec): dropped by the schema, stored nowhere. */
  misplaced: `LBK-misplaced-${tag}`,
};
/** Never a secret field: only ever the password part of a URL in an error. The URL pattern alone must catch it. */
const URL_PASSWORD = `LBK-urlpw-${tag}`;
/** The secrets passphrase: it opens the secrets file and goes nowhere else. */
const SECRETS_PASSPHRASE = `LBK-secrets-passphrase-${tag}`;
const ALL_MARKERS = [...Object.values(SECRETS), URL_PASSWORD, SECRETS_PASSPHRASE];

/** The forms a marker takes when written out: as is, inside JSON, in a URL, and what SQLite or a log could hold. */
function formsOf(marker: string): string[] {
  return [...new Set([marker, JSON.stringify(marker).slice(1, -1), encodeURIComponent(marker), Buffer.from(marker).toString('base64')])];
}

function findMarkers(text: string): string[] {
  return ALL_MARKERS.filter((marker) => formsOf(marker).some((form) => text.includes(form)));
}

/** Every file under `dir`, as latin1 text so any byte sequence is searchable. */
function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, text: readFileSync(path).toString('latin1') });
  }
  return out;
}

/**
 * The scripted driver, careless with secrets the way a real library might be: it logs them (in the message, in a
 * secret-named field, in a URL), echoes them in its errors for the `leaky-` and `crashy-` hosts and in a backup
 * failure, and hands `127.0.0.1` hosts to the real libvirt driver (a closed or a garbage-speaking loopback port).
 */
class LeakyDriver extends ScriptedDriver {
  private readonly real = createLibvirtDriver();

  override async connect(spec: HostSpec, options: HostConnectOptions): Promise<HostSession> {
    const key = ScriptedDriver.key(spec);
    const secret = options.secret ?? '(none)';
    options.logger.debug(`connecting to ${key} with ${secret}`, {
      password: secret,
      uri: `qemu+ssh://root:${secret}@${key}/system`,
      alsoTried: `qemu+ssh://admin:${URL_PASSWORD}@${key}/system`,
    });
    if (key === '127.0.0.1') return this.real.connect(spec, options);
    if (key.startsWith('leaky')) {
      throw new HypervisorError(
        'auth_failed',
        `authentication failed: qemu+ssh://root:${secret}@${key}/system refused password "${secret}"; qemu+ssh://admin:${URL_PASSWORD}@${key}/system too`,
      );
    }
    if (key.startsWith('crashy')) throw new Error(`ssh: bad passphrase ${secret} for key (tried smb://u:${URL_PASSWORD}@${key}/x)`);
    const session = await super.connect(spec, options);
    return {
      ...session,
      startBackup: async () => {
        throw new HypervisorError('auth_failed', `backup on ${key} refused for secret ${secret} via qemu+ssh://root:${URL_PASSWORD}@${key}/system`);
      },
    };
  }
}

/** A loopback port that accepts and answers garbage (not SSH, not libvirt), and one that is closed. */
async function loopbackPorts(): Promise<{ garbage: number; closed: number; servers: Server[] }> {
  const listen = (onConnection: (socket: Socket) => void): Promise<Server> =>
    new Promise((resolve) => {
      const server = createServer(onConnection);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const garbage = await listen((socket) => socket.end('HTTP/1.0 400 nonsense\r\n\r\n'));
  const closedServer = await listen(() => undefined);
  const closed = (closedServer.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closedServer.close(() => resolve()));
  return { garbage: (garbage.address() as AddressInfo).port, closed, servers: [garbage] };
}

/** A client whose every received message is kept as text. */
function recordedClient(harness: TransportHarness, into: string[]): IpcClient<AppContract> {
  const transport: ClientTransport = harness.openClient();
  transport.onMessage((message) => into.push(JSON.stringify(message)));
  return createIpcClient(appContract, transport);
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(ALL_TRANSPORTS)('secrets never leak, over the $name transport', (kind) => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  let engine: Engine;
  let harness: TransportHarness;
  let ports: Awaited<ReturnType<typeof loopbackPorts>>;
  const records: LogRecord[] = [];
  const actorMessages: string[] = [];
  const observerMessages: string[] = [];
  let actor: IpcClient<AppContract>;
  let observer: IpcClient<AppContract>;
  const events: { topic: string; payload: unknown }[] = [];
  let alpha: Cluster;

  beforeAll(async () => {
    temp = makeTempDir('secrets-leak');
    dataDir = join(temp.dir, 'data');
    const layout = dataDirLayout(dataDir);
    // The headless runtime's logging (a JSON-lines file under <data>/logs), at debug level, plus a memory sink.
    const logger = createLogger([createJsonFileSink(layout.logsDir), (record) => records.push(record)], { minLevel: 'debug' });
    const driver = new LeakyDriver();
    driver.addHost('kvm-a.example', [scriptedVm('0b7c1a38-3f5e-4c8e-9a51-2f0a9d6c1e01', 'web')]);
    driver.addHost('kvm-c.example', [scriptedVm('0b7c1a38-3f5e-4c8e-9a51-2f0a9d6c1e02', 'db')]);
    ports = await loopbackPorts();
    engine = createEngine({
      dataDir,
      logger,
      clock: systemClock,
      secrets: createHeadlessSecretStore({
        file: layout.secretsFile,
        legacyKeyFile: layout.secretKeyFile,
        logger,
        // Test strength, for speed: the production parameters are asserted in the unit tests.
        scrypt: { N: 2 ** 10, r: 8, p: 1 },
        passphrase: createCliPassphraseProvider({
          dataDir,
          env: { LIFEBOAT_SECRETS_PASSPHRASE: SECRETS_PASSPHRASE },
          osStore: null,
          terminal: null,
          logger,
        }),
      }),
      mode: 'headless',
      version: 'test',
      hypervisorDriver: driver,
    });
    harness = await kind.start(engine.connect, logger);
    actor = recordedClient(harness, actorMessages);
    observer = recordedClient(harness, observerMessages);
    for (const topic of ['clusters.changed', 'settings.changed', 'jobs.changed', 'jobs.progress', 'points.changed'] as const) {
      observer.subscribe(topic, {}, (payload) => events.push({ topic, payload }));
    }
    await observer.call('app.getInfo', {});
  });

  afterAll(async () => {
    actor.close();
    observer.close();
    await harness.close();
    await engine.close();
    for (const server of ports.servers) server.close();
    temp.remove();
  });

  const ssh = (address: string, auth: 'password' | 'key', port = 22): HostSpec => ({
    transport: 'ssh',
    address,
    port,
    username: 'root',
    auth,
    ...(auth === 'key' ? { keyPath: join(temp.dir, 'no-such-key') } : {}),
    libvirtUri: 'qemu:///system',
  });

  it('tests hosts with a secret: reachable, echoing, crashing, and real loopback ports closed or speaking garbage', async () => {
    expect(await actor.call('clusters.testHost', { spec: ssh('kvm-a.example', 'password'), secret: SECRETS.testOnly })).toMatchObject({ status: 'ok' });
    const leaky = await actor.call('clusters.testHost', { spec: ssh('leaky-t.example', 'password'), secret: SECRETS.testOnly });
    expect(leaky).toMatchObject({ status: 'failed', code: 'auth_failed', message: expect.stringContaining('[redacted]') });
    const crashy = await actor.call('clusters.testHost', { spec: ssh('crashy-t.example', 'key'), secret: SECRETS.testOnly });
    expect(crashy).toMatchObject({ status: 'failed', message: expect.stringContaining('[redacted]') });
    for (const port of [ports.closed, ports.garbage]) {
      for (const auth of ['password', 'key'] as const) {
        const result = await actor.call('clusters.testHost', { spec: ssh('127.0.0.1', auth, port), secret: SECRETS.realDriver });
        expect(result).toMatchObject({ status: 'failed' });
      }
    }
  }, 60_000);

  it('adds, reads and lists clusters whose hosts carry secrets', async () => {
    alpha = await actor.call('clusters.add', {
      name: 'alpha',
      hosts: [
        { spec: ssh('kvm-a.example', 'password'), secret: SECRETS.sshPassword },
        { spec: ssh('leaky-b.example', 'key'), secret: SECRETS.keyPassphrase },
        // A buggy client puts the password in the spec itself: the spec schema drops what it does not know.
        { spec: { transport: 'tcp', address: 'kvm-c.example', password: SECRETS.misplaced, passphrase: SECRETS.misplaced } as unknown as HostSpec },
      ],
    });
    expect(alpha.hosts.map((h) => h.hasSecret)).toEqual([true, true, false]);
    expect(await actor.call('clusters.get', { id: alpha.id })).toEqual(alpha);
    expect((await actor.call('clusters.list', {})).map((c) => c.name)).toEqual(['alpha']);
    const beta = await actor.call('clusters.add', {
      name: 'beta',
      hosts: [{ spec: ssh('crashy-x.example', 'password'), secret: SECRETS.removed }],
    });
    await actor.call('clusters.remove', { id: beta.id });
  });

  it('watches the inventory: the hosts whose errors echo the secret are unreachable, with the secret masked', async () => {
    const snapshots: ClusterInventory[] = [];
    observer.subscribe('inventory.changed', { clusterId: alpha.id }, (payload) => snapshots.push(payload));
    const inventory = await actor.call('inventory.get', { clusterId: alpha.id, refresh: true });
    const leaky = inventory.hosts.find((h) => h.label.includes('leaky-b'));
    expect(leaky).toMatchObject({ state: 'unreachable', error: { code: 'auth_failed', message: expect.stringContaining('[redacted]') } });
    await waitFor(() => (snapshots.some((s) => s.hosts.some((h) => h.state === 'unreachable')) ? true : undefined), 'an inventory event');
  });

  it('updates the cluster: a new password for one host, one host kept with its stored passphrase, one added', async () => {
    const [a, b] = alpha.hosts;
    alpha = await actor.call('clusters.update', {
      id: alpha.id,
      name: 'alpha renamed',
      hosts: [
        { id: a!.id, spec: a!.spec, secret: SECRETS.updatedPassword },
        { id: b!.id, spec: b!.spec },
        { spec: ssh('crashy-d.example', 'password'), secret: SECRETS.addedLater },
      ],
    });
    expect(alpha.hosts.map((h) => h.hasSecret)).toEqual([true, true, true]);
    const inventory = await actor.call('inventory.get', { clusterId: alpha.id, refresh: true });
    expect(inventory.hosts.filter((h) => h.state === 'unreachable')).toHaveLength(2);
  });

  it('backs up the cluster into a repository: the failure that quotes the secret is masked in the job and its log', async () => {
    await actor.call('repository.use', { path: join(temp.dir, 'repo'), create: true });
    const { jobId } = await actor.call('backup.startCluster', { clusterId: alpha.id });
    const ended = await waitFor(() => {
      const change = events.find((e) => e.topic === 'jobs.changed' && (e.payload as { id: string; state: string }).id === jobId && ['succeeded', 'failed', 'partial', 'cancelled'].includes((e.payload as { state: string }).state));
      return change?.payload as { state: string } | undefined;
    }, 'the backup job to end', 30_000);
    expect(ended.state).not.toBe('succeeded');
    const detail = await actor.call('jobs.get', { id: jobId });
    expect(JSON.stringify(detail)).toContain('[redacted]');
  }, 60_000);

  it('masks passwords of URLs that reach an error, though no secret field ever held them', async () => {
    const error = await actor
      // A relative path is refused by the schema; an absolute one that holds a URL reaches the repository's error.
      .call('repository.use', { path: `/mnt/smb://admin:${URL_PASSWORD}@nas.example/share`, create: false })
      .catch((e: unknown) => e as IpcError);
    expect(error).toBeInstanceOf(IpcError);
    expect(error).toMatchObject({ message: expect.stringContaining('[redacted]') });
    await actor.call('settings.update', { theme: 'dark' });
  });

  it('leaves no marker in the catalog, the logs, the repository, IPC messages or log records; stored secrets only sealed, in the secrets file', async () => {
    const layout = dataDirLayout(dataDir);
    const check = (where: string, text: string): string[] => findMarkers(text).map((marker) => `${where}: ${marker}`);
    const leaks: string[] = [];
    const scanFiles = (): void => {
      for (const file of [...filesUnder(dataDir), ...filesUnder(join(temp.dir, 'repo'))]) {
        if (file.path === layout.secretsFile) continue;
        leaks.push(...check(file.path.slice(temp.dir.length), file.text));
      }
    };
    // While the engine runs (the catalog's -wal and -shm exist), then once more after it has closed.
    expect(filesUnder(dataDir).some((f) => f.path.endsWith('-wal'))).toBe(true);
    expect(filesUnder(layout.logsDir).length).toBeGreaterThan(0);
    scanFiles();
    leaks.push(...check('IPC messages of the acting client', actorMessages.join('\n')));
    leaks.push(...check('IPC messages of the watching client', observerMessages.join('\n')));
    leaks.push(...check('log records', JSON.stringify(records)));
    expect(observerMessages.filter((m) => m.includes('"t":"event"')).length).toBeGreaterThan(5);
    expect(records.length).toBeGreaterThan(20);

    // The secrets file holds exactly the stored secrets, sealed: no marker in plain text, each one decrypts back.
    const secretsText = readFileSync(layout.secretsFile, 'utf8');
    expect(findMarkers(secretsText)).toEqual([]);
    const doc = JSON.parse(secretsText) as { secrets: Record<string, string> };
    const key = await unlockPassphraseKey(SECRETS_PASSPHRASE, passphraseHeaderSchema.parse(doc));
    const stored = Object.entries(doc.secrets).map(([name, value]) => key!.openValue(name, value));
    expect(stored.sort()).toEqual([SECRETS.keyPassphrase, SECRETS.updatedPassword, SECRETS.addedLater].sort());

    await actor.call('app.getInfo', {});
    actor.close();
    observer.close();
    await harness.close();
    await engine.close();
    scanFiles();
    expect(leaks).toEqual([]);
  }, 30_000);
});
