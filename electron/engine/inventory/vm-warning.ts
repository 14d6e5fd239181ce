// The engine's English for something odd about where a VM was seen (shared/model/inventory.ts): what the CLI
// prints. The renderer has its own, in the UI's language (renderer/src/views/clusters/vm-warning.ts).
import type { VmWarning } from '../../../shared/model/inventory.js';

export function describeVmWarning(warning: VmWarning): string {
  switch (warning.code) {
    case 'active_on_several':
      return `Active on ${warning.hosts.join(' and ')} at once (a live migration in progress?); using ${warning.using}.`;
    case 'defined_on_several':
      return `Also defined on ${warning.others.join(', ')} (a copy left behind by a migration?); using ${warning.using}, where it ${warning.running ? 'runs' : 'is defined'}.`;
  }
}
