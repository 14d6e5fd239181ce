// A change a restore makes to the VM's configuration (the engine's code and values, shared/model/restore.ts) as a
// sentence in the UI's language. The engine words the same changes in English for the CLI and the job log.
import type { TFunction } from 'i18next';
import type { RestoreChange } from '../../../../shared/model/restore.js';

function sourceText(t: TFunction<['restore']>, source: { type: 'network' | 'bridge'; name: string }): string {
  return source.type === 'network' ? t('restore:change.source.network', { name: source.name }) : t('restore:change.source.bridge', { name: source.name });
}

export function restoreChangeText(t: TFunction<['restore']>, change: RestoreChange): string {
  switch (change.code) {
    case 'renamed':
      return t('restore:change.renamed', { name: change.name, was: change.was });
    case 'new_uuid':
      return t('restore:change.newUuid', { uuid: change.uuid });
    case 'genid_renewed':
      return t('restore:change.genidRenewed');
    case 'smbios_uuid':
      return t('restore:change.smbiosUuid');
    case 'emulator_dropped':
      return change.path === null
        ? t('restore:change.emulatorDroppedNoPath', { host: change.host })
        : t('restore:change.emulatorDropped', { path: change.path, host: change.host });
    case 'emulator_changed':
      return change.was === null
        ? t('restore:change.emulatorSet', { emulator: change.emulator, host: change.host })
        : t('restore:change.emulatorChanged', { emulator: change.emulator, host: change.host, was: change.was });
    case 'security_label_unused':
      return t('restore:change.securityLabelUnused', { model: change.model, host: change.host });
    case 'security_label_static':
      return change.model === null
        ? t('restore:change.securityLabelStaticNoModel', { host: change.host })
        : t('restore:change.securityLabelStatic', { model: change.model, host: change.host });
    case 'security_label_runtime':
      return change.model === null ? t('restore:change.securityLabelRuntimeNoModel') : t('restore:change.securityLabelRuntime', { model: change.model });
    case 'firmware_dropped':
      return t('restore:change.firmwareDropped', { path: change.path, host: change.host, firmware: change.firmware });
    case 'nvram_not_shared':
      return t('restore:change.nvramNotShared', { path: change.path, host: change.host, name: change.name });
    case 'disk_volume': {
      const values = { target: change.target, pool: change.pool, volume: change.volume, format: change.format };
      return change.was === null ? t('restore:change.diskVolumeNoSource', values) : t('restore:change.diskVolume', { ...values, was: change.was });
    }
    case 'nic_left_out':
      return t('restore:change.nicLeftOut', { nic: change.nic, source: sourceText(t, change.source) });
    case 'nic_moved':
      return t('restore:change.nicMoved', { nic: change.nic, from: sourceText(t, change.from), to: sourceText(t, change.to) });
    case 'nic_new_mac':
      return t('restore:change.nicNewMac', { nic: change.nic, mac: change.mac });
    case 'nic_device_dropped':
      return t('restore:change.nicDeviceDropped', { nic: change.nic, device: change.device });
    case 'display_port':
      return t('restore:change.displayPort', { display: change.display, port: change.port });
  }
}
