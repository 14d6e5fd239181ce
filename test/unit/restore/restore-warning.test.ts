// The English of what needs a look after a restore: the engine's sentences (CLI, job log) are the ones they were
// before warnings carried codes, and the renderer's English words every sample exactly as the engine does.
import { describe, expect, it } from 'vitest';
import { describeRestoreWarning } from '../../../electron/engine/hypervisors/libvirt/restore-warning.js';
import { restoreWarningText } from '../../../renderer/src/views/restore/restore-warning.js';
import { i18nForTest } from '../../../renderer/src/testing/i18n.js';
import { restoreWarningSamples } from '../../../renderer/src/testing/restore-fixtures.js';
import type { RestoreWarning } from '../../../shared/model/restore.js';

const samples: RestoreWarning[] = Object.values(restoreWarningSamples).flat();

describe('describeRestoreWarning', () => {
  it('words every warning as the engine always has', () => {
    expect(samples.map(describeRestoreWarning)).toEqual([
      'kvm2 does not offer aarch64 hvm guests: the VM will not start there.',
      'kvm2 does not offer this hvm guests: the VM will not start there.',
      'kvm2 offers no kvm virtualization for x86_64 guests (it offers qemu): the VM will not start there until its type is changed.',
      'kvm2 offers no kvm virtualization for x86_64 guests (it offers none): the VM will not start there until its type is changed.',
      "kvm2's QEMU does not offer machine type pc-q35-9.0: the VM may not start there (its x86_64 machine types include pc-q35-8.2, pc-i440fx-8.2, q35, pc).",
      'The VM boots /usr/share/OVMF/OVMF_CODE.fd, and kvm2 lists no firmware images: check the file exists there.',
      'The VM boots /usr/share/OVMF/OVMF_CODE.fd, which kvm2 does not offer (it has /usr/share/edk2/ovmf/OVMF_CODE.fd, /usr/share/edk2/ovmf/OVMF_CODE.secboot.fd): change the loader, or the VM will not start.',
      'UEFI variables (boot entries, Secure Boot keys) are not in backups: the restored VM starts from the firmware defaults.',
      'CD-ROM sda: /var/lib/libvirt/images/install.iso is not on kvm2; left empty.',
      'Floppy fda: /var/lib/libvirt/images/drivers.img is not on kvm2; left empty.',
      'Disk vdc (/dev/sdc) was not backed up and is not on kvm2: left out of the VM.',
      'Disk vdb (/dev/sdb) was not backed up and is kept as it was.',
      'Disk vdc (/dev/sdc) was not backed up and is kept as it was: the copy and the original now write to the same storage.',
      'Disk vdd (no source) was not backed up and is kept as it was.',
      'Interface 52:54:00:00:00:04 uses host device eno1 directly: check kvm2 has it.',
      'Interface direct uses host device ? directly: check kvm2 has it.',
      'Interface 52:54:00:00:00:05 (type vhostuser) is kept as it was: check it suits kvm2.',
      'kvm2 cannot list its bridges: check that bridge br-lan exists there.',
      'Interface 52:54:00:00:00:01 was on network office, which kvm2 does not have: left out (map it to a network of kvm2, or add an interface later).',
      'Interface 52:54:00:00:00:03 was on bridge br-dmz, which kvm2 does not have: left out (map it to a network of kvm2, or add an interface later).',
      'Interface 52:54:00:00:00:03 is on bridge br-dmz: kvm2 cannot list its bridges, check it exists there.',
      'Interface 52:54:00:00:00:02 is on network prod-lan, which is not running on kvm2: start it before the VM.',
      'The SPICE display listens on 192.168.10.21: if that is not an address of kvm2, the VM will not start.',
      '1 host device is passed through to the VM: check kvm2 has it, and that the original does not run at the same time.',
      '2 host devices are passed through to the VM: check kvm2 has them, and that the original does not run at the same time.',
      '1 host device is passed through to the VM: check kvm2 has it.',
      '3 host devices are passed through to the VM: check kvm2 has them.',
      'CPU pinning kept as it was: check that kvm2 has those CPUs.',
      'The VM did not start: network office is not active',
      'Disks of the original left in place (not in the point, or not deletable through a pool): /dev/sdc, /var/lib/libvirt/images/web-vdd.qcow2',
    ]);
  });

  it('is what the renderer shows in English, word for word', () => {
    const t = i18nForTest('en').getFixedT('en', ['restore']);
    for (const warning of samples) expect(restoreWarningText(t, warning), warning.code).toBe(describeRestoreWarning(warning));
  });
});
