// What needs a look after a restore (the engine's code and values, shared/model/restore.ts) as a sentence in the
// UI's language. The engine words the same warnings in English for the CLI and the job log.
import type { TFunction } from 'i18next';
import type { RestoreWarning } from '../../../../shared/model/restore.js';

type RestoreT = TFunction<['restore']>;

function listText(t: RestoreT, items: readonly string[]): string {
  return items.join(t('restore:warning.listSeparator'));
}

export function restoreWarningText(t: RestoreT, warning: RestoreWarning): string {
  switch (warning.code) {
    case 'guest_unsupported':
      return warning.arch === null
        ? t('restore:warning.guestUnsupportedNoArch', { host: warning.host, osType: warning.osType })
        : t('restore:warning.guestUnsupported', { host: warning.host, arch: warning.arch, osType: warning.osType });
    case 'virt_type_unsupported': {
      const values = { host: warning.host, virtType: warning.virtType, arch: warning.arch };
      return warning.offered.length === 0
        ? t('restore:warning.virtTypeUnsupportedNone', values)
        : t('restore:warning.virtTypeUnsupported', { ...values, offered: listText(t, warning.offered) });
    }
    case 'machine_unsupported':
      return t('restore:warning.machineUnsupported', { host: warning.host, machine: warning.machine, arch: warning.arch, machines: listText(t, warning.machines) });
    case 'firmware_unlisted':
      return t('restore:warning.firmwareUnlisted', { path: warning.path, host: warning.host });
    case 'firmware_unoffered':
      return t('restore:warning.firmwareUnoffered', { path: warning.path, host: warning.host, offered: listText(t, warning.offered) });
    case 'nvram_not_backed_up':
      return t('restore:warning.nvramNotBackedUp');
    case 'removable_missing': {
      const values = { target: warning.target, path: warning.path, host: warning.host };
      return warning.device === 'cdrom' ? t('restore:warning.cdromMissing', values) : t('restore:warning.floppyMissing', values);
    }
    case 'disk_left_out':
      return t('restore:warning.diskLeftOut', { target: warning.target, path: warning.path, host: warning.host });
    case 'disk_kept': {
      const values = { target: warning.target, source: warning.source ?? t('restore:warning.noSource') };
      return warning.shared ? t('restore:warning.diskKeptShared', values) : t('restore:warning.diskKept', values);
    }
    case 'nic_host_device':
      return t('restore:warning.nicHostDevice', { nic: warning.nic, device: warning.device ?? '?', host: warning.host });
    case 'nic_other_type':
      return t('restore:warning.nicOtherType', { nic: warning.nic, type: warning.type, host: warning.host });
    case 'bridges_unlisted':
      return t('restore:warning.bridgesUnlisted', { bridge: warning.bridge, host: warning.host });
    case 'nic_source_missing': {
      const { type, name } = warning.source;
      const source = type === 'network' ? t('restore:change.source.network', { name }) : t('restore:change.source.bridge', { name });
      return t('restore:warning.nicSourceMissing', { nic: warning.nic, source, host: warning.host });
    }
    case 'nic_bridge_unknown':
      return t('restore:warning.nicBridgeUnknown', { nic: warning.nic, bridge: warning.bridge, host: warning.host });
    case 'nic_network_inactive':
      return t('restore:warning.nicNetworkInactive', { nic: warning.nic, network: warning.network, host: warning.host });
    case 'display_listen':
      return t('restore:warning.displayListen', { display: warning.display, address: warning.address, host: warning.host });
    case 'host_devices':
      return warning.copy
        ? t('restore:warning.hostDevicesCopy', { count: warning.count, host: warning.host })
        : t('restore:warning.hostDevices', { count: warning.count, host: warning.host });
    case 'cpu_pinning':
      return t('restore:warning.cpuPinning', { host: warning.host });
    case 'not_started':
      return t('restore:warning.notStarted', { error: warning.error });
    case 'original_disks_kept':
      return t('restore:warning.originalDisksKept', { disks: listText(t, warning.disks) });
  }
}

/** A job result's warning: structured, or the English sentence of a job stored before warnings had codes. */
export function storedRestoreWarningText(t: RestoreT, warning: RestoreWarning | string): string {
  return typeof warning === 'string' ? warning : restoreWarningText(t, warning);
}
