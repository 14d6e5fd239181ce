import { formatBytes } from '../../../shared/format/bytes.js';
import type { ClusterInventory } from '../../../shared/model/inventory.js';
import { describeVmWarning } from '../../engine/inventory/vm-warning.js';
import { CliError, type Command } from '../command.js';
import { openHeadlessRuntime } from '../runtime.js';

function printInventory(out: (text: string) => void, inventory: ClusterInventory): void {
  out(`Cluster ${inventory.clusterName}`);
  for (const host of inventory.hosts) {
    const detail =
      host.state === 'connected'
        ? `${host.hostname ?? '?'}, ${host.cpus ?? '?'} CPUs, ${host.memoryBytes === null ? '?' : formatBytes(host.memoryBytes)}, libvirt ${host.libvirtVersion ?? '?'}`
        : `${host.state}${host.error ? `: ${host.error.message}` : ''}`;
    out(`  host ${host.label}: ${detail}`);
  }
  const hostLabel = new Map(inventory.hosts.map((h) => [h.hostId, h.label]));
  const rows = inventory.vms.map((vm) => [
    vm.name,
    vm.state,
    hostLabel.get(vm.hostId) ?? vm.hostId,
    String(vm.vcpus),
    formatBytes(vm.memoryBytes),
    vm.disks.map((d) => `${d.target} ${d.capacityBytes === null ? '?' : formatBytes(d.capacityBytes)}`).join(', '),
    vm.ref.vmUuid,
  ]);
  const header = ['VM', 'STATE', 'HOST', 'VCPUS', 'MEMORY', 'DISKS', 'UUID'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  out(line(header));
  rows.forEach((row) => out(line(row)));
  for (const vm of inventory.vms) for (const warning of vm.warnings) out(`  warning: ${vm.name}: ${describeVmWarning(warning)}`);
}

export const inventoryCommand: Command = {
  name: 'inventory',
  summary: "List clusters' hosts and VMs (where each VM runs now)",
  usage: 'lifeboat inventory [--cluster NAME] [--data-dir DIR] [--json]',
  options: { cluster: { type: 'string' } },
  optionHelp: ['--cluster NAME  only this cluster (default: all)'],
  async run({ values, dataDir, json, io, secretsPassphraseFile }) {
    const { engine } = openHeadlessRuntime(dataDir, { secretsPassphraseFile });
    try {
      const name = values['cluster'] as string | undefined;
      const clusters = name === undefined ? engine.clusters.list() : [engine.clusters.findByName(name)];
      if (clusters[0] === null) throw new CliError('not_found', `no cluster named "${name}"`);
      const inventories: ClusterInventory[] = [];
      for (const cluster of clusters) if (cluster) inventories.push(await engine.inventory.get(cluster.id));
      if (json) io.stdout(JSON.stringify(inventories));
      else if (inventories.length === 0) io.stdout('No clusters. Add one with `lifeboat cluster add NAME --host URI`.');
      else inventories.forEach((inventory, i) => (i > 0 && io.stdout(''), printInventory(io.stdout, inventory)));
      return 0;
    } finally {
      await engine.close();
    }
  },
};
