import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { Cluster, HostTestResult } from '../../../shared/model/cluster.js';
import { createFakeEngineClient, deferred, flushPromises, type FakeHandler, type FakeHandlers } from '../testing/fake-engine-client.js';
import { clusterAFull, fingerprintA, fingerprintB, hostIds } from '../testing/fixtures.js';
import { createAddClusterStore, mapInvalidParams, pinnedKeyOf, summarizeDialog, type AddClusterStore } from './add-cluster-store.js';
import { createClustersStore } from './clusters-store.js';

const SECRET = 'correct horse battery staple';
const NEW_ID = '44444444-4444-4444-8444-444444444444';

const okResult: HostTestResult = {
  status: 'ok',
  hostname: 'kvm1.lab',
  libvirtVersion: '10.0.0',
  hypervisorVersion: '8.2.2',
  vmCount: 5,
};

/** An engine that, like the real one, shows an unknown SSH key until the spec pins it. */
function sshEngine(presented: string): FakeHandler<'clusters.testHost'> {
  return ({ spec }) => {
    if (spec.transport !== 'ssh') return okResult;
    if (!spec.hostKeyFingerprint) return { status: 'host_key_unknown', fingerprint: presented };
    if (spec.hostKeyFingerprint !== presented) return { status: 'host_key_mismatch', expected: spec.hostKeyFingerprint, actual: presented };
    return { ...okResult, hostKeyFingerprint: presented };
  };
}

function setup(handlers: FakeHandlers = {}): {
  client: ReturnType<typeof createFakeEngineClient>;
  store: AddClusterStore;
  clusters: ReturnType<typeof createClustersStore>;
} {
  const client = createFakeEngineClient(handlers);
  const clusters = createClustersStore(client);
  return { client, clusters, store: createAddClusterStore(client, clusters) };
}

function fillSshHost(store: AddClusterStore, index = 0, address = 'kvm1.lab'): void {
  const s = store.getState();
  s.setHostField(index, 'address', address);
  s.setHostField(index, 'username', 'root');
  s.setAuth(index, 'password');
  s.setHostField(index, 'secret', SECRET);
}

/** Every path in a value whose string contains `needle`. */
function pathsContaining(value: unknown, needle: string, path = ''): string[] {
  if (typeof value === 'string') return value.includes(needle) ? [path] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => pathsContaining(inner, needle, path === '' ? key : `${path}.${key}`));
}

describe('add-cluster dialog store', () => {
  it('opens with one empty SSH host', () => {
    const { store } = setup();
    store.getState().openAdd();
    expect(store.getState()).toMatchObject({ open: true, mode: 'add', loadStatus: 'ready', name: '', formError: null });
    expect(store.getState().hosts).toHaveLength(1);
    expect(store.getState().hosts[0]).toMatchObject({ transport: 'ssh', auth: 'key', port: '', test: { state: 'idle' } });
  });

  it('adds a cluster: test → unknown key → trust → ok → save', async () => {
    const added: Cluster = { ...clusterAFull, id: NEW_ID, name: 'lab' };
    const { client, store, clusters } = setup({
      'clusters.testHost': sshEngine(fingerprintA),
      'clusters.add': () => added,
    });
    store.getState().openAdd();
    store.getState().setName('lab');
    fillSshHost(store);

    await store.getState().testHost(0);
    expect(client.callsTo('clusters.testHost')[0]?.params).toEqual({
      spec: { transport: 'ssh', address: 'kvm1.lab', port: 22, username: 'root', auth: 'password', libvirtUri: 'qemu:///system' },
      secret: SECRET,
    });
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'host_key_unknown', fingerprint: fingerprintA });
    expect(pinnedKeyOf(store.getState().hosts[0]!)).toBeNull();

    expect(await store.getState().trustHostKey(0)).toBe(true);
    const retest = client.callsTo('clusters.testHost')[1]?.params as { spec: { hostKeyFingerprint?: string } };
    expect(retest.spec.hostKeyFingerprint).toBe(fingerprintA);
    expect(store.getState().hosts[0]?.test).toEqual({
      state: 'ok',
      hostname: 'kvm1.lab',
      libvirtVersion: '10.0.0',
      hypervisorVersion: '8.2.2',
      vmCount: 5,
    });

    const outcome = await store.getState().save();
    expect(outcome).toEqual({ ok: true, mode: 'add', cluster: added });
    expect(client.callsTo('clusters.add')[0]?.params).toEqual({
      name: 'lab',
      hosts: [
        {
          spec: {
            transport: 'ssh',
            address: 'kvm1.lab',
            port: 22,
            username: 'root',
            auth: 'password',
            hostKeyFingerprint: fingerprintA,
            libvirtUri: 'qemu:///system',
          },
          secret: SECRET,
        },
      ],
    });
    // Closed and forgotten, password included; the list shows the new cluster.
    expect(store.getState()).toMatchObject({ open: false, hosts: [], name: '' });
    expect(pathsContaining(store.getState(), SECRET)).toEqual([]);
    expect(clusters.getState().clusters.map((c) => c.name)).toEqual(['lab']);
  });

  it('refuses to save an SSH host whose key is not confirmed, and says which host', async () => {
    const { client, store } = setup({ 'clusters.testHost': sshEngine(fingerprintB) });
    store.getState().openAdd();
    store.getState().setName('lab');
    fillSshHost(store, 0, 'kvm1.lab');
    store.getState().addHost();
    store.getState().setTransport(1, 'tcp');
    store.getState().setHostField(1, 'address', '10.0.0.13');
    store.getState().addHost();
    fillSshHost(store, 2, 'kvm2.lab');
    await store.getState().testHost(2);
    await store.getState().trustHostKey(2);

    expect(await store.getState().save()).toEqual({ ok: false });
    expect(client.callsTo('clusters.add')).toEqual([]);
    expect(store.getState().formError).toEqual({ kind: 'invalid', fieldsToFix: false, hostsNeedingKey: [1] });
    expect(store.getState().hosts.map((h) => h.hostError)).toEqual([{ kind: 'host-key-needed' }, null, null]);
    expect(summarizeDialog(store.getState()).hostsNeedingKey).toEqual([1]);

    // Confirming the key clears the host's message.
    await store.getState().testHost(0);
    await store.getState().trustHostKey(0);
    expect(store.getState().hosts[0]?.hostError).toBeNull();
  });

  it('on a changed host key, shows both keys and offers no way to trust the new one in one step', async () => {
    const { client, store } = setup({
      'clusters.get': () => clusterAFull,
      'clusters.testHost': sshEngine(fingerprintB),
    });
    await store.getState().openEdit(clusterAFull.id);
    await store.getState().testHost(0);
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'host_key_mismatch', expected: fingerprintA, actual: fingerprintB });

    expect(await store.getState().trustHostKey(0)).toBe(false);
    expect(pinnedKeyOf(store.getState().hosts[0]!)).toBe(fingerprintA);
    expect(client.callsTo('clusters.testHost')).toHaveLength(1);

    // The deliberate way: drop the pinned key, test again, compare, then trust what is shown.
    store.getState().forgetHostKey(0);
    expect(pinnedKeyOf(store.getState().hosts[0]!)).toBeNull();
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'idle' });
    expect(await store.getState().save()).toEqual({ ok: false });
    expect(store.getState().formError).toMatchObject({ hostsNeedingKey: [1] });
    await store.getState().testHost(0);
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'host_key_unknown', fingerprint: fingerprintB });
  });

  it('keeps the secret in the host field only: not in summaries, errors or anything else', async () => {
    const { client, store } = setup({
      'clusters.testHost': () => ({ status: 'failed', code: 'auth_failed', message: 'All configured authentication methods failed' }),
      'clusters.add': () => {
        throw new IpcError('invalid_params', 'Invalid params for clusters.add: hosts.1.secret: Too big: expected string to have <=4096 characters');
      },
    });
    store.getState().openAdd();
    store.getState().setName('lab');
    fillSshHost(store);
    store.getState().addHost();
    store.getState().setHostField(1, 'address', 'kvm2.lab');
    store.getState().setHostField(1, 'secret', SECRET);
    await store.getState().testHost(0);
    expect(store.getState().hosts[0]?.test.state).toBe('failed');
    // Pin both keys so the save reaches the engine, which refuses it.
    client.handle('clusters.testHost', sshEngine(fingerprintA));
    for (const index of [0, 1]) {
      await store.getState().testHost(index);
      await store.getState().trustHostKey(index);
    }
    await store.getState().save();
    expect(store.getState().hosts[1]?.errors.secret).toEqual({
      kind: 'engine',
      message: 'Too big: expected string to have <=4096 characters',
    });

    expect(pathsContaining(store.getState(), SECRET)).toEqual(['hosts.0.secret', 'hosts.1.secret']);
    const summary = summarizeDialog(store.getState());
    expect(pathsContaining(summary, SECRET)).toEqual([]);
    expect(summary.hosts[0]).toMatchObject({ secretEntered: true, where: 'root@kvm1.lab', test: 'ok' });

    store.getState().close();
    expect(pathsContaining(store.getState(), SECRET)).toEqual([]);
  });

  it('does not send a secret for a host that takes none, nor an empty one', async () => {
    const { client, store } = setup({ 'clusters.testHost': () => okResult });
    store.getState().openAdd();
    store.getState().setHostField(0, 'address', 'kvm1.lab');
    store.getState().setHostField(0, 'username', 'root');
    store.getState().setHostField(0, 'keyPath', '/home/ops/.ssh/id_ed25519');
    await store.getState().testHost(0);
    expect(client.callsTo('clusters.testHost')[0]?.params).not.toHaveProperty('secret');

    store.getState().setHostField(0, 'secret', 'typed for SSH');
    store.getState().setTransport(0, 'tcp');
    expect(store.getState().hosts[0]?.secret).toBe('');
    await store.getState().testHost(0);
    expect(client.callsTo('clusters.testHost')[1]?.params).toEqual({
      spec: { transport: 'tcp', address: 'kvm1.lab', port: 16509, libvirtUri: 'qemu:///system' },
    });
  });

  it('checks the form before asking the engine, and names the fields to fix', async () => {
    const { client, store } = setup({ 'clusters.testHost': () => okResult });
    store.getState().openAdd();
    store.getState().setHostField(0, 'port', '70000');
    store.getState().setHostField(0, 'username', '9lives');
    await store.getState().testHost(0);
    expect(client.callsTo('clusters.testHost')).toEqual([]);
    expect(store.getState().hosts[0]?.errors).toEqual({
      address: { kind: 'required' },
      port: { kind: 'invalid' },
      username: { kind: 'invalid' },
      keyPath: { kind: 'required' },
    });

    expect(await store.getState().save()).toEqual({ ok: false });
    expect(store.getState().nameError).toEqual({ kind: 'required' });
    expect(store.getState().formError).toEqual({ kind: 'invalid', fieldsToFix: true, hostsNeedingKey: [1] });

    // Editing a field clears its own error only.
    store.getState().setHostField(0, 'port', '2222');
    expect(Object.keys(store.getState().hosts[0]?.errors ?? {})).toEqual(['address', 'username', 'keyPath']);
  });

  it('a password is required for a new host, not for one whose password is stored', async () => {
    const { store } = setup({ 'clusters.get': () => clusterAFull });
    store.getState().openAdd();
    store.getState().setName('lab');
    store.getState().setHostField(0, 'address', 'kvm1.lab');
    store.getState().setHostField(0, 'username', 'root');
    store.getState().setAuth(0, 'password');
    await store.getState().save();
    expect(store.getState().hosts[0]?.errors.secret).toEqual({ kind: 'required' });

    await store.getState().openEdit(clusterAFull.id);
    await store.getState().save();
    expect(store.getState().hosts[0]?.errors).toEqual({});
    // Switching that host to a key: the stored password is no passphrase, and the key file is needed.
    store.getState().setAuth(0, 'key');
    expect(summarizeDialog(store.getState()).hosts[0]?.keepsStoredSecret).toBe(false);
  });

  it('spreads a libvirt URI typed in the address box over the host fields', () => {
    const { store } = setup();
    store.getState().openAdd();
    store.getState().setHostField(0, 'address', 'qemu+ssh://backup@kvm2.lab:2222/system?keyfile=/home/ops/.ssh/lab&no_tty=1');
    expect(store.getState().commitAddress(0)).toBe(true);
    expect(store.getState().hosts[0]).toMatchObject({
      transport: 'ssh',
      address: 'kvm2.lab',
      port: '2222',
      username: 'backup',
      auth: 'key',
      keyPath: '/home/ops/.ssh/lab',
      libvirtUri: 'qemu:///system',
      uriIgnored: ['no_tty'],
    });

    store.getState().setHostField(0, 'address', 'qemu+unix:///system?socket=/run/libvirt/virtqemud-sock');
    store.getState().commitAddress(0);
    expect(store.getState().hosts[0]).toMatchObject({ transport: 'unix', socketPath: '/run/libvirt/virtqemud-sock', address: '' });

    store.getState().setHostField(0, 'socketPath', 'xen:///system');
    expect(store.getState().commitAddress(0, 'socketPath')).toBe(false);
    expect(store.getState().hosts[0]?.errors.socketPath).toEqual({ kind: 'uri', problem: 'unsupported-driver' });

    // A plain host name is left as typed.
    store.getState().setTransport(0, 'tcp');
    store.getState().setHostField(0, 'address', 'kvm3.lab');
    expect(store.getState().commitAddress(0)).toBe(true);
    expect(store.getState().hosts[0]).toMatchObject({ transport: 'tcp', address: 'kvm3.lab' });
  });

  it('a confirmed key belongs to its host: another address drops it, going back restores it', async () => {
    const { store } = setup({ 'clusters.testHost': sshEngine(fingerprintA) });
    store.getState().openAdd();
    fillSshHost(store);
    await store.getState().testHost(0);
    await store.getState().trustHostKey(0);
    expect(pinnedKeyOf(store.getState().hosts[0]!)).toBe(fingerprintA);

    store.getState().setHostField(0, 'address', 'kvm9.lab');
    expect(pinnedKeyOf(store.getState().hosts[0]!)).toBeNull();
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'idle' });
    store.getState().setHostField(0, 'address', 'KVM1.lab');
    expect(pinnedKeyOf(store.getState().hosts[0]!)).toBe(fingerprintA);
    // A different user on the same host: same host key.
    store.getState().setHostField(0, 'username', 'backup');
    expect(pinnedKeyOf(store.getState().hosts[0]!)).toBe(fingerprintA);
    store.getState().setHostField(0, 'port', '2222');
    expect(pinnedKeyOf(store.getState().hosts[0]!)).toBeNull();
  });

  it('drops (and cancels) a test whose host changed while it ran', async () => {
    const answer = deferred<HostTestResult>();
    const { client, store } = setup({ 'clusters.testHost': () => answer.promise });
    store.getState().openAdd();
    fillSshHost(store);
    const testing = store.getState().testHost(0);
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'testing' });
    await flushPromises();
    store.getState().setHostField(0, 'address', 'kvm2.lab');
    answer.resolve(okResult);
    await testing;
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'idle' });
    expect(client.callsTo('clusters.testHost')[0]?.outcome).toBe('cancelled');
  });

  it('shows a failed test next to its host, and engine refusals next to their fields', async () => {
    const { store, client } = setup({
      'clusters.testHost': () => ({ status: 'failed', code: 'unreachable', message: 'connect ECONNREFUSED 10.0.0.11:22' }),
    });
    store.getState().openAdd();
    fillSshHost(store);
    await store.getState().testHost(0);
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'failed', code: 'unreachable', message: 'connect ECONNREFUSED 10.0.0.11:22' });

    client.handle('clusters.testHost', () => {
      throw new IpcError('invalid_params', 'Invalid params for clusters.testHost: spec.address: must be a host name or an IP address');
    });
    await store.getState().testHost(0);
    expect(store.getState().hosts[0]?.errors.address).toEqual({ kind: 'engine', message: 'must be a host name or an IP address' });
    expect(store.getState().hosts[0]?.test).toEqual({ state: 'idle' });
  });

  it('maps the engine’s refusals of a save to the name, the hosts and their fields', async () => {
    const { store, client } = setup({ 'clusters.testHost': sshEngine(fingerprintA) });
    store.getState().openAdd();
    store.getState().setName('lab');
    fillSshHost(store);
    await store.getState().testHost(0);
    await store.getState().trustHostKey(0);
    store.getState().addHost();
    store.getState().setTransport(1, 'tls');
    store.getState().setHostField(1, 'address', 'kvm4.lab');
    store.getState().setHostField(1, 'caPath', '/pki/ca.pem');
    store.getState().setHostField(1, 'certPath', '/pki/cert.pem');
    store.getState().setHostField(1, 'tlsKeyPath', '/pki/key.pem');

    client.handle('clusters.add', () => {
      throw new IpcError('conflict', 'A cluster named "lab" already exists');
    });
    await store.getState().save();
    expect(store.getState().nameError).toEqual({ kind: 'engine', message: 'A cluster named "lab" already exists' });
    expect(store.getState()).toMatchObject({ open: true, saving: false, formError: null });

    client.handle('clusters.add', () => {
      throw new IpcError('invalid_params', 'Invalid params for clusters.add: hosts.1.spec.keyPath: key file not readable; hosts.0: odd host');
    });
    await store.getState().save();
    expect(store.getState().hosts[1]?.errors.tlsKeyPath).toEqual({ kind: 'engine', message: 'key file not readable' });
    expect(store.getState().hosts[0]?.hostError).toEqual({ kind: 'engine', message: 'odd host' });
    expect(store.getState().formError).toEqual({ kind: 'invalid', fieldsToFix: true, hostsNeedingKey: [] });

    client.handle('clusters.add', () => {
      throw new IpcError('unavailable', 'The secret store is locked');
    });
    await store.getState().save();
    expect(store.getState().formError).toEqual({ kind: 'engine', error: { code: 'unavailable', message: 'The secret store is locked' } });
  });

  it('edits a cluster: prefilled without secrets, hosts keep their ids, an empty password keeps the stored one', async () => {
    const updated: Cluster = { ...clusterAFull, name: 'Office rack 2' };
    const { client, store } = setup({ 'clusters.get': () => clusterAFull, 'clusters.update': () => updated });
    const opening = store.getState().openEdit(clusterAFull.id);
    expect(store.getState()).toMatchObject({ open: true, mode: 'edit', loadStatus: 'loading' });
    await opening;
    const state = store.getState();
    expect(state).toMatchObject({ loadStatus: 'ready', name: 'Office rack' });
    expect(state.hosts.map((h) => [h.id, h.label, h.secret, pinnedKeyOf(h)])).toEqual([
      [hostIds.kvm1, 'kvm1', '', fingerprintA],
      // A label the engine derived from the address is left empty, so it follows a new address.
      [hostIds.kvm2, '', '', fingerprintB],
      [hostIds.kvm3, 'kvm3', '', null],
    ]);
    expect(summarizeDialog(state).hosts[0]).toMatchObject({ keepsStoredSecret: true, secretEntered: false });

    store.getState().setName('Office rack 2');
    store.getState().removeHost(2);
    expect(await store.getState().save()).toEqual({ ok: true, mode: 'edit', cluster: updated });
    expect(client.callsTo('clusters.update')[0]?.params).toEqual({
      id: clusterAFull.id,
      name: 'Office rack 2',
      hosts: [
        { id: hostIds.kvm1, label: 'kvm1', spec: clusterAFull.hosts[0]!.spec },
        { id: hostIds.kvm2, spec: clusterAFull.hosts[1]!.spec },
      ],
    });
  });

  it('shows a cluster that could not be loaded for editing, and drops answers for a closed dialog', async () => {
    const answer = deferred<Cluster>();
    const { client, store } = setup({
      'clusters.get': () => {
        throw new IpcError('not_found', `No cluster with id ${clusterAFull.id}`);
      },
    });
    await store.getState().openEdit(clusterAFull.id);
    expect(store.getState()).toMatchObject({
      loadStatus: 'error',
      loadError: { code: 'not_found', message: `No cluster with id ${clusterAFull.id}` },
    });

    client.handle('clusters.get', () => answer.promise);
    const opening = store.getState().openEdit(clusterAFull.id);
    store.getState().close();
    answer.resolve(clusterAFull);
    await opening;
    expect(store.getState()).toMatchObject({ open: false, hosts: [], name: '' });
  });

  it('keeps at least one host, and new hosts take the previous host’s way in (not its password)', () => {
    const { store } = setup();
    store.getState().openAdd();
    store.getState().removeHost(0);
    expect(store.getState().hosts).toHaveLength(1);
    fillSshHost(store);
    store.getState().addHost();
    expect(store.getState().hosts[1]).toMatchObject({ transport: 'ssh', username: 'root', auth: 'password', secret: '', address: '' });
    expect(store.getState().hosts[1]?.key).not.toBe(store.getState().hosts[0]?.key);
  });
});

describe('mapInvalidParams', () => {
  const hosts = [{ transport: 'ssh' as const }, { transport: 'tls' as const }];

  it('reads the router’s wording: name, host fields by index, the rest as is', () => {
    const mapped = mapInvalidParams(
      'Invalid params for clusters.add: name: a cluster needs a name; hosts.1.spec.keyPath: required; hosts.0.secret: too long; hosts: too many',
      { hosts },
    );
    expect(mapped.name).toBe('a cluster needs a name');
    expect(mapped.hosts.get(1)).toEqual({ fields: { tlsKeyPath: 'required' }, host: null });
    expect(mapped.hosts.get(0)).toEqual({ fields: { secret: 'too long' }, host: null });
    expect(mapped.rest).toEqual(['hosts: too many']);
  });

  it('reads paths relative to the tested host', () => {
    const mapped = mapInvalidParams('Invalid params for clusters.testHost: spec.port: too big; secret: too long', { hosts, testedIndex: 1 });
    expect(mapped.hosts.get(1)).toEqual({ fields: { port: 'too big', secret: 'too long' }, host: null });
  });

  it('places the cluster store’s "Invalid host" on the only host, else leaves it for the form', () => {
    const message = 'Invalid host: spec.username: must be a user name';
    expect(mapInvalidParams(message, { hosts: [{ transport: 'ssh' }] }).hosts.get(0)).toEqual({
      fields: { username: 'must be a user name' },
      host: null,
    });
    expect(mapInvalidParams(message, { hosts }).rest).toEqual(['spec.username: must be a user name']);
  });

  it('leaves a message that names no field to the form', () => {
    expect(mapInvalidParams('The host root@kvm1 is listed twice', { hosts })).toEqual({
      name: null,
      hosts: new Map(),
      rest: ['The host root@kvm1 is listed twice'],
    });
  });
});
