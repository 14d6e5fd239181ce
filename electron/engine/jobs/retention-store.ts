// Retention policies in the catalog: one per cluster (the default until set), and overrides per VM.
import { DEFAULT_RETENTION_POLICY, retentionPolicySchema, type RetentionPolicy } from '../../../shared/model/retention.js';
import type { Catalog } from '../catalog/catalog.js';

const CLUSTER_LEVEL = '';

export class RetentionStore {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  get(clusterId: string): { clusterId: string; policy: RetentionPolicy; vmPolicies: { vmUuid: string; policy: RetentionPolicy }[] } {
    const rows = this.#catalog.db.prepare('SELECT vm_uuid AS vmUuid, policy FROM retention_policies WHERE cluster_id = ?').all(clusterId) as {
      vmUuid: string;
      policy: string;
    }[];
    let policy = DEFAULT_RETENTION_POLICY;
    const vmPolicies: { vmUuid: string; policy: RetentionPolicy }[] = [];
    for (const row of rows) {
      const parsed = retentionPolicySchema.safeParse(JSON.parse(row.policy));
      if (!parsed.success) continue;
      if (row.vmUuid === CLUSTER_LEVEL) policy = parsed.data;
      else vmPolicies.push({ vmUuid: row.vmUuid, policy: parsed.data });
    }
    return { clusterId, policy, vmPolicies };
  }

  /** The policy that applies to one VM: its override, else its cluster's. */
  policyFor(clusterId: string, vmUuid: string): RetentionPolicy {
    const all = this.get(clusterId);
    return all.vmPolicies.find((p) => p.vmUuid === vmUuid.toLowerCase())?.policy ?? all.policy;
  }

  set(clusterId: string, vmUuid: string | undefined, policy: RetentionPolicy | null): void {
    const key = vmUuid?.toLowerCase() ?? CLUSTER_LEVEL;
    if (policy === null) {
      this.#catalog.db.prepare('DELETE FROM retention_policies WHERE cluster_id = ? AND vm_uuid = ?').run(clusterId, key);
      return;
    }
    this.#catalog.db
      .prepare(
        `INSERT INTO retention_policies (cluster_id, vm_uuid, policy) VALUES (?, ?, ?)
         ON CONFLICT(cluster_id, vm_uuid) DO UPDATE SET policy = excluded.policy`,
      )
      .run(clusterId, key, JSON.stringify(policy));
  }
}
