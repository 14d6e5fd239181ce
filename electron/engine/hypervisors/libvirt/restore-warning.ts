// The engine's English for what needs a look after a restore (shared/model/restore.ts): what the CLI prints, the
// restore job writes to its log and the logs carry. The renderer has its own, in the UI's language
// (renderer/src/views/restore/restore-warning.ts).
import type { RestoreWarning } from '../../../../shared/model/restore.js';

export function describeRestoreWarning(warning: RestoreWarning): string {
  switch (warning.code) {
    case 'guest_unsupported':
      return `${warning.host} does not offer ${warning.arch ?? 'this'} ${warning.osType} guests: the VM will not start there.`;
    case 'virt_type_unsupported':
      return `${warning.host} offers no ${warning.virtType} virtualization for ${warning.arch} guests (it offers ${warning.offered.join(', ') || 'none'}): the VM will not start there until its type is changed.`;
    case 'machine_unsupported':
      return `${warning.host}'s QEMU does not offer machine type ${warning.machine}: the VM may not start there (its ${warning.arch} machine types include ${warning.machines.join(', ')}).`;
    case 'firmware_unlisted':
      return `The VM boots ${warning.path}, and ${warning.host} lists no firmware images: check the file exists there.`;
    case 'firmware_unoffered':
      return `The VM boots ${warning.path}, which ${warning.host} does not offer (it has ${warning.offered.join(', ')}): change the loader, or the VM will not start.`;
    case 'nvram_not_backed_up':
      return 'UEFI variables (boot entries, Secure Boot keys) are not in backups: the restored VM starts from the firmware defaults.';
    case 'removable_missing':
      return `${warning.device === 'cdrom' ? 'CD-ROM' : 'Floppy'} ${warning.target}: ${warning.path} is not on ${warning.host}; left empty.`;
    case 'disk_left_out':
      return `Disk ${warning.target} (${warning.path}) was not backed up and is not on ${warning.host}: left out of the VM.`;
    case 'disk_kept':
      return `Disk ${warning.target} (${warning.source ?? 'no source'}) was not backed up and is kept as it was${warning.shared ? ': the copy and the original now write to the same storage' : ''}.`;
    case 'nic_host_device':
      return `Interface ${warning.nic} uses host device ${warning.device ?? '?'} directly: check ${warning.host} has it.`;
    case 'nic_other_type':
      return `Interface ${warning.nic} (type ${warning.type}) is kept as it was: check it suits ${warning.host}.`;
    case 'bridges_unlisted':
      return `${warning.host} cannot list its bridges: check that bridge ${warning.bridge} exists there.`;
    case 'nic_source_missing':
      return `Interface ${warning.nic} was on ${warning.source.type} ${warning.source.name}, which ${warning.host} does not have: left out (map it to a network of ${warning.host}, or add an interface later).`;
    case 'nic_bridge_unknown':
      return `Interface ${warning.nic} is on bridge ${warning.bridge}: ${warning.host} cannot list its bridges, check it exists there.`;
    case 'nic_network_inactive':
      return `Interface ${warning.nic} is on network ${warning.network}, which is not running on ${warning.host}: start it before the VM.`;
    case 'display_listen':
      return `The ${warning.display} display listens on ${warning.address}: if that is not an address of ${warning.host}, the VM will not start.`;
    case 'host_devices': {
      const one = warning.count === 1;
      return (
        `${warning.count} host device${one ? ' is' : 's are'} passed through to the VM: check ${warning.host} has ${one ? 'it' : 'them'}` +
        `${warning.copy ? ', and that the original does not run at the same time' : ''}.`
      );
    }
    case 'cpu_pinning':
      return `CPU pinning kept as it was: check that ${warning.host} has those CPUs.`;
    case 'not_started':
      return `The VM did not start: ${warning.error}`;
    case 'original_disks_kept':
      return `Disks of the original left in place (not in the point, or not deletable through a pool): ${warning.disks.join(', ')}`;
  }
}

