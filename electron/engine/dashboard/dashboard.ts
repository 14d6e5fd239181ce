// The dashboard, built per request from what the engine already keeps: clusters and schedules from the catalog,
// VMs from the live inventory, the newest point per VM from the point index (one grouped query), the newest
// attempt per VM from the jobs (parsed once per job), and the repository's figures from a cached walk.
import { statfs } from 'node:fs/promises';
import type { Dashboard, DashboardCluster, DashboardVm, RepositoryFigures } from '../../../shared/model/dashboard.js';
import type { ClusterInventory } from '../../../shared/model/inventory.js';
import type { JobProgress } from '../../../shared/model/job.js';
import type { Catalog } from '../catalog/catalog.js';
import { listClusters } from '../catalog/listings.js';
import type { Clock } from '../clock.js';
import type { InventoryService } from '../inventory/inventory-service.js';
import type { RepositoryAccess } from '../jobs/repository-access.js';
import type { ScheduleStore } from '../jobs/schedules.js';
import { BackupOutcomes, vmKey, type VmBackupOutcome } from './backup-outcomes.js';
import type { RepositoryFiguresCache } from './repository-figures.js';
import { staleAfterMs } from './staleness.js';

/** How long a request waits for a cluster's hosts to answer before showing what is known (hosts still connecting). */
export const INVENTORY_WAIT_MS = 2_000;
/** How long a request waits for a repository walk in progress before answering with `figuresPending`. */
export const FIGURES_WAIT_MS = 1_500;

export interface DashboardDeps {
  catalog: Catalog;
  clock: Clock;
  inventory: InventoryService;
  schedules: ScheduleStore;
  repository: RepositoryAccess;
  figures: RepositoryFiguresCache;
  /** Snapshots of the jobs queued or running now. */
  activeJobs: () => JobProgress[];
}

interface NewestPointRow {
  clusterId: string;
  vmUuid: string;
  vmName: string;
  id: string;
  completedAt: string;
  createdAt: string;
  pointCount: number;
}

export interface DashboardOptions {
  inventoryWaitMs?: number;
  figuresWaitMs?: number;
}

export class DashboardService {
  readonly #deps: DashboardDeps;
  readonly #outcomes: BackupOutcomes;

  constructor(deps: DashboardDeps) {
    this.#deps = deps;
    this.#outcomes = new BackupOutcomes(deps.catalog);
  }

  async get(options: DashboardOptions = {}): Promise<Dashboard> {
    const { catalog, clock } = this.#deps;
    const path = this.#deps.repository.path();
    const clusters = listClusters(catalog);
    const [inventories, repository] = await Promise.all([
      Promise.all(clusters.map((cluster) => this.#inventoryOf(cluster.id, options.inventoryWaitMs ?? INVENTORY_WAIT_MS))),
      this.#repositoryFigures(path, options.figuresWaitMs ?? FIGURES_WAIT_MS),
    ]);
    const now = clock.now();
    const newestPoints = path === null ? new Map<string, NewestPointRow>() : this.#newestPoints(path);
    const outcomes = this.#outcomes.latestByVm();
    const active = this.#deps.activeJobs().filter((job) => job.kind === 'backup' && (job.state === 'queued' || job.state === 'running'));

    const result: DashboardCluster[] = clusters.map((cluster, index) => {
      const inventory = inventories[index] ?? null;
      const scheduled = this.#deps.schedules.get(cluster.id);
      const thresholdMs = staleAfterMs(scheduled.schedule);
      const vm = (uuid: string, fields: Pick<DashboardVm, 'name' | 'state' | 'inInventory' | 'gone'>): DashboardVm =>
        describeVm(cluster.id, uuid, fields, newestPoints.get(vmKey(cluster.id, uuid)) ?? null, outcomes.get(vmKey(cluster.id, uuid)) ?? null, now, thresholdMs);
      const listed = [...(inventory?.vms ?? [])].sort((a, b) => a.name.localeCompare(b.name));
      const vms = listed.map((v) => vm(v.ref.vmUuid, { name: v.name, state: v.state, inInventory: true, gone: false }));
      const shown = new Set(listed.map((v) => v.ref.vmUuid.toLowerCase()));
      const onlyInPoints = [...newestPoints.values()]
        .filter((row) => row.clusterId === cluster.id && !shown.has(row.vmUuid.toLowerCase()))
        .sort((a, b) => a.vmName.localeCompare(b.vmName));
      const hosts = inventory?.hosts ?? [];
      // Every host answered and none has it: the VM is gone from the cluster, not waiting for a backup.
      const everyHostAnswered = inventory !== null && hosts.length === cluster.hostCount && hosts.every((h) => h.state === 'connected');
      for (const row of onlyInPoints) vms.push(vm(row.vmUuid, { name: row.vmName, state: null, inInventory: false, gone: everyHostAnswered }));
      return {
        clusterId: cluster.id,
        name: cluster.name,
        hosts: {
          total: cluster.hostCount,
          connected: hosts.filter((h) => h.state === 'connected').length,
          connecting: inventory ? hosts.filter((h) => h.state === 'connecting').length : cluster.hostCount,
          unreachable: hosts.filter((h) => h.state === 'unreachable').length,
        },
        vmCount: listed.length,
        schedule: scheduled.schedule,
        nextRunAt: scheduled.nextRunAt,
        staleAfterHours: thresholdMs / 3_600_000,
        staleVmCount: vms.filter((v) => v.stale).length,
        activeBackupJobId: active.find((job) => job.clusterId === cluster.id)?.jobId ?? null,
        vms,
      };
    });
    return { generatedAt: now.toISOString(), repository, clusters: result };
  }

  /** The cluster's inventory once its hosts answered, or what is known after `waitMs`; null if it cannot be had. */
  async #inventoryOf(clusterId: string, waitMs: number): Promise<ClusterInventory | null> {
    const { inventory } = this.#deps;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answered = inventory.get(clusterId);
      // A host that never answers still ends in a timeout inside the inventory; nothing here is left pending.
      answered.catch(() => undefined);
      const known = (): ClusterInventory | null => {
        try {
          return inventory.current(clusterId);
        } catch {
          return null;
        }
      };
      return await Promise.race([answered, new Promise<ClusterInventory | null>((resolve) => (timer = setTimeout(() => resolve(known()), waitMs)))]);
    } catch {
      // Removed while the request ran.
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async #repositoryFigures(path: string | null, waitMs: number): Promise<RepositoryFigures> {
    const status = await this.#deps.repository.status();
    if (path === null) {
      return { status, totalBytes: null, storedBytes: null, chunkCount: null, logicalBytes: null, dedupRatio: null, figuresAt: null, figuresPending: false };
    }
    const [walked, totalBytes] = await Promise.all([
      status.state === 'ready' ? this.#deps.figures.get(path, waitMs) : Promise.resolve({ figures: this.#deps.figures.current(path), pending: this.#deps.figures.pending }),
      totalBytesOf(path),
    ]);
    const figures = walked.figures;
    const storedBytes = figures ? figures.chunkBytes + figures.manifestBytes : null;
    return {
      status,
      totalBytes,
      storedBytes,
      chunkCount: figures?.chunkCount ?? null,
      logicalBytes: figures?.logicalBytes ?? null,
      dedupRatio: figures && storedBytes ? figures.logicalBytes / storedBytes : null,
      figuresAt: figures?.computedAt ?? null,
      figuresPending: walked.pending,
    };
  }

  /** Per VM of the repository: its newest point and how many it has. */
  #newestPoints(repositoryPath: string): Map<string, NewestPointRow> {
    // SQLite takes the bare columns of an aggregate query from the row that holds the max().
    const rows = this.#deps.catalog.db
      .prepare(
        `SELECT cluster_id AS clusterId, vm_uuid AS vmUuid, vm_name AS vmName, id, completed_at AS completedAt,
                max(created_at) AS createdAt, count(*) AS pointCount
           FROM points WHERE repository = ? GROUP BY cluster_id, vm_uuid`,
      )
      .all(repositoryPath) as NewestPointRow[];
    return new Map(rows.map((row) => [vmKey(row.clusterId, row.vmUuid), row]));
  }
}

function describeVm(
  clusterId: string,
  vmUuid: string,
  fields: Pick<DashboardVm, 'name' | 'state' | 'inInventory' | 'gone'>,
  point: NewestPointRow | null,
  outcome: VmBackupOutcome | null,
  now: Date,
  staleAfter: number,
): DashboardVm {
  const ageMs = point ? Math.max(0, now.getTime() - Date.parse(point.completedAt)) : null;
  // The newest of what the jobs recorded and what the repository holds: a point written by the CLI or another
  // install has no job in this catalog, and counts as a successful attempt at its completion.
  let lastAttempt: DashboardVm['lastAttempt'] = null;
  if (outcome && (!point || Date.parse(outcome.at) >= Date.parse(point.completedAt))) {
    lastAttempt = { at: outcome.at, result: outcome.result, jobId: outcome.jobId, pointId: outcome.pointId, error: outcome.error };
  } else if (point) {
    const sameJob = outcome?.pointId === point.id ? outcome : null;
    lastAttempt = { at: point.completedAt, result: 'succeeded', jobId: sameJob?.jobId ?? null, pointId: point.id, error: null };
  }
  return {
    ref: { clusterId, vmUuid },
    ...fields,
    lastPoint: point ? { id: point.id, completedAt: point.completedAt } : null,
    pointCount: point?.pointCount ?? 0,
    lastAttempt,
    ageSeconds: ageMs === null ? null : Math.floor(ageMs / 1000),
    stale: !fields.gone && (ageMs === null || ageMs > staleAfter),
  };
}

async function totalBytesOf(path: string): Promise<number | null> {
  try {
    const stats = await statfs(path);
    return stats.blocks * stats.bsize;
  } catch {
    return null;
  }
}
