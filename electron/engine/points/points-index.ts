// The catalog's index of the restore points in the repository. The repository's manifests are the truth: the
// index is rebuilt from them whenever a repository is opened (a fresh install pointed at an existing repository
// sees every point, VM and cluster name again) and after every job that changes them.
import type { PointList, PointSummary as PointView } from '../../../shared/model/point.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Manifest, PointSummary, Repository } from '../repository/index.js';

interface PointRow {
  id: string;
  clusterId: string;
  clusterName: string | null;
  vmUuid: string;
  vmName: string;
  createdAt: string;
  completedAt: string;
  type: 'full' | 'incremental';
  fullReason: string | null;
  sourceHostLabel: string;
  disks: string;
  bytesRead: number;
  bytesAdded: number;
}

const SELECT_POINT = `SELECT id, cluster_id AS clusterId, cluster_name AS clusterName, vm_uuid AS vmUuid, vm_name AS vmName,
  created_at AS createdAt, completed_at AS completedAt, type, full_reason AS fullReason,
  source_host_label AS sourceHostLabel, disks, bytes_read AS bytesRead, bytes_added AS bytesAdded FROM points`;

function viewOf(row: PointRow): PointView {
  return { ...row, disks: JSON.parse(row.disks) as PointView['disks'] };
}

type IndexedPoint = Pick<PointSummary, 'id' | 'path' | 'createdAt' | 'completedAt' | 'vm' | 'sourceHost' | 'type' | 'stats'> & {
  fullReason?: string | undefined;
  disks: ReadonlyArray<{ target: string; capacityBytes: number }>;
};

export class PointsIndex {
  readonly #catalog: Catalog;
  /** Damaged manifests found by the last sync, per repository. */
  readonly #damaged = new Map<string, PointList['damaged']>();

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  /** Replaces the index of `repository` with what its manifests say now. */
  async sync(repository: Repository): Promise<{ points: number; damaged: number }> {
    const listing = await repository.points.list();
    const insert = this.#insertStatement();
    this.#catalog.db.transaction(() => {
      this.#catalog.db.prepare('DELETE FROM points WHERE repository = ?').run(repository.path);
      for (const point of listing.points) insert(repository.path, point);
    })();
    this.#damaged.set(
      repository.path,
      listing.damaged.map((d) => ({ path: d.path, message: d.message })),
    );
    return { points: listing.points.length, damaged: listing.damaged.length };
  }

  /** Adds a point just written. */
  add(repositoryPath: string, manifest: Manifest, path: string): void {
    this.#insertStatement()(repositoryPath, { ...manifest, path });
  }

  remove(repositoryPath: string, pointIds: readonly string[]): void {
    const del = this.#catalog.db.prepare('DELETE FROM points WHERE repository = ? AND id = ?');
    this.#catalog.db.transaction(() => {
      for (const id of pointIds) del.run(repositoryPath, id);
    })();
  }

  /** Points of the repository, newest first; the damaged manifests of its last sync. */
  list(repositoryPath: string, filter: { clusterId?: string | undefined; vmUuid?: string | undefined } = {}): PointList {
    const clauses = ['repository = @repository'];
    if (filter.clusterId) clauses.push('cluster_id = @clusterId');
    if (filter.vmUuid) clauses.push('vm_uuid = @vmUuid');
    const rows = this.#catalog.db
      .prepare(`${SELECT_POINT} WHERE ${clauses.join(' AND ')} ORDER BY created_at DESC, id`)
      .all({ repository: repositoryPath, clusterId: filter.clusterId ?? null, vmUuid: filter.vmUuid?.toLowerCase() ?? null }) as PointRow[];
    return { points: rows.map(viewOf), damaged: this.#damaged.get(repositoryPath) ?? [] };
  }

  get(repositoryPath: string, id: string): PointView {
    const row = this.#catalog.db.prepare(`${SELECT_POINT} WHERE repository = ? AND id = ?`).get(repositoryPath, id) as PointRow | undefined;
    if (!row) throw new IpcError('not_found', `No restore point with id ${id} in the repository`);
    return viewOf(row);
  }

  count(repositoryPath: string): { points: number; vms: number } {
    return this.#catalog.db
      .prepare('SELECT count(*) AS points, count(DISTINCT cluster_id || vm_uuid) AS vms FROM points WHERE repository = ?')
      .get(repositoryPath) as { points: number; vms: number };
  }

  #insertStatement(): (repositoryPath: string, point: IndexedPoint) => void {
    const statement = this.#catalog.db.prepare(
      `INSERT OR REPLACE INTO points (id, repository, cluster_id, cluster_name, vm_uuid, vm_name, created_at, completed_at,
         type, full_reason, source_host_label, disks, bytes_read, bytes_added, manifest_path)
       VALUES (@id, @repository, @clusterId, @clusterName, @vmUuid, @vmName, @createdAt, @completedAt, @type,
         @fullReason, @sourceHostLabel, @disks, @bytesRead, @bytesAdded, @path)`,
    );
    return (repositoryPath, point) => {
      statement.run({
        id: point.id,
        repository: repositoryPath,
        clusterId: point.vm.clusterId,
        clusterName: point.vm.clusterName ?? null,
        vmUuid: point.vm.vmUuid,
        vmName: point.vm.name,
        createdAt: point.createdAt,
        completedAt: point.completedAt,
        type: point.type,
        fullReason: point.fullReason ?? null,
        sourceHostLabel: point.sourceHost.label,
        disks: JSON.stringify(point.disks.map((d) => ({ target: d.target, capacityBytes: d.capacityBytes }))),
        bytesRead: point.stats.bytesRead,
        bytesAdded: point.stats.bytesStored,
        path: point.path,
      });
    };
  }
}
