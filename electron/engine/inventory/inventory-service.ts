// Keeps a live view of each watched cluster: one hypervisor session per host, re-listed when the host reports a
// change (a VM started, stopped, migrated) and every so often as a safety net. A host that cannot be reached is
// marked unreachable with the reason, retried with backoff, and never holds up the rest of its cluster.
import type { Cluster, ClusterHost } from '../../../shared/model/cluster.js';
import type { ClusterInventory, HostStatus } from '../../../shared/model/inventory.js';
import type { ClusterStore } from '../clusters/cluster-store.js';
import type { Clock } from '../clock.js';
import { HypervisorError, type HostSession, type HypervisorDriver, type VmOnHost } from '../hypervisors/driver.js';
import type { Logger } from '../logging/logger.js';
import { emptyHostStatus, mergeInventory } from './merge.js';

export interface InventoryTimings {
  connectTimeoutMs: number;
  /** Re-list every host this often even without change events. */
  pollIntervalMs: number;
  /** Coalesces the bursts of events one operation causes (a migration emits several on two hosts). */
  eventDebounceMs: number;
  /** Retry delays for an unreachable host: doubling from min to max. */
  retryMinMs: number;
  retryMaxMs: number;
}

export const DEFAULT_INVENTORY_TIMINGS: InventoryTimings = {
  connectTimeoutMs: 10_000,
  pollIntervalMs: 30_000,
  eventDebounceMs: 150,
  retryMinMs: 1_000,
  retryMaxMs: 30_000,
};

export interface InventoryServiceDeps {
  clusters: ClusterStore;
  driver: HypervisorDriver;
  logger: Logger;
  clock: Clock;
  /** Told whenever a watched cluster's inventory changes. */
  onChange: (inventory: ClusterInventory) => void;
  timings?: Partial<InventoryTimings>;
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof HypervisorError) return { code: error.code, message: error.message };
  return { code: 'unreachable', message: error instanceof Error ? error.message : String(error) };
}

class HostWatcher {
  status: HostStatus;
  vms: VmOnHost[] | null = null;
  private session: HostSession | null = null;
  private stopped = false;
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private connecting: Promise<void> | null = null;
  private refreshingSession: HostSession | null = null;
  private refreshAgain = false;
  /** Settles after the first connection attempt, whatever its outcome. */
  readonly firstAttempt: Promise<void>;
  private settleFirst: () => void = () => undefined;

  readonly host: ClusterHost;
  private readonly deps: InventoryServiceDeps;
  private readonly timings: InventoryTimings;
  private readonly logger: Logger;
  private readonly changed: () => void;

  constructor(host: ClusterHost, deps: InventoryServiceDeps, timings: InventoryTimings, logger: Logger, changed: () => void) {
    this.host = host;
    this.deps = deps;
    this.timings = timings;
    this.logger = logger;
    this.changed = changed;
    this.status = emptyHostStatus(host.id, host.label);
    this.retryDelay = timings.retryMinMs;
    this.firstAttempt = new Promise((resolve) => (this.settleFirst = resolve));
    void this.connect();
  }

  /** One connection attempt at a time: a retry timer and a user's refresh may both ask for one. */
  private connect(): Promise<void> {
    this.connecting ??= this.attemptConnect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Connects now instead of waiting for the backoff: a user asked (a refresh, a backup about to start). */
  async reconnectNow(): Promise<void> {
    if (this.stopped || this.session) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.connect();
  }

  private async attemptConnect(): Promise<void> {
    if (this.stopped) return;
    try {
      const secret = this.host.hasSecret ? await this.deps.clusters.secretFor(this.host.id) : null;
      const session = await this.deps.driver.connect(this.host.spec, {
        secret,
        timeoutMs: this.timings.connectTimeoutMs,
        logger: this.logger,
      });
      if (this.stopped) {
        await session.close();
        return;
      }
      this.session = session;
      session.onChange(() => this.scheduleRefresh());
      void session.ended.then((error) => this.onEnded(session, error));
      const info = await session.info();
      this.status = {
        ...this.status,
        state: 'connected',
        error: null,
        hostname: info.hostname,
        cpuModel: info.cpuModel,
        cpus: info.cpus,
        memoryBytes: info.memoryBytes,
        libvirtVersion: info.libvirtVersion,
        hypervisorVersion: info.hypervisorVersion,
      };
      this.retryDelay = this.timings.retryMinMs;
      await this.refresh();
      this.pollTimer = setInterval(() => this.scheduleRefresh(), this.timings.pollIntervalMs);
      this.pollTimer.unref();
      this.logger.info('host connected', { hostname: info.hostname });
    } catch (error) {
      this.markUnreachable(error);
      await this.session?.close().catch(() => undefined);
      this.session = null;
      this.scheduleRetry();
    } finally {
      this.settleFirst();
    }
  }

  private onEnded(session: HostSession, error: Error | null): void {
    if (this.session !== session || this.stopped) return;
    this.session = null;
    this.clearTimers();
    this.markUnreachable(error ?? new HypervisorError('unreachable', 'the connection to the host closed'));
    this.scheduleRetry();
  }

  private markUnreachable(error: unknown): void {
    const problem = describeError(error);
    this.logger.warn('host unreachable', { error: problem.message, code: problem.code });
    this.status = { ...this.status, state: 'unreachable', error: problem, checkedAt: this.deps.clock.now().toISOString() };
    this.vms = null;
    this.changed();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, this.timings.retryMaxMs);
  }

  private scheduleRefresh(): void {
    if (this.stopped || !this.session) return;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.refresh(), this.timings.eventDebounceMs);
    this.debounceTimer.unref();
  }

  /** The open connection to the host, while there is one. */
  get liveSession(): HostSession | null {
    return this.stopped ? null : this.session;
  }

  get connected(): boolean {
    return this.session !== null;
  }

  /** Re-lists the host's VMs; a refresh asked for while one runs is run once more after it. */
  refresh(): Promise<void> {
    if (this.refreshing && this.refreshingSession === this.session) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    // A listing still waiting on a session that has since ended is not waited for: it fails on its own.
    const mine = this.session;
    this.refreshingSession = mine;
    const run = (async () => {
      do {
        this.refreshAgain = false;
        const session = this.session;
        if (!session || session !== mine) return;
        try {
          this.vms = await session.listVms();
          this.status = { ...this.status, state: 'connected', error: null, checkedAt: this.deps.clock.now().toISOString() };
          this.changed();
        } catch (error) {
          // A failed listing on a live session is reported; if the session died, onEnded takes over.
          this.logger.warn('listing VMs failed', { error });
          this.status = { ...this.status, error: describeError(error), checkedAt: this.deps.clock.now().toISOString() };
          this.changed();
        }
      } while (this.refreshAgain && !this.stopped);
    })().finally(() => {
      if (this.refreshing === run) {
        this.refreshing = null;
        this.refreshingSession = null;
      }
    });
    this.refreshing = run;
    return run;
  }

  private clearTimers(): void {
    for (const timer of [this.retryTimer, this.debounceTimer]) if (timer) clearTimeout(timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.retryTimer = this.debounceTimer = this.pollTimer = null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const session = this.session;
    this.session = null;
    this.settleFirst();
    await session?.close().catch(() => undefined);
  }
}

class ClusterWatcher {
  readonly hosts: HostWatcher[];
  readonly cluster: Cluster;

  constructor(cluster: Cluster, deps: InventoryServiceDeps, timings: InventoryTimings, changed: () => void) {
    this.cluster = cluster;
    const logger = deps.logger.child({ cluster: cluster.name });
    this.hosts = cluster.hosts.map((host) => new HostWatcher(host, deps, timings, logger.child({ host: host.label }), changed));
  }

  inventory(now: Date): ClusterInventory {
    return {
      clusterId: this.cluster.id,
      clusterName: this.cluster.name,
      hosts: this.hosts.map((h) => h.status),
      vms: mergeInventory(
        this.cluster.id,
        this.hosts.map((h) => ({ hostId: h.host.id, label: h.host.label, vms: h.vms })),
      ),
      updatedAt: now.toISOString(),
    };
  }

  async firstRound(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.firstAttempt));
  }

  /** Re-lists every host; a host that is down is tried again at once rather than after its backoff. */
  async refreshAll(): Promise<void> {
    await Promise.all(this.hosts.map((h) => (h.connected ? h.refresh() : h.reconnectNow())));
  }

  async stop(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.stop()));
  }
}

export interface InventoryService {
  /** The cluster's inventory once every host has been tried (connected or found unreachable). */
  get(clusterId: string, options?: { refresh?: boolean }): Promise<ClusterInventory>;
  /** The inventory as known now (starting to watch the cluster if it was not); null before anything is known. */
  current(clusterId: string): ClusterInventory | null;
  /**
   * The connection the inventory holds open to one host of a watched cluster, or null (not watched, not
   * connected). Lent, not given: the caller must not close it, and it ends whenever the host's connection does.
   * A backup right after a refresh uses it rather than opening one more connection to the same host.
   */
  sessionFor(clusterId: string, hostId: string): HostSession | null;
  /** Stops watching a cluster (it was removed or its hosts changed); the next get() starts afresh. */
  forget(clusterId: string): Promise<void>;
  close(): Promise<void>;
}

export function createInventoryService(deps: InventoryServiceDeps): InventoryService {
  const timings = { ...DEFAULT_INVENTORY_TIMINGS, ...deps.timings };
  const watchers = new Map<string, ClusterWatcher>();
  let closed = false;

  const watch = (clusterId: string): ClusterWatcher => {
    const existing = watchers.get(clusterId);
    if (existing) return existing;
    if (closed) throw new Error('inventory service is closed');
    const cluster = deps.clusters.get(clusterId);
    let notifyScheduled = false;
    const watcher: ClusterWatcher = new ClusterWatcher(cluster, deps, timings, () => {
      // Many hosts changing in one tick make one notification.
      if (notifyScheduled) return;
      notifyScheduled = true;
      queueMicrotask(() => {
        notifyScheduled = false;
        if (watchers.get(clusterId) === watcher) deps.onChange(watcher.inventory(deps.clock.now()));
      });
    });
    watchers.set(clusterId, watcher);
    return watcher;
  };

  return {
    async get(clusterId, options = {}) {
      const watcher = watch(clusterId);
      await watcher.firstRound();
      if (options.refresh) await watcher.refreshAll();
      return watcher.inventory(deps.clock.now());
    },
    current(clusterId) {
      const watcher = watch(clusterId);
      return watcher.inventory(deps.clock.now());
    },
    sessionFor(clusterId, hostId) {
      return watchers.get(clusterId)?.hosts.find((h) => h.host.id === hostId)?.liveSession ?? null;
    },
    async forget(clusterId) {
      const watcher = watchers.get(clusterId);
      watchers.delete(clusterId);
      await watcher?.stop();
    },
    async close() {
      closed = true;
      const all = [...watchers.values()];
      watchers.clear();
      await Promise.all(all.map((w) => w.stop()));
    },
  };
}
