// The engine's English for a change a restore makes to a VM's configuration (shared/model/restore.ts): what the
// CLI prints, the restore job writes to its log and the logs carry. The renderer has its own, in the UI's language
// (renderer/src/views/restore/restore-change.ts).
import type { RestoreChange } from '../../../../shared/model/restore.js';

function sourceText(source: { type: string; name: string }): string {
  return `${source.type} ${source.name}`;
}

export function describeRestoreChange(change: RestoreChange): string {
  switch (change.code) {
    case 'renamed':
      return `Named ${change.name} (was ${change.was}).`;
    case 'new_uuid':
      return `New UUID ${change.uuid}, so the copy and the original are two VMs.`;
    case 'genid_renewed':
      return 'VM generation ID renewed (the guest sees it was restored).';
    case 'smbios_uuid':
      return 'SMBIOS system UUID set to the new UUID.';
    case 'emulator_dropped':
      return `Emulator path${change.path === null ? '' : ` ${change.path}`} dropped: ${change.host} chooses its own.`;
    case 'emulator_changed':
      return `Emulator ${change.emulator} (${change.host}'s), was ${change.was ?? 'unset'}.`;
    case 'security_label_unused':
      return `Security label for ${change.model} dropped: ${change.host} does not use ${change.model}.`;
    case 'security_label_static':
      return `Static security label${change.model === null ? '' : ` (${change.model})`} dropped: the copy must not share the original's label; ${change.host} gives it its own.`;
    case 'security_label_runtime':
      return `Run-time security labels${change.model === null ? '' : ` (${change.model})`} dropped.`;
    case 'firmware_dropped':
      return `Firmware ${change.path} dropped: ${change.host} picks its own ${change.firmware} firmware.`;
    case 'nvram_not_shared':
      return `UEFI variable store ${change.path} not shared with the original: ${change.host} creates one for ${change.name} from the firmware's template.`;
    case 'disk_volume':
      return `Disk ${change.target}: ${change.pool}/${change.volume} (${change.format}), was ${change.was ?? 'no source'}.`;
    case 'nic_left_out':
      return `Interface ${change.nic} on ${sourceText(change.source)} left out, as chosen.`;
    case 'nic_moved':
      return `Interface ${change.nic} moved from ${sourceText(change.from)} to ${sourceText(change.to)}.`;
    case 'nic_new_mac':
      return `Interface ${change.nic}: new MAC address ${change.mac}, so the copy and the original can share a network.`;
    case 'nic_device_dropped':
      return `Interface ${change.nic}: fixed host device name ${change.device} dropped (the original uses it).`;
    case 'display_port':
      return `${change.display} display on a free port (the original uses ${change.port}).`;
  }
}
