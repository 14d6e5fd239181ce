// The job runner: a queue of jobs whose items (one VM each) run under three concurrency limits at once: in all,
// per host, per cluster. Each job keeps a live progress snapshot; snapshots go out at most every
// PROGRESS_INTERVAL_MS per job, and always once when the job ends. Jobs and their logs are persisted in the
// catalog as they change. Cancel is an AbortSignal per job, handed to every item.
import { randomUUID } from 'node:crypto';
import type { VmRef } from '../../../shared/model/inventory.js';
import {
  FINAL_JOB_STATES,
  type BackupItemResult,
  type JobDiskProgress,
  type JobError,
  type JobItem,
  type JobKind,
  type JobLogLine,
  type JobPhase,
  type JobProgress,
  type JobState,
  type JobSubject,
  type JobSummary,
} from '../../../shared/model/job.js';
import type { RestoreItemResult } from '../../../shared/model/restore.js';
import type { Concurrency } from '../../../shared/model/settings.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';
import { redactText } from '../logging/logger.js';
import { summarizeProgress, type JobStore } from './job-store.js';

/** Minimum time between two progress snapshots of one job (at most 4 a second). */
export const PROGRESS_INTERVAL_MS = 250;
/** Throughput is measured over this window. */
const THROUGHPUT_WINDOW_MS = 5_000;
const HISTORY_LENGTH = 120;

export interface JobItemSpec {
  key: string;
  vm: VmRef | null;
  name: string;
  /** Set for an item that must not run (a VM another job is backing up): it ends skipped with this reason. */
  skipReason?: string;
  /**
   * What the item will probably read or write, counted in the job's total until the item knows its own figure,
   * so the job's percentage does not jump back as queued VMs start. Better too high than too low.
   */
  estimatedBytes?: number;
}

/** What an item's work sees: its cancel signal and the ways to report. */
export interface ItemContext {
  readonly signal: AbortSignal;
  readonly logger: Logger;
  setHost(label: string): void;
  setPhase(phase: string): void;
  setDisks(disks: readonly JobDiskProgress[]): void;
  setResult(result: BackupItemResult): void;
  setRestoreResult(result: RestoreItemResult): void;
  log(level: JobLogLine['level'], message: string): void;
}

/** What a whole-job step (verify, prune, the after-step of a backup) sees. */
export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  log(level: JobLogLine['level'], message: string, itemKey?: string | null): void;
  setPhase(phase: JobPhase | null): void;
  setBytes(done: number, total: number): void;
}

export interface JobDefinition {
  kind: JobKind;
  /** What the job is about, in English (CLI, logs, notifications); `subject` says the same as data. */
  title: string;
  subject: JobSubject;
  clusterId: string | null;
  trigger: JobSummary['trigger'];
  items: JobItemSpec[];
  /** Runs one item once the limits allow. Throwing fails the item (an abort cancels it). */
  runItem?: (item: JobItemSpec, context: ItemContext) => Promise<void>;
  /** The host an item will run on now, for the per-host limit (null when unknown: counts as its own host). */
  hostOf?: (item: JobItemSpec) => { id: string; label: string } | null;
  /** Whole-job work, run after the items (or alone when there are none). Its result can fail the job. */
  run?: (context: JobContext) => Promise<{ state?: JobState; error?: JobError } | void>;
}

export interface JobRunnerDeps {
  store: JobStore;
  clock: Clock;
  logger: Logger;
  limits: () => Concurrency;
  onProgress: (progress: JobProgress) => void;
  onChanged: (summary: JobSummary) => void;
  /** Called once when a job reaches its final state. */
  onEnded?: (summary: JobSummary, progress: JobProgress) => void;
}

interface ItemRuntime {
  spec: JobItemSpec;
  view: JobItem;
  samples: { at: number; bytes: number }[];
  hostKey: string | null;
}

interface JobRuntime {
  definition: JobDefinition;
  id: string;
  createdAt: string;
  state: JobState;
  seq: number;
  startedAt: string | null;
  items: ItemRuntime[];
  controller: AbortController;
  logSeq: number;
  phase: JobPhase | null;
  extraBytes: { done: number; total: number };
  history: number[];
  samples: { at: number; bytes: number }[];
  error: JobError | null;
  lastEmit: number;
  emitTimer: NodeJS.Timeout | null;
  historyTimer: NodeJS.Timeout | null;
  finished: Promise<JobSummary>;
  resolveFinished: (summary: JobSummary) => void;
  runningItems: number;
  itemsStarted: boolean;
  wholeJobStarted: boolean;
}

export function errorOf(error: unknown): JobError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : error.name === 'AbortError' ? 'cancelled' : 'failed', message: redactText(error.message) };
  }
  return { code: 'failed', message: redactText(String(error)) };
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && error.name === 'AbortError');
}

function throughputOf(samples: { at: number; bytes: number }[], now: number, bytes: number): number {
  samples.push({ at: now, bytes });
  while (samples.length > 2 && now - samples[0]!.at > THROUGHPUT_WINDOW_MS) samples.shift();
  const first = samples[0]!;
  const seconds = (now - first.at) / 1000;
  return seconds > 0.2 ? Math.max(0, (bytes - first.bytes) / seconds) : 0;
}

export class JobRunner {
  readonly #deps: JobRunnerDeps;
  readonly #jobs = new Map<string, JobRuntime>();
  #closed = false;
  #pumping = false;
  #pumpAgain = false;

  constructor(deps: JobRunnerDeps) {
    this.#deps = deps;
  }

  /** Jobs not yet ended, oldest first. */
  active(): JobProgress[] {
    return [...this.#jobs.values()].map((job) => this.#snapshot(job, false));
  }

  /** The VM keys of items queued or running in any active job. */
  busyVmKeys(): Set<string> {
    const busy = new Set<string>();
    for (const job of this.#jobs.values()) {
      for (const item of job.items) if (item.spec.vm && (item.view.state === 'queued' || item.view.state === 'running')) busy.add(vmKey(item.spec.vm));
    }
    return busy;
  }

  /** Queues a job; returns its id at once. `finished` resolves with its final summary. */
  submit(definition: JobDefinition): { jobId: string; finished: Promise<JobSummary> } {
    if (this.#closed) throw new IpcError('unavailable', 'The engine is shutting down');
    const now = this.#deps.clock.now().toISOString();
    let resolveFinished!: (summary: JobSummary) => void;
    const finished = new Promise<JobSummary>((resolve) => (resolveFinished = resolve));
    const job: JobRuntime = {
      definition,
      id: randomUUID(),
      createdAt: now,
      state: 'queued',
      seq: 0,
      startedAt: null,
      items: definition.items.map((spec) => ({
        spec,
        samples: [],
        hostKey: null,
        view: {
          key: spec.key,
          vm: spec.vm,
          name: spec.name,
          hostLabel: null,
          state: 'queued',
          phase: null,
          disks: [],
          bytesDone: 0,
          bytesTotal: 0,
          throughputBps: 0,
          etaSeconds: null,
          startedAt: null,
          finishedAt: null,
          error: null,
          result: null,
          restoreResult: null,
        },
      })),
      controller: new AbortController(),
      logSeq: 0,
      phase: null,
      extraBytes: { done: 0, total: 0 },
      history: [],
      samples: [],
      error: null,
      lastEmit: 0,
      emitTimer: null,
      historyTimer: null,
      finished,
      resolveFinished,
      runningItems: 0,
      itemsStarted: false,
      wholeJobStarted: false,
    };
    this.#jobs.set(job.id, job);
    this.#log(job, 'info', `Queued: ${definition.title} (${definition.items.length} ${definition.items.length === 1 ? 'item' : 'items'})`);
    for (const item of job.items) {
      if (item.spec.skipReason !== undefined) {
        item.view.state = 'skipped';
        item.view.finishedAt = now;
        item.view.error = { code: 'skipped', message: item.spec.skipReason };
        this.#log(job, 'warn', `${item.spec.name} skipped: ${item.spec.skipReason}`, item.spec.key);
      }
    }
    this.#persist(job);
    this.#emit(job, true);
    queueMicrotask(() => this.#pump());
    return { jobId: job.id, finished };
  }

  cancel(jobId: string): void {
    const job = this.#jobs.get(jobId);
    if (!job) throw new IpcError('not_found', `No running or queued job with id ${jobId}`);
    if (job.controller.signal.aborted) return;
    this.#log(job, 'warn', 'Cancel requested');
    job.controller.abort(new DOMException('The job was cancelled', 'AbortError'));
    for (const item of job.items) {
      if (item.view.state === 'queued') this.#endItem(job, item, 'cancelled', { code: 'cancelled', message: 'Cancelled before it started' });
    }
    this.#pump();
  }

  /** Cancels every job and waits for them to end. */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = [...this.#jobs.values()];
    for (const job of pending) this.cancel(job.id);
    await Promise.all(pending.map((job) => job.finished));
  }

  /** Starts what the limits allow: items in job order, then the whole-job steps of jobs whose items are done. */
  #pump(): void {
    // Starting or finishing a job can call back into #pump; the nested call would count with stale numbers, so
    // it only asks for one more round.
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        this.#pumpOnce();
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
    }
  }

  #pumpOnce(): void {
    const limits = this.#deps.limits();
    let running = 0;
    const perHost = new Map<string, number>();
    const perCluster = new Map<string, number>();
    for (const job of this.#jobs.values()) {
      for (const item of job.items) {
        if (item.view.state !== 'running') continue;
        running += 1;
        if (item.hostKey) perHost.set(item.hostKey, (perHost.get(item.hostKey) ?? 0) + 1);
        if (item.spec.vm) perCluster.set(item.spec.vm.clusterId, (perCluster.get(item.spec.vm.clusterId) ?? 0) + 1);
      }
    }
    const runningVms = new Set<string>();
    for (const job of this.#jobs.values()) for (const item of job.items) if (item.view.state === 'running' && item.spec.vm) runningVms.add(vmKey(item.spec.vm));

    for (const job of [...this.#jobs.values()]) {
      if (job.controller.signal.aborted) {
        this.#maybeFinish(job);
        continue;
      }
      for (const item of job.items) {
        if (item.view.state !== 'queued' || !job.definition.runItem) continue;
        if (running >= limits.global) break;
        const cluster = item.spec.vm?.clusterId ?? null;
        if (cluster && (perCluster.get(cluster) ?? 0) >= limits.perCluster) continue;
        if (item.spec.vm && runningVms.has(vmKey(item.spec.vm))) continue;
        const host = job.definition.hostOf?.(item.spec) ?? null;
        const hostKey = host?.id ?? `item:${job.id}:${item.spec.key}`;
        if ((perHost.get(hostKey) ?? 0) >= limits.perHost) continue;
        running += 1;
        perHost.set(hostKey, (perHost.get(hostKey) ?? 0) + 1);
        if (cluster) perCluster.set(cluster, (perCluster.get(cluster) ?? 0) + 1);
        if (item.spec.vm) runningVms.add(vmKey(item.spec.vm));
        item.hostKey = hostKey;
        this.#startItem(job, item, host?.label ?? null);
      }
      this.#maybeFinish(job);
    }
  }

  #markRunning(job: JobRuntime): void {
    if (job.state !== 'queued') return;
    job.state = 'running';
    job.startedAt = this.#deps.clock.now().toISOString();
    job.historyTimer = setInterval(() => {
      job.history.push(this.#snapshot(job, false).throughputBps);
      if (job.history.length > HISTORY_LENGTH) job.history.shift();
    }, 1000);
    job.historyTimer.unref();
    this.#log(job, 'info', 'Started');
    this.#persist(job);
  }

  #startItem(job: JobRuntime, item: ItemRuntime, hostLabel: string | null): void {
    this.#markRunning(job);
    job.itemsStarted = true;
    job.runningItems += 1;
    const view = item.view;
    view.state = 'running';
    view.startedAt = this.#deps.clock.now().toISOString();
    const logger = this.#deps.logger.child({ job: job.id.slice(0, 8), item: item.spec.key });
    // The host named here is the one the per-host limit counted the item against.
    this.#log(job, 'info', `${item.spec.name}: started${hostLabel ? ` on ${hostLabel}` : ''}`, item.spec.key);
    const context: ItemContext = {
      signal: job.controller.signal,
      logger,
      setHost: (label) => {
        view.hostLabel = label;
        this.#emit(job, false);
      },
      setPhase: (phase) => {
        view.phase = phase;
        this.#emit(job, false);
      },
      setDisks: (disks) => {
        view.disks = disks.map((d) => ({ ...d }));
        view.bytesDone = disks.reduce((n, d) => n + d.bytesDone, 0);
        view.bytesTotal = disks.reduce((n, d) => n + d.bytesTotal, 0);
        this.#emit(job, false);
      },
      setResult: (result) => {
        view.result = result;
      },
      setRestoreResult: (result) => {
        view.restoreResult = result;
      },
      log: (level, message) => this.#log(job, level, `${item.spec.name}: ${message}`, item.spec.key),
    };
    this.#emit(job, true);
    void (async () => {
      try {
        await job.definition.runItem!(item.spec, context);
        this.#endItem(job, item, 'succeeded', null);
      } catch (error) {
        if (isAbort(error, job.controller.signal)) this.#endItem(job, item, 'cancelled', { code: 'cancelled', message: 'Cancelled' });
        else {
          logger.warn('job item failed', { error });
          this.#endItem(job, item, 'failed', errorOf(error));
        }
      } finally {
        job.runningItems -= 1;
        this.#pump();
      }
    })();
  }

  #endItem(job: JobRuntime, item: ItemRuntime, state: JobItem['state'], error: JobError | null): void {
    const view = item.view;
    view.state = state;
    view.error = error;
    view.finishedAt = this.#deps.clock.now().toISOString();
    view.throughputBps = 0;
    view.etaSeconds = null;
    view.phase = state === 'succeeded' ? 'done' : view.phase;
    if (state === 'succeeded') this.#log(job, 'info', `${item.spec.name}: ${describeResult(view)}`, item.spec.key);
    else if (state === 'failed') this.#log(job, 'error', `${item.spec.name}: failed: ${error?.message ?? 'unknown error'}`, item.spec.key);
    else if (state === 'cancelled') this.#log(job, 'warn', `${item.spec.name}: cancelled`, item.spec.key);
    this.#persist(job);
    this.#emit(job, true);
  }

  #maybeFinish(job: JobRuntime): void {
    if (FINAL_JOB_STATES.includes(job.state) || job.wholeJobStarted) return;
    const open = job.items.some((i) => i.view.state === 'queued' || i.view.state === 'running');
    if (open || job.runningItems > 0) return;
    job.wholeJobStarted = true;
    this.#markRunning(job);
    void (async () => {
      let outcome: { state?: JobState; error?: JobError } | void = undefined;
      if (job.definition.run && !job.controller.signal.aborted) {
        try {
          outcome = await job.definition.run(this.#jobContext(job));
        } catch (error) {
          outcome = isAbort(error, job.controller.signal) ? { state: 'cancelled' } : { state: 'failed', error: errorOf(error) };
        }
      }
      this.#finish(job, outcome ?? {});
    })();
  }

  #jobContext(job: JobRuntime): JobContext {
    return {
      jobId: job.id,
      signal: job.controller.signal,
      logger: this.#deps.logger.child({ job: job.id.slice(0, 8) }),
      log: (level, message, itemKey = null) => this.#log(job, level, message, itemKey),
      setPhase: (phase) => {
        job.phase = phase;
        this.#emit(job, false);
      },
      setBytes: (done, total) => {
        job.extraBytes = { done, total };
        this.#emit(job, false);
      },
    };
  }

  #finish(job: JobRuntime, outcome: { state?: JobState; error?: JobError }): void {
    const states = job.items.map((i) => i.view.state);
    const ok = states.filter((s) => s === 'succeeded').length;
    const bad = states.filter((s) => s === 'failed').length;
    let state: JobState;
    if (job.controller.signal.aborted) state = 'cancelled';
    else if (outcome.state) state = outcome.state;
    else if (bad === 0) state = 'succeeded';
    else state = ok > 0 ? 'partial' : 'failed';
    job.state = state;
    job.error = outcome.error ?? null;
    if (job.historyTimer) clearInterval(job.historyTimer);
    const skipped = states.filter((s) => s === 'skipped').length;
    this.#log(
      job,
      state === 'succeeded' ? 'info' : state === 'partial' || state === 'cancelled' ? 'warn' : 'error',
      `Ended ${state}` +
        (job.items.length > 0 ? `: ${ok} of ${job.items.length} succeeded${bad ? `, ${bad} failed` : ''}${skipped ? `, ${skipped} skipped` : ''}` : '') +
        (job.error ? ` (${job.error.message})` : ''),
    );
    const finishedAt = this.#deps.clock.now().toISOString();
    const progress = this.#emit(job, true, finishedAt);
    const summary = summarizeProgress(progress, job.createdAt, job.definition.trigger, finishedAt);
    try {
      this.#deps.store.save(summary, progress);
    } catch (error) {
      this.#deps.logger.error('could not store a job', { error });
    }
    this.#jobs.delete(job.id);
    this.#deps.onChanged(summary);
    try {
      this.#deps.onEnded?.(summary, progress);
    } catch (error) {
      this.#deps.logger.warn('job end listener failed', { error });
    }
    job.resolveFinished(summary);
    this.#pump();
  }

  #log(job: JobRuntime, level: JobLogLine['level'], message: string, itemKey: string | null = null): void {
    const line: JobLogLine = { seq: job.logSeq++, at: this.#deps.clock.now().toISOString(), level, message: redactText(message), itemKey };
    this.#deps.logger[level](`job ${job.id.slice(0, 8)}: ${line.message}`);
    try {
      this.#deps.store.appendLog(job.id, line);
    } catch (error) {
      // The job row is written first; a log line that cannot be stored must not break the job.
      this.#deps.logger.warn('could not store a job log line', { error });
    }
  }

  #snapshot(job: JobRuntime, advance: boolean, finishedAt: string | null = null): JobProgress {
    const now = Date.now();
    const running = job.state === 'running' && finishedAt === null;
    let bytesDone = job.extraBytes.done;
    let bytesTotal = job.extraBytes.total;
    for (const item of job.items) {
      const view = item.view;
      if (view.state === 'running') {
        view.throughputBps = advance ? throughputOf(item.samples, now, view.bytesDone) : view.throughputBps;
        view.etaSeconds = view.throughputBps > 0 ? Math.max(0, (view.bytesTotal - view.bytesDone) / view.throughputBps) : null;
      }
      bytesDone += view.bytesDone;
      // An item that has not sized its work yet counts with its estimate (finished items with their own figure).
      const sized = view.disks.length > 0 || (view.state !== 'queued' && view.state !== 'running');
      bytesTotal += sized ? view.bytesTotal : Math.max(view.bytesTotal, item.spec.estimatedBytes ?? 0);
    }
    const lastRate = job.samples.length > 0 ? (job.samples.at(-1)!.bytes - job.samples[0]!.bytes) / Math.max(0.001, (job.samples.at(-1)!.at - job.samples[0]!.at) / 1000) : 0;
    const throughputBps = running ? (advance ? throughputOf(job.samples, now, bytesDone) : Math.max(0, lastRate)) : 0;
    if (advance) job.seq += 1;
    return {
      jobId: job.id,
      seq: job.seq,
      kind: job.definition.kind,
      state: job.state,
      title: job.definition.title,
      subject: job.definition.subject,
      clusterId: job.definition.clusterId,
      startedAt: job.startedAt,
      updatedAt: finishedAt ?? this.#deps.clock.now().toISOString(),
      phase: finishedAt === null ? job.phase : null,
      bytesDone,
      bytesTotal,
      throughputBps,
      etaSeconds: running && throughputBps > 0 ? Math.max(0, (bytesTotal - bytesDone) / throughputBps) : null,
      throughputHistory: [...job.history],
      items: job.items.map((i) => ({ ...i.view, disks: i.view.disks.map((d) => ({ ...d })) })),
      error: job.error,
    };
  }

  /**
   * Sends a snapshot now (`force`: state changes and the end) or within PROGRESS_INTERVAL_MS (byte counts), so
   * a job never sends more than one snapshot per interval for progress alone.
   */
  #emit(job: JobRuntime, force: boolean, finishedAt: string | null = null): JobProgress {
    const send = (): JobProgress => {
      if (job.emitTimer) clearTimeout(job.emitTimer);
      job.emitTimer = null;
      job.lastEmit = Date.now();
      const progress = this.#snapshot(job, true, finishedAt);
      this.#deps.onProgress(progress);
      return progress;
    };
    if (force || finishedAt !== null) return send();
    if (!job.emitTimer) {
      const wait = Math.max(0, PROGRESS_INTERVAL_MS - (Date.now() - job.lastEmit));
      job.emitTimer = setTimeout(send, wait);
      job.emitTimer.unref();
    }
    return this.#snapshot(job, false);
  }

  /** Stores the job as it is now and tells listeners (the jobs list); called on state changes, not on bytes. */
  #persist(job: JobRuntime): void {
    const summary = summarizeProgress(this.#snapshot(job, false), job.createdAt, job.definition.trigger, null);
    try {
      this.#deps.store.save(summary, this.#snapshot(job, false));
    } catch (error) {
      this.#deps.logger.error('could not store a job', { error });
    }
    this.#deps.onChanged(summary);
  }
}

export function vmKey(vm: VmRef): string {
  return `${vm.clusterId}/${vm.vmUuid.toLowerCase()}`;
}

function describeResult(view: JobItem): string {
  const r = view.result;
  if (!r) return 'done';
  const kind = r.type === 'full' ? `full${r.fullReason ? ` (${r.fullReason})` : ''}` : 'incremental';
  return `restore point ${r.pointId.slice(0, 8)}, ${kind}, ${r.bytesRead} bytes read, ${r.bytesAdded} bytes added`;
}
