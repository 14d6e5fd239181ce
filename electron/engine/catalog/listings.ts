import type { ClusterSummary } from '../../../shared/model/cluster.js';
import type { Catalog } from './catalog.js';

export function listClusters(catalog: Catalog): ClusterSummary[] {
  const rows = catalog.db
    .prepare(
      `SELECT c.id, c.name, c.created_at AS createdAt, count(h.id) AS hostCount
         FROM clusters c LEFT JOIN cluster_hosts h ON h.cluster_id = c.id
        GROUP BY c.id ORDER BY c.name COLLATE NOCASE`,
    )
    .all() as ClusterSummary[];
  return rows;
}
