// The English of a restore's configuration changes: the engine's sentences (CLI, job log) are the ones they were
// before changes carried codes, and the renderer's English words every sample exactly as the engine does.
import { describe, expect, it } from 'vitest';
import { describeRestoreChange } from '../../../electron/engine/hypervisors/libvirt/restore-change.js';
import { restoreChangeText } from '../../../renderer/src/views/restore/restore-change.js';
import { i18nForTest } from '../../../renderer/src/testing/i18n.js';
import { restoreChangeSamples } from '../../../renderer/src/testing/restore-fixtures.js';
import type { RestoreChange } from '../../../shared/model/restore.js';

const samples: RestoreChange[] = Object.values(restoreChangeSamples).flat();

describe('describeRestoreChange', () => {
  it('words every change as the engine always has', () => {
    expect(samples.map(describeRestoreChange)).toEqual([
      'Named web-restored (was web).',
      'New UUID 5a5a5a5a-1111-4222-8333-444455556666, so the copy and the original are two VMs.',
      'VM generation ID renewed (the guest sees it was restored).',
      'SMBIOS system UUID set to the new UUID.',
      'Emulator path /usr/bin/qemu-system-x86_64 dropped: kvm2 chooses its own.',
      'Emulator path dropped: kvm2 chooses its own.',
      "Emulator /usr/libexec/qemu-kvm (kvm2's), was /usr/bin/qemu-system-x86_64.",
      "Emulator /usr/libexec/qemu-kvm (kvm2's), was unset.",
      'Security label for selinux dropped: kvm2 does not use selinux.',
      "Static security label (selinux) dropped: the copy must not share the original's label; kvm2 gives it its own.",
      "Static security label dropped: the copy must not share the original's label; kvm2 gives it its own.",
      'Run-time security labels (dac) dropped.',
      'Run-time security labels dropped.',
      'Firmware /usr/share/edk2/ovmf/OVMF_CODE.secboot.fd dropped: kvm2 picks its own efi firmware.',
      "UEFI variable store /var/lib/libvirt/qemu/nvram/web_VARS.fd not shared with the original: kvm2 creates one for web-restored from the firmware's template.",
      'Disk vda: vg0/web-restored-vda.raw (raw), was /var/lib/libvirt/images/web-vda.qcow2.',
      'Disk vdb: default/web-restored-vdb.qcow2 (qcow2), was no source.',
      'Interface 52:54:00:00:00:01 on network office left out, as chosen.',
      'Interface bridge on bridge br-backup left out, as chosen.',
      'Interface 52:54:00:00:00:02 moved from network prod-lan to bridge br-lan.',
      'Interface 52:54:00:00:00:03 moved from bridge br-dmz to network default.',
      'Interface 52:54:00:00:00:02: new MAC address 52:54:00:12:34:56, so the copy and the original can share a network.',
      'Interface 52:54:00:00:00:02: fixed host device name web-tap0 dropped (the original uses it).',
      'VNC display on a free port (the original uses 5907).',
    ]);
  });

  it("is what the renderer shows in English, word for word", () => {
    const t = i18nForTest('en').getFixedT('en', ['restore']);
    for (const change of samples) expect(restoreChangeText(t, change), change.code).toBe(describeRestoreChange(change));
  });
});
