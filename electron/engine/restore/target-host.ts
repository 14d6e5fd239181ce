// The host a restore writes to: a host of a cluster in the catalog, by label (or id), connected with its stored
// credentials. Any host of any cluster may receive a VM, not only the one it was backed up from.
import type { ClusterHost } from '../../../shared/model/cluster.js';
import type { ClusterStore } from '../clusters/cluster-store.js';
import { HypervisorError, type HostSession, type HypervisorDriver } from '../hypervisors/driver.js';
import type { Logger } from '../logging/logger.js';

const HOST_CONNECT_TIMEOUT_MS = 10_000;

export interface TargetHostDeps {
  driver: HypervisorDriver;
  clusters: ClusterStore;
  logger: Logger;
}

/** Finds `host` (a label, case-insensitive, or an id) in the cluster and connects to it. */
export async function connectTargetHost(
  deps: TargetHostDeps,
  clusterId: string,
  host: string,
  signal?: AbortSignal,
): Promise<{ host: ClusterHost; session: HostSession }> {
  const cluster = deps.clusters.get(clusterId);
  const found = cluster.hosts.find((h) => h.id === host || h.label.toLowerCase() === host.toLowerCase());
  if (!found) {
    throw new HypervisorError('not_found', `cluster ${cluster.name} has no host ${host} (its hosts: ${cluster.hosts.map((h) => h.label).join(', ')})`);
  }
  const session = await deps.driver.connect(found.spec, {
    secret: found.hasSecret ? await deps.clusters.secretFor(found.id) : null,
    timeoutMs: HOST_CONNECT_TIMEOUT_MS,
    logger: deps.logger,
    ...(signal ? { signal } : {}),
  });
  return { host: found, session };
}
