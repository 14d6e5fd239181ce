// The restore wizard: a VM and one of its restore points, a target host (every host of the cluster with its state
// and its pools' free space against the VM's disks), the options (name, pool, format, replace the original, network
// mapping, start), a review the engine checks without writing (`restore.preflight`), then the restore as a job
// (`restore.start`) followed live through `jobs.progress` for that job alone, to its result.
//
// Errors stay where they happened: a list that could not load is shown in its step; a check the engine refused
// (in the review, or when starting) takes the user back to the step and field it concerns. Where one belongs is
// decided by the engine's own reason (`name_taken`, `no_space`, `original_running`…) that crosses with the coarse
// IPC code (placeEngineError); an error without a reason is placed by its message, as a last resort; anything not
// recognised stays on the review.
//
// Focus follows the wizard: every move asks for focus on the new step's heading, or on the field an error
// concerns (`focus`, with a sequence number so the same request twice still moves it).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ClusterSummary } from '../../../shared/model/cluster.js';
import { FINAL_JOB_STATES, type JobProgress } from '../../../shared/model/job.js';
import type { PointSummary } from '../../../shared/model/point.js';
import {
  restoreOptionsSchema,
  type RestoreOptions,
  type RestorePlanView,
  type RestoreTargetHost,
  type RestoreTargets,
  type VOLUME_FORMATS,
} from '../../../shared/model/restore.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { groupPoints, type ClusterPoints } from './points-store.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

/** The four numbered steps, in order. */
export const WIZARD_STEPS = ['point', 'host', 'options', 'review'] as const;
export type FormStep = (typeof WIZARD_STEPS)[number];
/** The numbered steps, then the restore running and its result. */
export type WizardStep = FormStep | 'progress' | 'result';

export type VolumeFormat = (typeof VOLUME_FORMATS)[number];
export const FORMATS: readonly VolumeFormat[] = ['qcow2', 'raw'];

/** Every input of the wizard an error or a focus request can name. */
export type WizardField = 'point' | 'cluster' | 'host' | 'pool' | 'format' | 'name' | 'replace' | 'network' | 'start';

export interface RestoreForm {
  /** As typed; checked like the contract's schema (nameProblem). */
  name: string;
  pool: string | null;
  format: VolumeFormat;
  replace: boolean;
  start: boolean;
  /** For each network or bridge the VM was on that the chosen host lacks: a network or bridge of the host, or null. */
  networkMap: Readonly<Record<string, string | null>>;
}

export type NameProblem = 'required' | 'too-long' | 'invalid';
export type HostRefusal = 'unreachable' | 'no-pool' | 'no-room';
export type PoolRefusal = 'inactive' | 'no-room';

/** What the wizard itself found wrong with an input, shown next to it. */
export interface WizardProblems {
  point?: 'required';
  host?: 'required' | HostRefusal;
  pool?: 'required' | PoolRefusal;
  format?: 'needs-file-pool';
  name?: NameProblem;
}

/** An engine error, placed at the step (and input, when known) it concerns. */
export interface PlacedError {
  step: FormStep;
  field: WizardField | null;
  error: StoreError;
}

export interface FocusRequest {
  step: WizardStep;
  /** A field of the step, the step's error, or its heading. */
  target: WizardField | 'error' | 'heading';
  /** Grows with every request. */
  seq: number;
}

export interface CancelState {
  state: 'confirm' | 'sending' | 'sent';
  error: StoreError | null;
}

export type NextOutcome = { kind: 'moved'; step: WizardStep } | { kind: 'invalid'; field: WizardField } | { kind: 'busy' };
export type StartOutcome = { ok: true; jobId: string } | { ok: false };

export interface RestoreWizardState {
  step: WizardStep;
  /** The point the wizard was opened with (`#/restore/<pointId>`), null when opened without one. */
  openedWith: string | null;
  /** The wizard was opened with a point the repository does not have. */
  openedWithUnknownPoint: boolean;

  // ---- Step 1: VM and restore point ----
  points: PointSummary[];
  /** Names of the clusters in the catalog, and the clusters a VM can be restored to. */
  clusters: ClusterSummary[];
  pointsStatus: LoadStatus;
  pointsError: StoreError | null;
  /** What the user typed to find a VM by name. */
  search: string;
  pointId: string | null;

  // ---- Step 2: target host ----
  /** The cluster whose hosts are offered; null: the point's own. */
  targetClusterId: string | null;
  targets: RestoreTargets | null;
  targetsStatus: LoadStatus;
  targetsError: StoreError | null;
  hostId: string | null;

  // ---- Step 3: options ----
  form: RestoreForm;
  /** Problems the wizard found; shown once Next was pressed, and re-checked as the inputs change. */
  problems: WizardProblems | null;

  // ---- Step 4: review ----
  plan: RestorePlanView | null;
  planStatus: LoadStatus;
  /** The last error of a check or a start, and where it belongs. */
  engineError: PlacedError | null;
  starting: boolean;

  // ---- The restore job ----
  jobId: string | null;
  /** The newest snapshot of the restore job. */
  progress: JobProgress | null;
  /** The engine refused to send the job's progress. */
  watchError: StoreError | null;
  cancel: CancelState | null;

  focus: FocusRequest;

  /** Opens the wizard (with a point chosen, from a point's "Restore…"); keeps a wizard open for the same point. */
  open(pointId?: string): Promise<void>;
  /** Lists the restore points (and the clusters) again. */
  loadPoints(): Promise<void>;
  setSearch(search: string): void;
  choosePoint(pointId: string): void;
  /** Asks again where the point can go (a host came back). */
  loadTargets(): Promise<void>;
  chooseCluster(clusterId: string): void;
  chooseHost(hostId: string): void;
  setName(name: string): void;
  setPool(pool: string): void;
  setFormat(format: VolumeFormat): void;
  setReplace(replace: boolean): void;
  setStart(start: boolean): void;
  /** Maps the VM's network or bridge `from` to one of the host's, or null to leave its interfaces disconnected. */
  mapNetwork(from: string, to: string | null): void;
  /** Checks the step and goes on: the review runs the engine's check; from the review, starts the restore. */
  next(): Promise<NextOutcome>;
  back(): void;
  /** Goes back to an earlier step. */
  goTo(step: FormStep): void;
  /** Runs the engine's check of the review again. */
  preflight(): Promise<void>;
  start(): Promise<StartOutcome>;
  /** Asks for the job's progress once more (when live progress is not available). */
  refreshProgress(): Promise<void>;
  askCancel(): void;
  keepRunning(): void;
  cancelJob(): Promise<void>;
  /** After a failed restore: back to the options, everything chosen kept. */
  revise(): void;
  /** Starts over with nothing chosen ("Restore another VM"). */
  reset(): void;
}

export type RestoreWizardStore = StoreApi<RestoreWizardState>;

// ---- Pure helpers (exported for the components and the tests) ----

const nameSchema = restoreOptionsSchema.shape.name.unwrap();
/** The longest name the contract accepts. */
export const NAME_MAX = 64;

/** What is wrong with a VM name, checked as the contract's schema checks it. */
export function nameProblem(name: string): NameProblem | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'required';
  if (trimmed.length > NAME_MAX) return 'too-long';
  return nameSchema.safeParse(name).success ? null : 'invalid';
}

export function defaultName(vmName: string): string {
  return `${vmName}-restored`;
}

export function isFinalProgress(progress: JobProgress | null): boolean {
  return progress !== null && FINAL_JOB_STATES.includes(progress.state);
}

/** Why a pool cannot receive the VM's disks, or null when it can. */
export function poolRefusal(pool: RestoreTargetHost['pools'][number], requiredBytes: number): PoolRefusal | null {
  if (!pool.active) return 'inactive';
  return pool.availableBytes < requiredBytes ? 'no-room' : null;
}

/** Why a host cannot receive the VM, or null when it can. */
export function hostRefusal(host: RestoreTargetHost, requiredBytes: number): HostRefusal | null {
  if (host.state !== 'connected') return 'unreachable';
  const active = host.pools.filter((pool) => pool.active);
  if (active.length === 0) return 'no-pool';
  return active.some((pool) => poolRefusal(pool, requiredBytes) === null) ? null : 'no-room';
}

/** The pool a host starts with: `default` if it can take the disks, else a file-based one that can, else any. */
export function defaultPool(host: RestoreTargetHost, requiredBytes: number): string | null {
  const usable = host.pools.filter((pool) => poolRefusal(pool, requiredBytes) === null);
  return (usable.find((pool) => pool.name === 'default') ?? usable.find((pool) => pool.fileBased) ?? usable[0])?.name ?? null;
}

/** qcow2 volumes are files: a pool of block devices (LVM, iSCSI…) takes raw ones only. */
export function formatRefusal(format: VolumeFormat, pool: RestoreTargetHost['pools'][number] | undefined): 'needs-file-pool' | null {
  return format === 'qcow2' && pool !== undefined && !pool.fileBased ? 'needs-file-pool' : null;
}

/** A network or bridge the VM's interfaces were on that the host lacks, with the interfaces (by MAC) on it. */
export interface MissingNetwork {
  from: string;
  type: 'network' | 'bridge';
  macs: (string | null)[];
}

/**
 * The networks and bridges the VM was on that the host does not have, as the engine judges it: a network by name;
 * a bridge among the host's bridges or its networks' bridges. When the host cannot list its bridges, a bridge is
 * not judged (the engine keeps it, with a warning in the review).
 */
export function missingNetworks(targets: RestoreTargets, host: RestoreTargetHost): MissingNetwork[] {
  const networks = new Set(host.networks.map((network) => network.name));
  const bridges = new Set([...(host.bridges ?? []).map((bridge) => bridge.name), ...host.networks.flatMap((n) => (n.bridge === null ? [] : [n.bridge]))]);
  const missing = new Map<string, MissingNetwork>();
  for (const iface of targets.interfaces) {
    if (iface.name === null || (iface.type !== 'network' && iface.type !== 'bridge')) continue;
    const lacking = iface.type === 'network' ? !networks.has(iface.name) : host.bridges !== null && !bridges.has(iface.name);
    if (!lacking) continue;
    const known = missing.get(iface.name);
    if (known) known.macs.push(iface.mac);
    else missing.set(iface.name, { from: iface.name, type: iface.type, macs: [iface.mac] });
  }
  return [...missing.values()];
}

export interface NetworkTarget {
  name: string;
  kind: 'network' | 'bridge';
  active: boolean;
}

/** What an interface can be put on: the host's networks, then its bridges (a name that is both is a network). */
export function networkTargets(host: RestoreTargetHost): NetworkTarget[] {
  const networks = host.networks.map((network): NetworkTarget => ({ name: network.name, kind: 'network', active: network.active }));
  const names = new Set(networks.map((network) => network.name));
  const bridges = (host.bridges ?? [])
    .filter((bridge) => !names.has(bridge.name))
    .map((bridge): NetworkTarget => ({ name: bridge.name, kind: 'bridge', active: bridge.active }));
  return [...networks, ...bridges];
}

export function chosenPoint(state: Pick<RestoreWizardState, 'points' | 'pointId'>): PointSummary | null {
  return state.points.find((point) => point.id === state.pointId) ?? null;
}

export function chosenHost(state: Pick<RestoreWizardState, 'targets' | 'hostId'>): RestoreTargetHost | null {
  return state.targets?.hosts.find((host) => host.hostId === state.hostId) ?? null;
}

/** The VMs with points, grouped by cluster, whose name matches the search. */
export function pointGroups(state: Pick<RestoreWizardState, 'points' | 'clusters' | 'search'>): ClusterPoints[] {
  return groupPoints(state.points, Object.fromEntries(state.clusters.map((cluster) => [cluster.id, cluster.name])), state.search);
}

/** What the wizard sends to `restore.preflight` and `restore.start`, or null while something is not chosen. */
export function restoreOptionsOf(state: RestoreWizardState): RestoreOptions | null {
  const host = chosenHost(state);
  if (state.pointId === null || state.targets === null || host === null || state.form.pool === null) return null;
  const missing = new Set(missingNetworks(state.targets, host).map((network) => network.from));
  const networkMap = Object.fromEntries(Object.entries(state.form.networkMap).filter(([from]) => missing.has(from)));
  return {
    pointId: state.pointId,
    clusterId: state.targets.clusterId,
    hostId: host.hostId,
    pool: state.form.pool,
    ...(state.form.replace ? {} : { name: state.form.name.trim() }),
    replace: state.form.replace,
    networkMap,
    start: state.form.start,
    format: state.form.format,
  };
}

/** The wizard's own checks of a step; an empty object when it may be left. */
export function stepProblems(state: RestoreWizardState, step: FormStep): WizardProblems {
  const problems: WizardProblems = {};
  if (step === 'point') {
    if (chosenPoint(state) === null) problems.point = 'required';
    return problems;
  }
  if (step === 'host') {
    const host = chosenHost(state);
    if (host === null) problems.host = 'required';
    else {
      const refusal = hostRefusal(host, state.targets?.requiredBytes ?? 0);
      if (refusal !== null) problems.host = refusal;
    }
    return problems;
  }
  if (step === 'options') {
    const host = chosenHost(state);
    const pool = host?.pools.find((p) => p.name === state.form.pool);
    if (pool === undefined) problems.pool = 'required';
    else {
      const refusal = poolRefusal(pool, state.targets?.requiredBytes ?? 0);
      if (refusal !== null) problems.pool = refusal;
    }
    const format = formatRefusal(state.form.format, pool);
    if (format !== null) problems.format = format;
    if (!state.form.replace) {
      const name = nameProblem(state.form.name);
      if (name !== null) problems.name = name;
    }
  }
  return problems;
}

/** The first input with a problem, in the order the step shows them. */
function firstProblemField(problems: WizardProblems): WizardField | null {
  const order: (keyof WizardProblems)[] = ['point', 'host', 'name', 'pool', 'format'];
  return order.find((field) => problems[field] !== undefined) ?? null;
}

/** Where an engine error belongs in the wizard. */
export interface ErrorPlace {
  step: FormStep;
  field: WizardField | null;
}

const AT_REVIEW: ErrorPlace = { step: 'review', field: null };
const AT_HOST: ErrorPlace = { step: 'host', field: 'host' };
const AT_POINT: ErrorPlace = { step: 'point', field: null };
const AT_POOL: ErrorPlace = { step: 'options', field: 'pool' };
const AT_REPLACE: ErrorPlace = { step: 'options', field: 'replace' };

/**
 * The engine's reasons, by where they belong. The restore's own checks (its RESTORE_ERROR_CODES) name the input at
 * fault; the other layers' reasons say which thing failed: the target host while connecting to it (the driver's
 * codes), the restore point's data (the repository's). A reason not here (`invalid_request`, `cancelled`, a
 * repository that is locked or gone…) stays where it happened: on the review, whose check or start it refused.
 */
const REASON_PLACES: ReadonlyMap<string, ErrorPlace> = new Map(
  Object.entries({
    // The restore's checks and failures.
    name_taken: { step: 'options', field: 'name' },
    no_space: AT_POOL,
    pool_not_found: AT_POOL,
    pool_inactive: AT_POOL,
    unsupported: AT_POOL,
    original_running: AT_REPLACE,
    original_not_found: AT_REPLACE,
    original_not_replaceable: AT_REPLACE,
    host_failed: AT_HOST,
    point_damaged: AT_POINT,
    // Connecting to the target host (a host of the cluster that is unknown, away, or refuses us).
    unreachable: AT_HOST,
    timeout: AT_HOST,
    auth_failed: AT_HOST,
    host_key_unknown: AT_HOST,
    host_key_mismatch: AT_HOST,
    not_found: AT_HOST,
    protocol: AT_HOST,
    hypervisor: AT_HOST,
    // Reading the restore point from the repository.
    'point-not-found': AT_POINT,
    'disk-not-found': AT_POINT,
    'point-data': AT_POINT,
    'manifest-damaged': AT_POINT,
    'manifest-invalid': AT_POINT,
    'chunk-corrupt': AT_POINT,
    'chunk-missing': AT_POINT,
  } satisfies Record<string, ErrorPlace>),
);

/**
 * The step (and input) an engine error from a check or a start concerns: by the engine's reason when it gave one
 * (REASON_PLACES; an unknown reason stays on the review). Only an error without a reason is placed by its message:
 * a pool (missing, not running, too small, or unfit for qcow2), a name taken, the original (running, missing, with
 * saved state or snapshots), a network of the mapping, the host itself (unknown, or not answering), the point.
 * Anything else stays on the review.
 */
export function placeEngineError(error: StoreError): ErrorPlace {
  if (error.code === 'cancelled' || error.code === 'transport_closed' || error.code === 'internal') return AT_REVIEW;
  if (error.reason !== undefined) return REASON_PLACES.get(error.reason) ?? AT_REVIEW;
  return placeByMessage(error);
}

/** Where an error without a reason belongs, read from its message (the engine's words, so a last resort). */
function placeByMessage(error: StoreError): ErrorPlace {
  const text = error.message;
  if (/no network or bridge named/i.test(text)) return { step: 'options', field: 'network' };
  if (/storage pool/i.test(text)) {
    if (/already has a volume/i.test(text)) return { step: 'options', field: 'name' };
    if (/qcow2|restore as raw/i.test(text)) return { step: 'options', field: 'format' };
    return { step: 'options', field: 'pool' };
  }
  if (/already has a VM named|not a usable VM name|keeps its name/i.test(text) || (error.code === 'invalid_params' && /\bname\b/i.test(text))) {
    return { step: 'options', field: 'name' };
  }
  if (/shut it down|is not defined on|saved memory state|snapshot/i.test(text)) return { step: 'options', field: 'replace' };
  if (/restore point|holds no disks|repository|chunk/i.test(text)) return { step: error.code === 'not_found' ? 'point' : 'review', field: null };
  if (/has no host|cluster/i.test(text) && error.code === 'not_found') return { step: 'host', field: 'host' };
  if (error.code === 'unavailable' || error.code === 'timeout') return { step: 'host', field: 'host' };
  return { step: 'review', field: null };
}

/** The network mapping kept for a host: earlier choices that still name something it has, else disconnected. */
function networkMapFor(targets: RestoreTargets, host: RestoreTargetHost, previous: Readonly<Record<string, string | null>>): Record<string, string | null> {
  const offered = new Set(networkTargets(host).map((target) => target.name));
  const map: Record<string, string | null> = {};
  for (const network of missingNetworks(targets, host)) {
    const before = previous[network.from];
    map[network.from] = before !== undefined && before !== null && offered.has(before) ? before : null;
  }
  return map;
}

const EMPTY_FORM: RestoreForm = { name: '', pool: null, format: 'qcow2', replace: false, start: false, networkMap: {} };

type Data = Omit<
  RestoreWizardState,
  | 'open'
  | 'loadPoints'
  | 'setSearch'
  | 'choosePoint'
  | 'loadTargets'
  | 'chooseCluster'
  | 'chooseHost'
  | 'setName'
  | 'setPool'
  | 'setFormat'
  | 'setReplace'
  | 'setStart'
  | 'mapNetwork'
  | 'next'
  | 'back'
  | 'goTo'
  | 'preflight'
  | 'start'
  | 'refreshProgress'
  | 'askCancel'
  | 'keepRunning'
  | 'cancelJob'
  | 'revise'
  | 'reset'
>;

const FRESH: Omit<Data, 'focus'> = {
  step: 'point',
  openedWith: null,
  openedWithUnknownPoint: false,
  points: [],
  clusters: [],
  pointsStatus: 'idle',
  pointsError: null,
  search: '',
  pointId: null,
  targetClusterId: null,
  targets: null,
  targetsStatus: 'idle',
  targetsError: null,
  hostId: null,
  form: EMPTY_FORM,
  problems: null,
  plan: null,
  planStatus: 'idle',
  engineError: null,
  starting: false,
  jobId: null,
  progress: null,
  watchError: null,
  cancel: null,
};

export function createRestoreWizardStore(client: EngineClient): RestoreWizardStore {
  const pointsCall = createLatestCall();
  const targetsCall = createLatestCall();
  const preflightCall = createLatestCall();
  /** Grows when the wizard starts over: answers for an earlier wizard are dropped. */
  let session = 0;
  let stopFollowing: (() => void) | null = null;

  return createStore<RestoreWizardState>()((set, get) => {
    const focusOn = (step: WizardStep, target: FocusRequest['target']): FocusRequest => ({ step, target, seq: get().focus.seq + 1 });

    /** Re-checks shown problems as the inputs change, so each goes as soon as it is fixed. */
    const recheck = (): void => {
      const state = get();
      if (state.problems === null || state.step === 'progress' || state.step === 'result') return;
      set({ problems: stepProblems(state, state.step) });
    };

    /** Any change to the choices drops an engine error (it is checked again in the review) and the plan. */
    const changed = (patch: Partial<Data>): void => {
      set({ ...patch, engineError: null, plan: null, planStatus: 'idle' });
      recheck();
    };

    const stopJob = (): void => {
      stopFollowing?.();
      stopFollowing = null;
    };

    const fresh = (openedWith: string | null): void => {
      stopJob();
      session += 1;
      // Answers on their way belong to the wizard being left.
      void pointsCall.run(() => Promise.resolve(null));
      void targetsCall.run(() => Promise.resolve(null));
      void preflightCall.run(() => Promise.resolve(null));
      set({ ...FRESH, openedWith, pointId: openedWith, focus: get().focus });
    };

    const loadPoints = async (): Promise<void> => {
      const mine = session;
      set({ pointsStatus: 'loading', pointsError: null });
      const outcome = await pointsCall.run((signal) =>
        Promise.all([
          client.call('points.list', {}, { signal }),
          // Only for the clusters' names and the choice of another cluster: without them the points still show.
          client.call('clusters.list', {}, { signal }).catch(() => null),
        ]),
      );
      if (outcome.kind === 'superseded' || mine !== session) return;
      if (outcome.kind === 'failed') {
        set({ pointsStatus: 'error', pointsError: outcome.error });
        return;
      }
      const [list, clusters] = outcome.value;
      const state = get();
      const patch: Partial<Data> = { points: list.points, clusters: clusters ?? state.clusters, pointsStatus: 'ready' };
      // Opened from a point: it is chosen, with its VM's name as the search and its name proposed.
      if (state.openedWith !== null && state.pointId === state.openedWith) {
        const point = list.points.find((p) => p.id === state.openedWith);
        if (point === undefined) Object.assign(patch, { pointId: null, openedWithUnknownPoint: true });
        else if (state.form.name === '') Object.assign(patch, { search: state.search === '' ? point.vmName : state.search, form: { ...state.form, name: defaultName(point.vmName) } });
      }
      set(patch);
    };

    const loadTargets = async (): Promise<void> => {
      const { pointId, targetClusterId } = get();
      if (pointId === null) return;
      const mine = session;
      set({ targetsStatus: 'loading', targetsError: null });
      const outcome = await targetsCall.run((signal) =>
        client.call('restore.targets', targetClusterId === null ? { pointId } : { pointId, clusterId: targetClusterId }, { signal }),
      );
      const state = get();
      if (outcome.kind === 'superseded' || mine !== session || state.pointId !== pointId || state.targetClusterId !== targetClusterId) return;
      if (outcome.kind === 'failed') {
        set({ targetsStatus: 'error', targetsError: outcome.error });
        return;
      }
      const targets = outcome.value;
      const host = targets.hosts.find((h) => h.hostId === state.hostId) ?? null;
      const patch: Partial<Data> = { targets, targetsStatus: 'ready', hostId: host?.hostId ?? null };
      if (host !== null) {
        const pool = host.pools.find((p) => p.name === state.form.pool);
        patch.form = {
          ...state.form,
          pool: pool !== undefined ? pool.name : defaultPool(host, targets.requiredBytes),
          replace: state.form.replace && host.hasOriginal,
          networkMap: networkMapFor(targets, host, state.form.networkMap),
        };
      }
      set(patch);
      recheck();
    };

    const placeFailure = (error: StoreError): void => {
      const place = placeEngineError(error);
      set({
        planStatus: 'error',
        plan: null,
        engineError: { ...place, error },
        step: place.step,
        focus: focusOn(place.step, place.field ?? 'error'),
      });
      // A host that did not answer: the host list says how each host is now.
      if (place.step === 'host') void loadTargets();
    };

    const preflight = async (): Promise<void> => {
      const options = restoreOptionsOf(get());
      if (options === null) return;
      const mine = session;
      set({ plan: null, planStatus: 'loading', engineError: null });
      const outcome = await preflightCall.run((signal) => client.call('restore.preflight', options, { signal }));
      if (outcome.kind === 'superseded' || mine !== session || get().step !== 'review') return;
      if (outcome.kind === 'failed') {
        placeFailure(outcome.error);
        return;
      }
      set({ plan: outcome.value, planStatus: 'ready' });
    };

    const receive = (jobId: string, snapshot: JobProgress): void => {
      const state = get();
      if (state.jobId !== jobId || snapshot.jobId !== jobId) return;
      if (state.progress !== null && state.progress.seq >= snapshot.seq) return;
      if (!isFinalProgress(snapshot)) {
        set({ progress: snapshot, watchError: null });
        return;
      }
      stopJob();
      set({ progress: snapshot, watchError: null, step: 'result', cancel: null, focus: focusOn('result', 'heading') });
    };

    const fetchProgress = async (jobId: string): Promise<void> => {
      try {
        const detail = await client.call('jobs.get', { id: jobId });
        receive(jobId, detail.progress);
      } catch (error) {
        if (get().jobId === jobId && get().watchError !== null) set({ watchError: toStoreError(error) });
      }
    };

    const follow = (jobId: string): void => {
      stopJob();
      stopFollowing = client.subscribe('jobs.progress', { jobId }, (snapshot) => receive(jobId, snapshot), {
        onError: (error) => {
          if (get().jobId === jobId) set({ watchError: toStoreError(error) });
        },
      });
      // A job that ended before the subscription began is not in the topic's current snapshots: ask once.
      void fetchProgress(jobId);
    };

    const move = (step: WizardStep): NextOutcome => {
      set({ step, problems: null, focus: focusOn(step, 'heading') });
      return { kind: 'moved', step };
    };

    const start = async (): Promise<StartOutcome> => {
      const state = get();
      if (state.starting || state.step !== 'review' || state.planStatus !== 'ready') return { ok: false };
      const options = restoreOptionsOf(state);
      if (options === null) return { ok: false };
      const mine = session;
      set({ starting: true, engineError: null });
      let jobId: string;
      try {
        ({ jobId } = await client.call('restore.start', options));
      } catch (error) {
        if (mine !== session) return { ok: false };
        set({ starting: false });
        placeFailure(toStoreError(error));
        return { ok: false };
      }
      if (mine !== session) return { ok: false };
      set({ starting: false, jobId, progress: null, watchError: null, cancel: null });
      move('progress');
      follow(jobId);
      return { ok: true, jobId };
    };

    return {
      ...FRESH,
      focus: { step: 'point', target: 'heading', seq: 0 },

      async open(pointId) {
        const state = get();
        const running = state.step === 'progress' || state.step === 'result';
        const keep =
          state.pointsStatus !== 'idle' &&
          (running ? pointId === undefined || pointId === state.pointId : (pointId ?? null) === state.openedWith || pointId === state.pointId);
        if (!keep) fresh(pointId ?? null);
        if (get().pointsStatus !== 'ready' && get().pointsStatus !== 'loading') await loadPoints();
      },

      loadPoints,

      setSearch(search) {
        set({ search });
      },

      choosePoint(pointId) {
        const state = get();
        if (state.pointId === pointId || (state.step !== 'point' && state.step !== 'host')) return;
        const point = state.points.find((p) => p.id === pointId);
        if (point === undefined) return;
        const before = chosenPoint(state);
        // A name the user did not change follows the VM.
        const keepName = state.form.name !== '' && (before === null || state.form.name !== defaultName(before.vmName));
        void targetsCall.run(() => Promise.resolve(null));
        changed({
          pointId,
          openedWithUnknownPoint: false,
          targets: null,
          targetsStatus: 'idle',
          targetsError: null,
          targetClusterId: null,
          hostId: null,
          form: { ...state.form, name: keepName ? state.form.name : defaultName(point.vmName), pool: null, replace: false, networkMap: {} },
        });
      },

      loadTargets,

      chooseCluster(clusterId) {
        const state = get();
        const current = state.targetClusterId ?? state.targets?.clusterId ?? null;
        if (current === clusterId) return;
        changed({ targetClusterId: clusterId, targets: null, hostId: null, form: { ...state.form, pool: null, replace: false, networkMap: {} } });
        void loadTargets();
      },

      chooseHost(hostId) {
        const state = get();
        const host = state.targets?.hosts.find((h) => h.hostId === hostId);
        if (state.targets === null || host === undefined || state.hostId === hostId) return;
        if (hostRefusal(host, state.targets.requiredBytes) !== null) return;
        const pool = defaultPool(host, state.targets.requiredBytes);
        const fileBased = host.pools.find((p) => p.name === pool)?.fileBased ?? true;
        changed({
          hostId,
          form: {
            ...state.form,
            pool,
            format: fileBased ? state.form.format : 'raw',
            replace: state.form.replace && host.hasOriginal,
            networkMap: networkMapFor(state.targets, host, state.form.networkMap),
          },
        });
      },

      setName(name) {
        changed({ form: { ...get().form, name } });
      },

      setPool(poolName) {
        const state = get();
        const pool = chosenHost(state)?.pools.find((p) => p.name === poolName);
        if (pool === undefined) return;
        changed({ form: { ...state.form, pool: poolName, format: pool.fileBased ? state.form.format : 'raw' } });
      },

      setFormat(format) {
        changed({ form: { ...get().form, format } });
      },

      setReplace(replace) {
        const state = get();
        if (replace && chosenHost(state)?.hasOriginal !== true) return;
        changed({ form: { ...state.form, replace } });
      },

      setStart(start) {
        changed({ form: { ...get().form, start } });
      },

      mapNetwork(from, to) {
        const state = get();
        changed({ form: { ...state.form, networkMap: { ...state.form.networkMap, [from]: to } } });
      },

      async next() {
        const state = get();
        if (state.step === 'progress' || state.step === 'result') return { kind: 'busy' };
        if (state.step === 'review') {
          const outcome = await start();
          return outcome.ok ? { kind: 'moved', step: 'progress' } : get().step === 'review' ? { kind: 'busy' } : { kind: 'moved', step: get().step };
        }
        const problems = stepProblems(state, state.step);
        const field = firstProblemField(problems);
        if (field !== null) {
          set({ problems, focus: focusOn(state.step, field) });
          return { kind: 'invalid', field };
        }
        if (state.step === 'point') {
          const outcome = move('host');
          if (state.targets === null && state.targetsStatus !== 'loading') void loadTargets();
          return outcome;
        }
        if (state.step === 'host') return move('options');
        const outcome = move('review');
        void preflight();
        return outcome;
      },

      back() {
        const { step } = get();
        const index = WIZARD_STEPS.indexOf(step as FormStep);
        if (index <= 0) return;
        get().goTo(WIZARD_STEPS[index - 1]!);
      },

      goTo(step) {
        const state = get();
        const current = WIZARD_STEPS.indexOf(state.step as FormStep);
        if (current < 0 || WIZARD_STEPS.indexOf(step) >= current) return;
        // A check on its way belongs to the review being left.
        void preflightCall.run(() => Promise.resolve(null));
        set({ plan: null, planStatus: 'idle', problems: null });
        move(step);
      },

      preflight,

      start,

      async refreshProgress() {
        const { jobId } = get();
        if (jobId !== null) await fetchProgress(jobId);
      },

      askCancel() {
        if (get().step === 'progress') set({ cancel: { state: 'confirm', error: null } });
      },

      keepRunning() {
        if (get().cancel?.state !== 'sending') set({ cancel: null });
      },

      async cancelJob() {
        const { jobId, cancel } = get();
        if (jobId === null || cancel === null || cancel.state !== 'confirm') return;
        set({ cancel: { state: 'sending', error: null } });
        try {
          await client.call('jobs.cancel', { id: jobId });
          if (get().jobId === jobId && get().cancel !== null) set({ cancel: { state: 'sent', error: null } });
        } catch (error) {
          if (get().jobId === jobId && get().cancel !== null) set({ cancel: { state: 'confirm', error: toStoreError(error) } });
        }
      },

      revise() {
        const state = get();
        if (state.step !== 'result') return;
        stopJob();
        set({ jobId: null, progress: null, watchError: null, cancel: null, plan: null, planStatus: 'idle', engineError: null });
        move('options');
      },

      reset() {
        fresh(null);
        set({ focus: focusOn('point', 'heading') });
        void loadPoints();
      },
    };
  });
}
