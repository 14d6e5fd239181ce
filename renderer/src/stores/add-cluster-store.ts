// The add-cluster (and edit-cluster) dialog: the form's state, testing each host's connection, confirming each new
// SSH host key, and saving. It holds what the user typed, including passwords and key passphrases: those stay in
// the host's `secret` field only (never copied into errors, summaries or anything else), are sent only with the
// call that needs them, and are dropped with the rest of the form when the dialog closes.
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  clusterNameSchema,
  describeHostSpec,
  hostSpecSchema,
  type Cluster,
  type ClusterHost,
  type HostInput,
  type HostSpec,
  type HostSpecInput,
  type HostTestResult,
} from '../../../shared/model/cluster.js';
import type { EngineClient } from '../ipc/connect.js';
import type { ClustersStore } from './clusters-store.js';
import { looksLikeLibvirtUri, parseLibvirtUri, type LibvirtUriProblem } from './libvirt-uri.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

export type HostTransport = HostSpec['transport'];
export type HostAuth = 'key' | 'password';

export const HOST_TRANSPORTS: readonly HostTransport[] = ['ssh', 'tcp', 'tls', 'unix'];
export const DEFAULT_PORTS: Readonly<Record<Exclude<HostTransport, 'unix'>, number>> = { ssh: 22, tcp: 16509, tls: 16514 };
export const DEFAULT_LIBVIRT_URI = 'qemu:///system';
/** The contract's limit on hosts per cluster. */
export const MAX_HOSTS = 64;

/** The text fields of a host row. */
export type HostField =
  | 'label'
  | 'address'
  | 'port'
  | 'username'
  | 'keyPath'
  | 'secret'
  | 'caPath'
  | 'certPath'
  | 'tlsKeyPath'
  | 'socketPath';

export type FieldError =
  | { kind: 'required' }
  /** Not of the field's form (the view says what is expected for each field). */
  | { kind: 'invalid' }
  /** A libvirt URI typed in the field that cannot be used. */
  | { kind: 'uri'; problem: LibvirtUriProblem }
  /** The engine refused the value; its message names the problem. */
  | { kind: 'engine'; message: string };

export type HostError = { kind: 'host-key-needed' } | { kind: 'engine'; message: string };

export type FormError =
  /** Save was refused before asking the engine: fields to fix and/or SSH hosts (1-based) without a confirmed key. */
  | { kind: 'invalid'; fieldsToFix: boolean; hostsNeedingKey: number[] }
  | { kind: 'engine'; error: StoreError };

export type HostTest =
  | { state: 'idle' }
  | { state: 'testing' }
  | { state: 'ok'; hostname: string; libvirtVersion: string; hypervisorVersion: string; vmCount: number }
  | { state: 'host_key_unknown'; fingerprint: string }
  | { state: 'host_key_mismatch'; expected: string; actual: string }
  | { state: 'failed'; code: string; message: string };

export interface HostForm {
  /** Stable identity of the row for the view (React key) and for answers that arrive after edits. */
  key: number;
  /** The catalog's id of a host being edited; null for a new host. */
  id: string | null;
  label: string;
  transport: HostTransport;
  address: string;
  /** As typed; empty means the transport's default. */
  port: string;
  username: string;
  auth: HostAuth;
  keyPath: string;
  /** The SSH password or key passphrase typed for this host. Empty: none, or keep the stored one. */
  secret: string;
  caPath: string;
  certPath: string;
  tlsKeyPath: string;
  socketPath: string;
  libvirtUri: string;
  /** Which authentication the secret stored in the engine belongs to (edit only); null when none is stored. */
  storedSecretAuth: HostAuth | null;
  /** The host key the user confirmed, and for which host (transport, address, port) they confirmed it. */
  confirmedKey: { identity: string; fingerprint: string } | null;
  test: HostTest;
  errors: Partial<Record<HostField, FieldError>>;
  hostError: HostError | null;
  /** Parts of a libvirt URI typed into the address that Lifeboat does not use. */
  uriIgnored: string[];
  /** Bumped by every change that makes a running test's answer stale. */
  revision: number;
}

export type SaveOutcome = { ok: true; mode: 'add' | 'edit'; cluster: Cluster } | { ok: false };

export interface AddClusterState {
  open: boolean;
  mode: 'add' | 'edit';
  /** The cluster being edited. */
  clusterId: string | null;
  /** Loading the cluster to edit ('ready' right away when adding). */
  loadStatus: LoadStatus;
  loadError: StoreError | null;
  name: string;
  nameError: FieldError | null;
  hosts: HostForm[];
  formError: FormError | null;
  saving: boolean;

  openAdd(): void;
  openEdit(clusterId: string): Promise<void>;
  /** Closes the dialog and forgets the form, secrets included; a test or save still running is let go. */
  close(): void;
  setName(name: string): void;
  addHost(): void;
  removeHost(index: number): void;
  setHostField(index: number, field: HostField, value: string): void;
  setTransport(index: number, transport: HostTransport): void;
  setAuth(index: number, auth: HostAuth): void;
  /** Spreads a libvirt URI typed in the address (or socket path) box over the host's fields; false if it is not usable. */
  commitAddress(index: number, field?: 'address' | 'socketPath'): boolean;
  testHost(index: number): Promise<void>;
  /** Pins the key a test reported as unknown and tests again; refused (false) for anything but an unknown key. */
  trustHostKey(index: number): Promise<boolean>;
  /** Drops the pinned key of a host that presented another one, so the next test shows the new key to confirm. */
  forgetHostKey(index: number): void;
  save(): Promise<SaveOutcome>;
}

export type AddClusterStore = StoreApi<AddClusterState>;

export function effectivePort(host: Pick<HostForm, 'transport' | 'port'>): string {
  if (host.transport === 'unix') return '';
  const typed = host.port.trim();
  return typed === '' ? String(DEFAULT_PORTS[host.transport]) : typed;
}

/** What a host key belongs to: changing any of these means talking to another host, whose key is not confirmed. */
function identityOf(host: Pick<HostForm, 'transport' | 'address' | 'port'>): string {
  return `${host.transport}|${host.address.trim().toLowerCase()}|${effectivePort(host)}`;
}

/** The confirmed fingerprint, if it is for the host the row names now. */
export function pinnedKeyOf(host: HostForm): string | null {
  if (host.transport !== 'ssh' || host.confirmedKey === null) return null;
  return host.confirmedKey.identity === identityOf(host) ? host.confirmedKey.fingerprint : null;
}

/** Whether saving with an empty secret field keeps the secret the engine stores for this host. */
export function keepsStoredSecret(host: HostForm): boolean {
  return host.transport === 'ssh' && host.storedSecretAuth !== null && host.storedSecretAuth === host.auth;
}

function emptyHost(key: number): HostForm {
  return {
    key,
    id: null,
    label: '',
    transport: 'ssh',
    address: '',
    port: '',
    username: '',
    auth: 'key',
    keyPath: '',
    secret: '',
    caPath: '',
    certPath: '',
    tlsKeyPath: '',
    socketPath: '',
    libvirtUri: DEFAULT_LIBVIRT_URI,
    storedSecretAuth: null,
    confirmedKey: null,
    test: { state: 'idle' },
    errors: {},
    hostError: null,
    uriIgnored: [],
    revision: 0,
  };
}

function hostFromCluster(key: number, host: ClusterHost): HostForm {
  const spec = host.spec;
  const form: HostForm = {
    ...emptyHost(key),
    id: host.id,
    // A label the engine derived from the address would go stale when the address is edited: leave it empty so
    // the engine derives it again.
    label: host.label === describeHostSpec(spec) ? '' : host.label,
    transport: spec.transport,
    libvirtUri: spec.libvirtUri,
  };
  switch (spec.transport) {
    case 'ssh':
      Object.assign(form, {
        address: spec.address,
        port: String(spec.port),
        username: spec.username,
        auth: spec.auth,
        keyPath: spec.keyPath ?? '',
        storedSecretAuth: host.hasSecret ? spec.auth : null,
      });
      if (spec.hostKeyFingerprint) form.confirmedKey = { identity: identityOf(form), fingerprint: spec.hostKeyFingerprint };
      break;
    case 'tcp':
      Object.assign(form, { address: spec.address, port: String(spec.port) });
      break;
    case 'tls':
      Object.assign(form, {
        address: spec.address,
        port: String(spec.port),
        caPath: spec.caPath,
        certPath: spec.certPath,
        tlsKeyPath: spec.keyPath,
      });
      break;
    case 'unix':
      form.socketPath = spec.socketPath;
      break;
  }
  return form;
}

type Built = { ok: true; input: HostInput; spec: HostSpec; secret: string | null } | { ok: false; errors: HostForm['errors'] };

/** The spec field a schema issue names, as the form's field for this transport. */
function fieldForSpecPath(key: PropertyKey | undefined, transport: HostTransport): HostField | null {
  switch (key) {
    case 'address':
    case 'port':
    case 'username':
    case 'caPath':
    case 'certPath':
    case 'socketPath':
      return key;
    case 'keyPath':
      return transport === 'tls' ? 'tlsKeyPath' : 'keyPath';
    // The hypervisor URI comes from a libvirt URI typed in the address box (or socket path box).
    case 'libvirtUri':
      return transport === 'unix' ? 'socketPath' : 'address';
    default:
      return null;
  }
}

/** Checks a host row and turns it into what the engine takes, or says which fields are wrong. */
export function buildHost(host: HostForm, mode: 'add' | 'edit'): Built {
  const errors: HostForm['errors'] = {};
  const text = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
  let port: number | undefined;
  if (host.transport !== 'unix') {
    const typed = effectivePort(host);
    if (/^\d{1,5}$/.test(typed)) port = Number(typed);
    else errors.port = { kind: 'invalid' };
  }

  let candidate: HostSpecInput;
  switch (host.transport) {
    case 'ssh': {
      const keyPath = host.auth === 'key' ? text(host.keyPath) : undefined;
      const pinned = pinnedKeyOf(host);
      candidate = {
        transport: 'ssh',
        address: host.address,
        username: host.username,
        auth: host.auth,
        libvirtUri: host.libvirtUri,
        ...(port === undefined ? {} : { port }),
        ...(keyPath === undefined ? {} : { keyPath }),
        ...(pinned === null ? {} : { hostKeyFingerprint: pinned }),
      };
      break;
    }
    case 'tcp':
      candidate = { transport: 'tcp', address: host.address, libvirtUri: host.libvirtUri, ...(port === undefined ? {} : { port }) };
      break;
    case 'tls':
      candidate = {
        transport: 'tls',
        address: host.address,
        caPath: host.caPath,
        certPath: host.certPath,
        keyPath: host.tlsKeyPath,
        libvirtUri: host.libvirtUri,
        ...(port === undefined ? {} : { port }),
      };
      break;
    case 'unix':
      candidate = { transport: 'unix', socketPath: host.socketPath, libvirtUri: host.libvirtUri };
      break;
  }

  const parsed = hostSpecSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldForSpecPath(issue.path[0], host.transport);
      if (field === null || errors[field]) continue;
      const value = field === 'port' ? host.port : field === 'tlsKeyPath' ? host.tlsKeyPath : host[field];
      errors[field] = value.trim() === '' && field !== 'port' ? { kind: 'required' } : { kind: 'invalid' };
    }
  }

  const secret = host.transport === 'ssh' && host.secret !== '' ? host.secret : null;
  if (secret !== null && secret.length > 4096) errors.secret = { kind: 'invalid' };
  // A password is needed unless the engine keeps one for this host; a key passphrase is optional.
  if (host.transport === 'ssh' && host.auth === 'password' && secret === null && !(mode === 'edit' && keepsStoredSecret(host))) {
    errors.secret = { kind: 'required' };
  }
  if (host.label.trim().length > 100) errors.label = { kind: 'invalid' };

  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const label = text(host.label);
  const input: HostInput = {
    spec: parsed.data,
    ...(host.id === null ? {} : { id: host.id }),
    ...(label === undefined ? {} : { label }),
    ...(secret === null ? {} : { secret }),
  };
  return { ok: true, input, spec: parsed.data, secret };
}

/**
 * Where an engine message for an `invalid_params` answer puts its problems. The router words them
 * `Invalid params for <method>: <path>: <problem>; <path>: <problem>`, and the cluster store
 * `Invalid host: <path>: <problem>` (paths relative to the one host).
 */
export interface MappedProblems {
  name: string | null;
  /** By host index: field problems and problems with the host as a whole. */
  hosts: Map<number, { fields: Partial<Record<HostField, string>>; host: string | null }>;
  /** Problems no field names, in the engine's words. */
  rest: string[];
}

export function mapInvalidParams(
  message: string,
  context: { hosts: readonly Pick<HostForm, 'transport'>[]; testedIndex?: number },
): MappedProblems {
  const mapped: MappedProblems = { name: null, hosts: new Map(), rest: [] };
  const prefix = /^Invalid params for [\w.]+: /.exec(message) ?? /^Invalid host: /.exec(message);
  if (!prefix) {
    mapped.rest.push(message);
    return mapped;
  }
  // Paths relative to one host: the tested host, or the only host of the form.
  const singleHost = context.testedIndex ?? (context.hosts.length === 1 ? 0 : undefined);
  const relativeToHost = context.testedIndex !== undefined || prefix[0] === 'Invalid host: ';

  const forHost = (index: number): { fields: Partial<Record<HostField, string>>; host: string | null } => {
    let entry = mapped.hosts.get(index);
    if (!entry) {
      entry = { fields: {}, host: null };
      mapped.hosts.set(index, entry);
    }
    return entry;
  };

  for (const part of message.slice(prefix[0].length).split('; ')) {
    const issue = /^([\w.]+): (.*)$/s.exec(part);
    if (!issue) {
      mapped.rest.push(part);
      continue;
    }
    const path = (issue[1] ?? '').split('.');
    const problem = issue[2] ?? '';
    let index: number | undefined;
    let rest: string[];
    if (relativeToHost) {
      index = singleHost;
      rest = path;
    } else if (path[0] === 'name' && path.length === 1) {
      mapped.name ??= problem;
      continue;
    } else if (path[0] === 'hosts' && path[1] !== undefined && /^\d+$/.test(path[1])) {
      index = Number(path[1]);
      rest = path.slice(2);
    } else {
      mapped.rest.push(part);
      continue;
    }
    const host = index === undefined ? undefined : context.hosts[index];
    if (index === undefined || host === undefined) {
      mapped.rest.push(part);
      continue;
    }
    let field: HostField | null = null;
    if (rest[0] === 'spec') field = fieldForSpecPath(rest[1], host.transport);
    else if (rest[0] === 'secret') field = 'secret';
    else if (rest[0] === 'label') field = 'label';
    const entry = forHost(index);
    if (field === null) entry.host ??= problem;
    else entry.fields[field] ??= problem;
  }
  return mapped;
}

function testFromResult(result: HostTestResult): HostTest {
  switch (result.status) {
    case 'ok':
      return {
        state: 'ok',
        hostname: result.hostname,
        libvirtVersion: result.libvirtVersion,
        hypervisorVersion: result.hypervisorVersion,
        vmCount: result.vmCount,
      };
    case 'host_key_unknown':
      return { state: 'host_key_unknown', fingerprint: result.fingerprint };
    case 'host_key_mismatch':
      return { state: 'host_key_mismatch', expected: result.expected, actual: result.actual };
    case 'failed':
      return { state: 'failed', code: result.code, message: result.message };
  }
}

/** What the dialog shows about its hosts at a glance. It never carries a secret: only whether one was typed. */
export interface HostSummary {
  number: number;
  transport: HostTransport;
  /** Where the host is, as far as typed (`root@kvm1:2222`, `10.0.0.5:16509 (tcp)`, a socket path). */
  where: string;
  auth: HostAuth | null;
  secretEntered: boolean;
  keepsStoredSecret: boolean;
  hostKeyFingerprint: string | null;
  test: HostTest['state'];
}

export interface DialogSummary {
  mode: 'add' | 'edit';
  name: string;
  hosts: HostSummary[];
  /** 1-based numbers of SSH hosts whose key is not confirmed yet. */
  hostsNeedingKey: number[];
}

function whereOf(host: HostForm): string {
  const address = host.address.trim();
  switch (host.transport) {
    case 'ssh': {
      const user = host.username.trim();
      const port = effectivePort(host);
      return `${user === '' ? '' : `${user}@`}${address}${port === '22' ? '' : `:${port}`}`;
    }
    case 'tcp':
    case 'tls':
      return `${address}:${effectivePort(host)} (${host.transport})`;
    case 'unix':
      return host.socketPath.trim();
  }
}

export function summarizeDialog(state: Pick<AddClusterState, 'mode' | 'name' | 'hosts'>): DialogSummary {
  const hosts = state.hosts.map(
    (host, index): HostSummary => ({
      number: index + 1,
      transport: host.transport,
      where: whereOf(host),
      auth: host.transport === 'ssh' ? host.auth : null,
      secretEntered: host.transport === 'ssh' && host.secret !== '',
      keepsStoredSecret: state.mode === 'edit' && keepsStoredSecret(host) && host.secret === '',
      hostKeyFingerprint: pinnedKeyOf(host),
      test: host.test.state,
    }),
  );
  return {
    mode: state.mode,
    name: state.name.trim(),
    hosts,
    hostsNeedingKey: hosts.filter((host) => host.transport === 'ssh' && host.hostKeyFingerprint === null).map((host) => host.number),
  };
}

/** Fields whose change means another host (or another way in), so a test result no longer holds. */
const CONNECTION_FIELDS: ReadonlySet<HostField> = new Set<HostField>([
  'address',
  'port',
  'username',
  'keyPath',
  'secret',
  'caPath',
  'certPath',
  'tlsKeyPath',
  'socketPath',
]);

const CLOSED = {
  open: false,
  mode: 'add' as const,
  clusterId: null,
  loadStatus: 'idle' as const,
  loadError: null,
  name: '',
  nameError: null,
  hosts: [] as HostForm[],
  formError: null,
  saving: false,
};

export function createAddClusterStore(client: EngineClient, clusters: ClustersStore): AddClusterStore {
  let nextKey = 1;
  /** Bumped on every open and close: answers that belong to an earlier dialog are dropped. */
  let session = 0;
  /** Running tests by host row, so a newer test or closing the dialog cancels them on the engine. */
  const tests = new Map<number, AbortController>();

  const cancelTests = (): void => {
    for (const controller of tests.values()) controller.abort();
    tests.clear();
  };

  return createStore<AddClusterState>()((set, get) => {
    const updateHost = (key: number, change: (host: HostForm) => HostForm): void => {
      set({ hosts: get().hosts.map((host) => (host.key === key ? change(host) : host)) });
    };

    /** A change to a host's connection: the test result and any error about it no longer apply. */
    const staleTest = (host: HostForm): HostForm => {
      tests.get(host.key)?.abort();
      tests.delete(host.key);
      return {
        ...host,
        test: { state: 'idle' },
        hostError: host.hostError?.kind === 'engine' ? null : host.hostError,
        revision: host.revision + 1,
      };
    };

    const withoutError = (errors: HostForm['errors'], ...fields: HostField[]): HostForm['errors'] => {
      const rest = { ...errors };
      for (const field of fields) delete rest[field];
      return rest;
    };

    /** After a confirmed key, a host that needed one no longer does. */
    const settleKeyError = (host: HostForm): HostForm =>
      host.hostError?.kind === 'host-key-needed' && (host.transport !== 'ssh' || pinnedKeyOf(host) !== null)
        ? { ...host, hostError: null }
        : host;

    const applyEngineProblems = (message: string, testedIndex?: number): boolean => {
      const state = get();
      const mapped = mapInvalidParams(message, {
        hosts: state.hosts,
        ...(testedIndex === undefined ? {} : { testedIndex }),
      });
      set({
        nameError: mapped.name === null ? state.nameError : { kind: 'engine', message: mapped.name },
        hosts: state.hosts.map((host, index) => {
          const problems = mapped.hosts.get(index);
          if (!problems) return host;
          const errors = { ...host.errors };
          for (const [field, problem] of Object.entries(problems.fields) as [HostField, string][]) {
            errors[field] = { kind: 'engine', message: problem };
          }
          return { ...host, errors, hostError: problems.host === null ? host.hostError : { kind: 'engine', message: problems.host } };
        }),
      });
      return mapped.rest.length === 0;
    };

    const commit = (index: number, field: 'address' | 'socketPath'): boolean => {
      const host = get().hosts[index];
      if (!host) return false;
      const typed = host[field];
      if (!looksLikeLibvirtUri(typed)) return true;
      const parsed = parseLibvirtUri(typed);
      if (!parsed.ok) {
        updateHost(host.key, (current) => ({ ...current, errors: { ...current.errors, [field]: { kind: 'uri', problem: parsed.problem } } }));
        return false;
      }
      const uri = parsed.value;
      updateHost(host.key, (current) => {
        const next: HostForm = {
          ...current,
          transport: uri.transport,
          address: uri.address ?? '',
          port: uri.port ?? '',
          socketPath: uri.socketPath ?? (uri.transport === 'unix' ? '' : current.socketPath),
          libvirtUri: uri.libvirtUri,
          uriIgnored: uri.ignored,
          errors: withoutError(current.errors, 'address', 'port', 'username', 'keyPath', 'socketPath', 'caPath', 'certPath', 'tlsKeyPath'),
        };
        if (uri.username !== undefined) next.username = uri.username;
        if (uri.keyPath !== undefined) Object.assign(next, { auth: 'key', keyPath: uri.keyPath });
        if (uri.caPath !== undefined) next.caPath = uri.caPath;
        if (uri.certPath !== undefined) next.certPath = uri.certPath;
        if (uri.tlsKeyPath !== undefined) next.tlsKeyPath = uri.tlsKeyPath;
        return settleKeyError(staleTest(next));
      });
      return true;
    };

    const runTest = async (index: number): Promise<void> => {
      const mySession = session;
      const before = get().hosts[index];
      if (!before || before.test.state === 'testing') return;
      if (!commit(index, before.transport === 'unix' ? 'socketPath' : 'address')) return;
      const host = get().hosts[index];
      if (!host) return;
      // A test checks the row as saving would: a spec the engine would refuse is not worth a round trip.
      const built = buildHost(host, get().mode);
      if (!built.ok) {
        updateHost(host.key, (current) => ({ ...current, errors: built.errors }));
        return;
      }
      const { spec, secret } = built;
      tests.get(host.key)?.abort();
      const controller = new AbortController();
      tests.set(host.key, controller);
      const revision = host.revision;
      updateHost(host.key, (current) => ({
        ...current,
        test: { state: 'testing' },
        hostError: current.hostError?.kind === 'engine' ? null : current.hostError,
      }));

      const stillCurrent = (): boolean =>
        session === mySession && tests.get(host.key) === controller && get().hosts.some((h) => h.key === host.key && h.revision === revision);
      try {
        const result = await client.call('clusters.testHost', { spec, ...(secret === null ? {} : { secret }) }, { signal: controller.signal });
        if (!stillCurrent()) return;
        tests.delete(host.key);
        updateHost(host.key, (current) => settleKeyError({ ...current, test: testFromResult(result) }));
      } catch (error) {
        if (!stillCurrent()) return;
        tests.delete(host.key);
        const problem = toStoreError(error);
        const index = get().hosts.findIndex((h) => h.key === host.key);
        if (problem.code === 'invalid_params' && applyEngineProblems(problem.message, index)) {
          updateHost(host.key, (current) => ({ ...current, test: { state: 'idle' } }));
          return;
        }
        updateHost(host.key, (current) => ({ ...current, test: { state: 'failed', code: problem.code, message: problem.message } }));
      }
    };

    return {
      ...CLOSED,

      openAdd() {
        cancelTests();
        session += 1;
        set({ ...CLOSED, open: true, mode: 'add', loadStatus: 'ready', hosts: [emptyHost(nextKey++)] });
      },

      async openEdit(clusterId) {
        cancelTests();
        session += 1;
        const mySession = session;
        set({ ...CLOSED, open: true, mode: 'edit', clusterId, loadStatus: 'loading' });
        try {
          const cluster = await client.call('clusters.get', { id: clusterId });
          if (session !== mySession) return;
          set({ loadStatus: 'ready', name: cluster.name, hosts: cluster.hosts.map((host) => hostFromCluster(nextKey++, host)) });
        } catch (error) {
          if (session !== mySession) return;
          set({ loadStatus: 'error', loadError: toStoreError(error) });
        }
      },

      close() {
        cancelTests();
        session += 1;
        set({ ...CLOSED });
      },

      setName(name) {
        set({ name, nameError: null });
      },

      addHost() {
        if (get().hosts.length >= MAX_HOSTS) return;
        // A new host most likely shares the others' way in: same transport, user and key (not their password).
        const last = get().hosts.at(-1);
        const host = emptyHost(nextKey++);
        if (last) {
          Object.assign(host, {
            transport: last.transport,
            username: last.username,
            auth: last.auth,
            keyPath: last.auth === 'key' ? last.keyPath : '',
            caPath: last.caPath,
            certPath: last.certPath,
            tlsKeyPath: last.tlsKeyPath,
            libvirtUri: last.libvirtUri,
          });
        }
        set({ hosts: [...get().hosts, host] });
      },

      removeHost(index) {
        const hosts = get().hosts;
        const host = hosts[index];
        if (!host || hosts.length <= 1) return;
        tests.get(host.key)?.abort();
        tests.delete(host.key);
        const formError = get().formError;
        set({
          hosts: hosts.filter((_, i) => i !== index),
          // Host numbers in a "needs a key" message shift with the removal; the next save says it again.
          formError: formError?.kind === 'invalid' ? null : formError,
        });
      },

      setHostField(index, field, value) {
        const host = get().hosts[index];
        if (!host) return;
        updateHost(host.key, (current) => {
          const next: HostForm = {
            ...current,
            [field]: value,
            errors: withoutError(current.errors, field),
            uriIgnored: field === 'address' || field === 'socketPath' ? [] : current.uriIgnored,
          };
          return CONNECTION_FIELDS.has(field) && current[field] !== value ? settleKeyError(staleTest(next)) : next;
        });
      },

      setTransport(index, transport) {
        const host = get().hosts[index];
        if (!host || host.transport === transport) return;
        // Ports differ per transport: a port typed for the old one (or its default) would be wrong for the new one.
        // Only SSH takes a secret: one typed for it is not kept around for another transport.
        updateHost(host.key, (current) => settleKeyError(staleTest({ ...current, transport, port: '', secret: '', errors: {} })));
      },

      setAuth(index, auth) {
        const host = get().hosts[index];
        if (!host || host.auth === auth) return;
        // A password typed for one kind of login is not the secret of the other (a key passphrase).
        updateHost(host.key, (current) =>
          staleTest({ ...current, auth, secret: '', errors: withoutError(current.errors, 'keyPath', 'secret') }),
        );
      },

      commitAddress(index, field = 'address') {
        return commit(index, field);
      },

      testHost(index) {
        return runTest(index);
      },

      async trustHostKey(index) {
        const host = get().hosts[index];
        if (!host || host.test.state !== 'host_key_unknown') return false;
        const fingerprint = host.test.fingerprint;
        updateHost(host.key, (current) =>
          settleKeyError({ ...current, confirmedKey: { identity: identityOf(current), fingerprint }, test: { state: 'idle' } }),
        );
        const position = get().hosts.findIndex((h) => h.key === host.key);
        await runTest(position);
        return true;
      },

      forgetHostKey(index) {
        const host = get().hosts[index];
        if (!host || host.test.state !== 'host_key_mismatch') return;
        updateHost(host.key, (current) => staleTest({ ...current, confirmedKey: null }));
      },

      async save() {
        const state = get();
        if (!state.open || state.saving || state.loadStatus !== 'ready') return { ok: false };
        const mySession = session;
        state.hosts.forEach((host, index) => commit(index, host.transport === 'unix' ? 'socketPath' : 'address'));

        const nameCheck = clusterNameSchema.safeParse(get().name);
        const nameError: FieldError | null = nameCheck.success ? null : get().name.trim() === '' ? { kind: 'required' } : { kind: 'invalid' };
        let fieldsToFix = nameError !== null;
        const hostsNeedingKey: number[] = [];
        const inputs: HostInput[] = [];
        const hosts = get().hosts.map((host, index) => {
          const built = buildHost(host, state.mode);
          const needsKey = host.transport === 'ssh' && pinnedKeyOf(host) === null;
          if (needsKey) hostsNeedingKey.push(index + 1);
          if (built.ok) inputs.push(built.input);
          else fieldsToFix = true;
          // Errors found earlier stay until their field is edited, unless this check passes; a URI that could not
          // be read says more than "not a host name" about the same text.
          const errors: HostForm['errors'] = built.ok ? {} : { ...host.errors, ...built.errors };
          for (const [field, problem] of Object.entries(host.errors) as [HostField, FieldError][]) {
            if (problem.kind === 'uri') errors[field] = problem;
          }
          return {
            ...host,
            errors,
            hostError: needsKey ? ({ kind: 'host-key-needed' } as const) : host.hostError?.kind === 'engine' ? host.hostError : null,
          };
        });
        if (fieldsToFix || hostsNeedingKey.length > 0) {
          set({ nameError, hosts, formError: { kind: 'invalid', fieldsToFix, hostsNeedingKey } });
          return { ok: false };
        }

        set({ nameError: null, hosts, formError: null, saving: true });
        const name = nameCheck.success ? nameCheck.data : get().name;
        const outcome =
          state.mode === 'edit' && state.clusterId !== null
            ? await clusters.getState().update({ id: state.clusterId, name, hosts: inputs })
            : await clusters.getState().add({ name, hosts: inputs });
        if (session !== mySession) return outcome.ok ? { ok: true, mode: state.mode, cluster: outcome.cluster } : { ok: false };
        if (outcome.ok) {
          cancelTests();
          session += 1;
          set({ ...CLOSED });
          return { ok: true, mode: state.mode, cluster: outcome.cluster };
        }
        const error = outcome.error;
        set({ saving: false });
        if (error.code === 'conflict') {
          // The only conflict adding or editing a cluster has is a name already taken.
          set({ nameError: { kind: 'engine', message: error.message }, formError: null });
        } else if (error.code === 'invalid_params' && applyEngineProblems(error.message)) {
          set({ formError: { kind: 'invalid', fieldsToFix: true, hostsNeedingKey: [] } });
        } else {
          set({ formError: { kind: 'engine', error } });
        }
        return { ok: false };
      },
    };
  });
}
