// A VM of our own (rpctest-*) on a lab host, through its whole life as the backup engine drives it: defined,
// started (with lifecycle events), checkpointed, a checkpoint deleted and redefined from its saved XML, a pull-mode
// incremental backup begun, inspected and aborted, then destroyed and undefined.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DomainLifecycleEventInfo, type EventSubscription } from '../../../electron/engine/hypervisors/libvirt/rpc/api.js';
import { type LibvirtConnection } from '../../../electron/engine/hypervisors/libvirt/rpc/connection.js';
import { LibvirtError, VirErrorCode } from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import {
  CheckpointCreateFlags,
  CheckpointDeleteFlags,
  CheckpointXmlFlags,
  type DomainRef,
  DomainJobType,
  DomainLifecycleEvent,
  DomainState,
  DomainUndefineFlags,
  type StorageVolRef,
} from '../../../electron/engine/hypervisors/libvirt/rpc/procedures.js';
import { type Lab, type LabHost, openUnix, removeTestObjects, testHost, uniqueName, withLab } from './lab.js';

let lab: Lab;
let host: LabHost;
let connection: LibvirtConnection;
let observer: LibvirtConnection;
const vmName = uniqueName('vm');
let disk: StorageVolRef;
let domain: DomainRef;
const events: DomainLifecycleEventInfo[] = [];
let subscription: EventSubscription | undefined;

withLab(async (ready) => {
  lab = ready;
  host = testHost(lab);
  connection = await openUnix(host);
  // Events arrive on a second connection, as the app's inventory watcher would receive them.
  observer = await openUnix(host);
  await removeTestObjects(connection.api);
  subscription = await observer.api.subscribeDomainLifecycle((event) => {
    if (event.domain.name === vmName) events.push(event);
  });
});

afterAll(async () => {
  // Each may be missing when the lab was not up.
  await subscription?.unsubscribe().catch(() => undefined);
  if ((connection as LibvirtConnection | undefined) !== undefined) await removeTestObjects(connection.api);
  await (observer as LibvirtConnection | undefined)?.close();
  await (connection as LibvirtConnection | undefined)?.close();
});

async function waitForEvent(event: number, timeoutMs = 15_000): Promise<DomainLifecycleEventInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find((e) => e.event === event);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no lifecycle event ${event} for ${vmName}; got ${JSON.stringify(events.map((e) => e.event))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const checkpointXml = (name: string): string => `<domaincheckpoint><name>${name}</name><disks><disk name='vda' checkpoint='bitmap'/></disks></domaincheckpoint>`;

describe('a VM of our own through define, start, checkpoints, backup and removal', () => {
  it('defines the VM on a new qcow2 volume and gets the DEFINED event', async () => {
    const api = connection.api;
    const pool = await api.storagePoolLookupByName(host.poolName);
    // Bitmaps (checkpoints) need qcow2 v3 (compat 1.1). The disk is blank: the guest idles in the BIOS.
    disk = await api.storageVolCreateXml(
      pool,
      `<volume><name>${vmName}-vda.qcow2</name><capacity unit='MiB'>16</capacity><target><format type='qcow2'/><compat>1.1</compat></target></volume>`,
    );
    domain = await api.domainDefineXml(
      `<domain type='qemu'><name>${vmName}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>` +
        `<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>` +
        `<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk.key}'/>` +
        `<target dev='vda' bus='virtio'/></disk><controller type='usb' model='none'/><memballoon model='none'/></devices></domain>`,
    );
    expect(domain).toMatchObject({ name: vmName, id: -1 });
    expect(await api.domainLookupByUuid(domain.uuid)).toEqual(domain);
    expect((await api.domainGetState(domain)).state).toBe(DomainState.SHUTOFF);
    expect((await waitForEvent(DomainLifecycleEvent.DEFINED)).domain.uuid).toBe(domain.uuid);
  });

  it('starts the VM and gets the STARTED event; starting it again is VIR_ERR_OPERATION_INVALID', async () => {
    const api = connection.api;
    await api.domainCreate(domain);
    domain = await api.domainLookupByUuid(domain.uuid);
    expect(domain.id).toBeGreaterThan(0);
    const info = await api.domainGetInfo(domain);
    expect(info).toMatchObject({ state: DomainState.RUNNING, maxMemKiB: 65_536, vcpus: 1 });
    expect(await waitForEvent(DomainLifecycleEvent.STARTED)).toMatchObject({ domain: { name: vmName, uuid: domain.uuid } });
    const again = await api.domainCreate(domain).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(LibvirtError);
    expect(again).toMatchObject({ code: VirErrorCode.VIR_ERR_OPERATION_INVALID, procedure: 'DOMAIN_CREATE' });
    expect((await api.domainGetBlockInfo(domain, 'vda')).capacity).toBe(16 * 1024 * 1024);
  });

  it('creates a checkpoint, lists and reads it, deletes its metadata and redefines it from the saved XML', async () => {
    const api = connection.api;
    const cp1 = await api.domainCheckpointCreateXml(domain, checkpointXml('rpctest-cp1'));
    expect(cp1).toEqual({ name: 'rpctest-cp1', domain: { name: vmName, uuid: domain.uuid, id: domain.id } });
    expect((await api.domainListAllCheckpoints(domain)).map((c) => c.name)).toEqual(['rpctest-cp1']);
    const saved = await api.domainCheckpointGetXmlDesc(cp1);
    expect(saved).toContain("<disk name='vda' checkpoint='bitmap' bitmap='rpctest-cp1'/>");
    expect(saved).toContain(`<uuid>${domain.uuid}</uuid>`);
    expect(await api.domainCheckpointGetXmlDesc(cp1, CheckpointXmlFlags.NO_DOMAIN)).not.toContain('<domain type=');

    // What happens after a migration: the bitmap is on the disk, the libvirt record is not.
    await api.domainCheckpointDelete(cp1, CheckpointDeleteFlags.METADATA_ONLY);
    expect(await api.domainListAllCheckpoints(domain)).toEqual([]);
    const missing = await api.domainCheckpointLookupByName(domain, 'rpctest-cp1').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: VirErrorCode.VIR_ERR_NO_DOMAIN_CHECKPOINT, codeName: 'VIR_ERR_NO_DOMAIN_CHECKPOINT' });

    const redefined = await api.domainCheckpointCreateXml(domain, saved, CheckpointCreateFlags.REDEFINE);
    expect(redefined.name).toBe('rpctest-cp1');
    expect(await api.domainCheckpointLookupByName(domain, 'rpctest-cp1')).toEqual(redefined);
  });

  it('begins a pull-mode incremental backup with a new checkpoint, reads it back and its job, then aborts it', async () => {
    const api = connection.api;
    const socket = `/var/lib/libvirt/qemu/${vmName}.sock`;
    await api.domainBackupBegin(
      domain,
      `<domainbackup mode='pull'><incremental>rpctest-cp1</incremental><server transport='unix' socket='${socket}'/>` +
        `<disks><disk name='vda' backup='yes' type='file'><scratch file='${host.poolPath}/${vmName}-scratch.qcow2'/></disk></disks></domainbackup>`,
      checkpointXml('rpctest-cp2'),
    );
    const backupXml = await api.domainBackupGetXmlDesc(domain);
    expect(backupXml).toContain('<incremental>rpctest-cp1</incremental>');
    expect(backupXml).toContain(`socket='${socket}'`);
    expect(backupXml).toMatch(/exportname='vda' exportbitmap='backup-vda'/);
    // QEMU serves the export on that socket inside the host; from here it is under the host's lib dir.
    expect(existsSync(join(host.poolDir, '..', 'qemu', `${vmName}.sock`))).toBe(true);

    const job = await api.domainGetJobInfo(domain);
    expect(job.type).toBe(DomainJobType.UNBOUNDED);
    const stats = await api.domainGetJobStats(domain);
    expect(stats.type).toBe(DomainJobType.UNBOUNDED);
    expect(stats.params).toMatchObject({ operation: 9 });
    expect(typeof stats.params.time_elapsed).toBe('number');

    expect((await api.domainListAllCheckpoints(domain)).map((c) => c.name).sort()).toEqual(['rpctest-cp1', 'rpctest-cp2']);

    await api.domainAbortJob(domain);
    expect((await api.domainGetJobInfo(domain)).type).toBe(DomainJobType.NONE);
    const noBackup = await api.domainBackupGetXmlDesc(domain).catch((e: unknown) => e);
    expect(noBackup).toMatchObject({ code: VirErrorCode.VIR_ERR_NO_DOMAIN_BACKUP });
  });

  it('deletes checkpoints, destroys the VM (STOPPED event) and undefines it (UNDEFINED event)', async () => {
    const api = connection.api;
    for (const checkpoint of await api.domainListAllCheckpoints(domain)) {
      if (checkpoint.name === 'rpctest-cp2') await api.domainCheckpointDelete(checkpoint);
    }
    expect((await api.domainListAllCheckpoints(domain)).map((c) => c.name)).toEqual(['rpctest-cp1']);
    await api.domainDestroy(domain);
    await waitForEvent(DomainLifecycleEvent.STOPPED);
    expect((await api.domainGetState(domain)).state).toBe(DomainState.SHUTOFF);
    const refused = await api.domainUndefine(domain).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LibvirtError);
    await api.domainUndefine(domain, DomainUndefineFlags.CHECKPOINTS_METADATA);
    await waitForEvent(DomainLifecycleEvent.UNDEFINED);
    expect(await api.domainLookupByUuid(domain.uuid).catch((e: unknown) => e)).toMatchObject({ code: VirErrorCode.VIR_ERR_NO_DOMAIN });
    await api.storageVolDelete(disk);
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining([DomainLifecycleEvent.DEFINED, DomainLifecycleEvent.STARTED, DomainLifecycleEvent.STOPPED, DomainLifecycleEvent.UNDEFINED]),
    );
  });
});
