// Volume upload and download through libvirt streams against a real daemon, sparse and dense, over the unix
// socket and over SSH: what a restore (upload) needs, checked byte for byte and hole for hole on the host's disk.

import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type LibvirtApi } from '../../../electron/engine/hypervisors/libvirt/rpc/api.js';
import { type LibvirtConnection, openLibvirtConnection } from '../../../electron/engine/hypervisors/libvirt/rpc/connection.js';
import { VirErrorCode } from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import { type StoragePoolRef, type StorageVolRef } from '../../../electron/engine/hypervisors/libvirt/rpc/procedures.js';
import { type DownloadChunk, type LibvirtUploadStream, streamHole } from '../../../electron/engine/hypervisors/libvirt/rpc/streams.js';
import { seededRandom } from '../../support/random.js';
import { type Lab, type LabHost, openUnix, removeTestObjects, testHost, uniqueName, withLab } from './lab.js';

const MiB = 1024 * 1024;
const CAPACITY = 64 * MiB;
/** Data extents [offset, length]; everything else is a hole. Ends unaligned, one touches the end of the volume. */
const EXTENTS: readonly [number, number][] = [
  [0, MiB + 37],
  [5 * MiB + 4096, 300_000],
  [40 * MiB, 2 * MiB],
  [CAPACITY - 1000, 1000],
];

let lab: Lab;
let host: LabHost;
const connections: Record<'unix' | 'ssh', LibvirtConnection | null> = { unix: null, ssh: null };
let expected: Buffer;

withLab(async (ready) => {
  lab = ready;
  host = testHost(lab);
  connections.unix = await openUnix(host);
  connections.ssh = await openLibvirtConnection({
    transport: {
      kind: 'ssh',
      host: '127.0.0.1',
      port: host.sshPort,
      username: lab.sshKey.user,
      privateKeyPath: lab.sshKey.privateKeyPath,
      hostKey: { pinnedFingerprint: host.sshHostKeyFingerprint },
    },
  });
  await removeTestObjects(connections.unix.api);
  expected = Buffer.alloc(CAPACITY);
  const random = seededRandom(20_261_125);
  for (const [offset, length] of EXTENTS) random.bytes(length).copy(expected, offset);
});

afterAll(async () => {
  if (connections.unix) await removeTestObjects(connections.unix.api);
  for (const connection of Object.values(connections)) await connection?.close();
});

function apiOf(transport: 'unix' | 'ssh'): LibvirtApi {
  const connection = connections[transport];
  if (!connection) throw new Error(`no ${transport} connection`);
  return connection.api;
}

async function createRawVolume(api: LibvirtApi, name: string, capacity = CAPACITY): Promise<{ pool: StoragePoolRef; volume: StorageVolRef }> {
  const pool = await api.storagePoolLookupByName(host.poolName);
  const volume = await api.storageVolCreateXml(
    pool,
    `<volume><name>${name}</name><capacity unit='bytes'>${capacity}</capacity><allocation>0</allocation><target><format type='raw'/></target></volume>`,
  );
  return { pool, volume };
}

/** Writes the expected image as data pieces of at most 1 MiB and holes between the extents. */
async function uploadImage(upload: LibvirtUploadStream): Promise<void> {
  let position = 0;
  const write = (chunk: Parameters<LibvirtUploadStream['write']>[0]): Promise<void> =>
    new Promise((resolve, reject) => {
      upload.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
  for (const [offset, length] of EXTENTS) {
    if (offset > position) await write(streamHole(offset - position));
    for (let at = offset; at < offset + length; at += MiB) await write(expected.subarray(at, Math.min(offset + length, at + MiB)));
    position = offset + length;
  }
  if (position < CAPACITY) await write(streamHole(CAPACITY - position));
  upload.end();
  await finished(upload);
}

async function downloadImage(api: LibvirtApi, volume: StorageVolRef, transfer: Parameters<LibvirtApi['storageVolDownload']>[1], size: number): Promise<{ image: Buffer; holeBytes: number; dataBytes: number }> {
  const download = await api.storageVolDownload(volume, transfer);
  const image = Buffer.alloc(size);
  let position = 0;
  let holeBytes = 0;
  let dataBytes = 0;
  for await (const chunk of download as AsyncIterable<DownloadChunk>) {
    if (chunk.kind === 'data') {
      chunk.data.copy(image, position);
      position += chunk.data.length;
      dataBytes += chunk.data.length;
    } else {
      position += chunk.length;
      holeBytes += chunk.length;
    }
  }
  expect(position).toBe(size);
  return { image, holeBytes, dataBytes };
}

describe.each(['unix', 'ssh'] as const)('volume streams over %s', (transport) => {
  it('uploads a sparse image and downloads it back byte-identical, keeping the holes', async () => {
    const api = apiOf(transport);
    const name = uniqueName(`sparse-${transport}`);
    const { volume } = await createRawVolume(api, name);
    await uploadImage(await api.storageVolUpload(volume, { sparse: true }));

    // On the host's disk: the exact bytes, with only the data extents allocated.
    const file = join(host.poolDir, name);
    const stat = statSync(file);
    expect(stat.size).toBe(CAPACITY);
    expect(stat.blocks * 512).toBeLessThan(8 * MiB);
    expect(readFileSync(file).equals(expected)).toBe(true);
    const info = await api.storageVolGetInfo(volume);
    expect(info.capacity).toBe(CAPACITY);
    expect(info.allocation).toBeLessThan(8 * MiB);

    const sparse = await downloadImage(api, volume, { sparse: true }, CAPACITY);
    expect(sparse.image.equals(expected)).toBe(true);
    expect(sparse.holeBytes).toBeGreaterThan(CAPACITY - 8 * MiB);

    const dense = await downloadImage(api, volume, { sparse: false }, CAPACITY);
    expect(dense.image.equals(expected)).toBe(true);
    expect(dense.holeBytes).toBe(0);

    const window = await downloadImage(api, volume, { offset: 5 * MiB, length: MiB }, MiB);
    expect(window.image.equals(expected.subarray(5 * MiB, 6 * MiB))).toBe(true);

    await api.storageVolDelete(volume);
    const gone = await api.storageVolLookupByPath(volume.key).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: VirErrorCode.VIR_ERR_NO_STORAGE_VOL });
  });
});

describe('volume stream edge cases', () => {
  it('uploads at an offset without touching the rest of the volume', async () => {
    const api = apiOf('unix');
    const name = uniqueName('offset');
    const { volume } = await createRawVolume(api, name, 4 * MiB);
    const upload = await api.storageVolUpload(volume, { offset: 3 * MiB, length: 4096 });
    upload.end(Buffer.alloc(4096, 0x5a));
    await finished(upload);
    const file = readFileSync(join(host.poolDir, name));
    expect(file.length).toBe(4 * MiB);
    expect(file.subarray(3 * MiB, 3 * MiB + 4096).equals(Buffer.alloc(4096, 0x5a))).toBe(true);
    expect(file.subarray(0, 3 * MiB).equals(Buffer.alloc(3 * MiB))).toBe(true);
    await api.storageVolDelete(volume);
  });

  it('aborts an upload midway and keeps the connection usable', async () => {
    const api = apiOf('unix');
    const { volume } = await createRawVolume(api, uniqueName('abort'), 4 * MiB);
    const upload = await api.storageVolUpload(volume);
    await new Promise<void>((resolve, reject) => upload.write(Buffer.alloc(MiB, 1), (error) => (error ? reject(error) : resolve())));
    upload.destroy();
    expect(await api.getHostname()).toBe(host.name);
    await api.storageVolDelete(volume);
  });

  it('reports more data than the volume holds as a libvirt error on the stream', async () => {
    const api = apiOf('unix');
    const { volume } = await createRawVolume(api, uniqueName('overflow'), MiB);
    const upload = await api.storageVolUpload(volume, { length: 4096 });
    const failure = finished(upload).then(
      () => null,
      (error: unknown) => error,
    );
    upload.end(Buffer.alloc(MiB, 2));
    const error = await failure;
    expect(error).toMatchObject({ name: 'LibvirtError', procedure: 'STORAGE_VOL_UPLOAD' });
    expect(await api.getHostname()).toBe(host.name);
    await api.storageVolDelete(volume);
  });
});
