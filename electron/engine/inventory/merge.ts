// Merges what each host of a cluster reports into one list of VMs keyed by UUID: a VM that live-migrated shows
// once, on the host that runs it; a VM defined on two hosts is resolved to the running one, with a warning.
import type { HostStatus, VmSummary, VmWarning } from '../../../shared/model/inventory.js';
import type { VmOnHost } from '../hypervisors/driver.js';

export interface HostReport {
  hostId: string;
  label: string;
  /** The VMs of a reachable host; null when the host could not be asked. */
  vms: VmOnHost[] | null;
}

function pickCurrent(sightings: { report: HostReport; vm: VmOnHost }[]): { report: HostReport; vm: VmOnHost } {
  // Running beats paused (the paused side of a live migration is the incoming copy), paused beats defined-only,
  // and among equals the host listed first in the cluster wins, so the choice is stable.
  const rank = (vm: VmOnHost): number => (vm.active ? (vm.state === 'running' ? 0 : 1) : vm.persistent ? 2 : 3);
  return [...sightings].sort((a, b) => rank(a.vm) - rank(b.vm))[0]!;
}

export function mergeInventory(clusterId: string, reports: readonly HostReport[]): VmSummary[] {
  const byUuid = new Map<string, { report: HostReport; vm: VmOnHost }[]>();
  for (const report of reports) {
    for (const vm of report.vms ?? []) {
      const key = vm.uuid.toLowerCase();
      const list = byUuid.get(key) ?? [];
      list.push({ report, vm });
      byUuid.set(key, list);
    }
  }
  const merged: VmSummary[] = [];
  for (const [uuid, sightings] of byUuid) {
    const current = pickCurrent(sightings);
    const warnings: VmWarning[] = [];
    const active = sightings.filter((s) => s.vm.active);
    const defined = sightings.filter((s) => s.vm.persistent);
    if (active.length > 1) {
      warnings.push({ code: 'active_on_several', hosts: active.map((s) => s.report.label), using: current.report.label });
    } else if (defined.length > 1) {
      const leftovers = defined.filter((s) => s !== current).map((s) => s.report.label);
      warnings.push({ code: 'defined_on_several', others: leftovers, using: current.report.label, running: current.vm.active });
    }
    merged.push({
      ref: { clusterId, vmUuid: uuid },
      name: current.vm.name,
      state: current.vm.state,
      vcpus: current.vm.vcpus,
      memoryBytes: current.vm.memoryBytes,
      hostId: current.report.hostId,
      seenOnHostIds: sightings.map((s) => s.report.hostId),
      disks: current.vm.disks,
      warnings,
    });
  }
  return merged.sort((a, b) => a.name.localeCompare(b.name) || a.ref.vmUuid.localeCompare(b.ref.vmUuid));
}

export function emptyHostStatus(hostId: string, label: string): HostStatus {
  return {
    hostId,
    label,
    state: 'connecting',
    error: null,
    hostname: null,
    cpuModel: null,
    cpus: null,
    memoryBytes: null,
    libvirtVersion: null,
    hypervisorVersion: null,
    checkedAt: null,
  };
}
