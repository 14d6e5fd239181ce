// The NBD client against a real server: qemu-nbd serving qcow2 images made and written with qemu-img / qemu-io,
// including a persistent dirty bitmap (the same `qemu:dirty-bitmap:` context an incremental pull-mode backup
// exposes). What the client reads is compared with `qemu-img convert -O raw` of the same image.

import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { duplexPair, type Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NBD_STATE_DIRTY,
  NBD_STATE_HOLE,
  NBD_STATE_ZERO,
  NbdConnectionError,
  NbdNegotiationError,
  NbdRequestError,
  NbdServerError,
  connectNbd,
  listNbdExports,
  type NbdClient,
  type NbdExtent,
} from '../../../electron/engine/nbd/index.js';
import { makeTempDir } from '../../support/temp.js';
import { alignedUnion, convertToRaw, createQcow2, freePort, qemuIo, run, startQemuNbd, stopAllQemuNbd, type QemuNbd } from './qemu.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** qcow2's default cluster size and a new bitmap's default granularity. */
const GRANULE = 64 * KiB;

const temp = makeTempDir('nbd-it');
const dir = temp.dir;

/** Writes before the bitmap exists (allocated, not dirty), and after (allocated and dirty). [offset, length, qemu-io source]. */
const before: Array<[number, number, string]> = [
  [1 * MiB, 64 * KiB, '-P 0xab'],
  [8 * MiB, 1 * MiB, '-P 0x11'],
];
const after: Array<[number, number, string]> = [
  [3 * MiB, 128 * KiB, `-s ${join(dir, 'random-a.bin')}`],
  [5 * MiB, 4 * KiB, '-P 0xef'],
  [8 * MiB + 512 * KiB, 4 * KiB, '-P 0x22'],
  [15 * MiB + 60 * KiB, 8 * KiB, `-s ${join(dir, 'random-b.bin')}`],
];
const IMAGE_SIZE = 16 * MiB;

let image: string;
let raw: Buffer;
let served: QemuNbd;
let socket: string;

function writes(list: Array<[number, number, string]>): string[] {
  return list.map(([offset, length, source]) => `write ${source} ${offset} ${length}`);
}

function rangesWhere(extents: readonly NbdExtent[], test: (flags: number) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const extent of extents) {
    if (!test(extent.flags)) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === extent.offset) last[1] += extent.length;
    else out.push([extent.offset, extent.offset + extent.length]);
  }
  return out;
}

function expectContiguous(extents: readonly NbdExtent[], start: number, end: number): void {
  expect(extents[0]?.offset).toBe(start);
  let at = start;
  for (const extent of extents) {
    expect(extent.offset).toBe(at);
    expect(extent.length).toBeGreaterThan(0);
    at += extent.length;
  }
  expect(at).toBe(end);
}

async function open(options: Parameters<typeof connectNbd>[1] = {}): Promise<NbdClient> {
  return connectNbd({ kind: 'unix', path: socket }, { exportName: 'vda', ...options });
}

beforeAll(async () => {
  writeFileSync(join(dir, 'random-a.bin'), randomBytes(128 * KiB));
  writeFileSync(join(dir, 'random-b.bin'), randomBytes(8 * KiB));
  image = join(dir, 'disk.qcow2');
  createQcow2(image, IMAGE_SIZE);
  qemuIo(image, writes(before));
  run('qemu-img', ['bitmap', '--add', image, 'bm0']);
  qemuIo(image, writes(after));
  convertToRaw(image, join(dir, 'disk.raw'));
  raw = readFileSync(join(dir, 'disk.raw'));
  socket = join(dir, 'nbd.sock');
  served = await startQemuNbd({ image, socket, bitmaps: ['bm0'], description: 'test disk' });
});

afterAll(async () => {
  await stopAllQemuNbd();
  temp.remove();
});

describe('NBD client against qemu-nbd', () => {
  it('opens the export and reports its size, flags, block sizes and contexts', async () => {
    const client = await open({ metaContexts: ['base:allocation', 'qemu:dirty-bitmap:bm0'] });
    expect(client.export.size).toBe(IMAGE_SIZE);
    expect(client.export.readOnly).toBe(true);
    expect(client.export.description).toBe('test disk');
    expect(client.export.blockSize).toEqual({ minimum: 1, preferred: 4096, maximum: 32 * MiB });
    expect(client.structuredReplies).toBe(true);
    expect([...client.metaContexts].sort()).toEqual(['base:allocation', 'qemu:dirty-bitmap:bm0']);
    expect(client.maxRequestBytes).toBe(32 * MiB);
    await client.close();
    expect(await client.closed).toBeNull();
  });

  it('reports base:allocation data exactly where data was written (whole clusters), holes elsewhere', async () => {
    const client = await open({ metaContexts: ['base:allocation'] });
    const extents = await client.queryExtents('base:allocation', 0, IMAGE_SIZE);
    expectContiguous(extents, 0, IMAGE_SIZE);
    const allocated = rangesWhere(extents, (flags) => (flags & NBD_STATE_HOLE) === 0);
    expect(allocated).toEqual(alignedUnion([...before, ...after], GRANULE));
    // Unallocated clusters read as zeros: HOLE and ZERO.
    for (const extent of extents) if ((extent.flags & NBD_STATE_HOLE) !== 0) expect(extent.flags).toBe(3);
    // A window in the middle: clipped at both ends.
    const window = await client.queryExtents('base:allocation', 1 * MiB + 4 * KiB, 2 * MiB);
    expectContiguous(window, 1 * MiB + 4 * KiB, 3 * MiB + 4 * KiB);
    expect(window[0]).toEqual({ offset: 1 * MiB + 4 * KiB, length: 60 * KiB, flags: 0 });
    await client.close();
  });

  it('reports qemu:dirty-bitmap:bm0 dirty exactly for the ranges written after the bitmap was added', async () => {
    const client = await open({ metaContexts: ['qemu:dirty-bitmap:bm0'] });
    const extents = await client.queryExtents('qemu:dirty-bitmap:bm0', 0, IMAGE_SIZE);
    expectContiguous(extents, 0, IMAGE_SIZE);
    const dirty = rangesWhere(extents, (flags) => (flags & NBD_STATE_DIRTY) !== 0);
    expect(dirty).toEqual(alignedUnion(after, GRANULE));
    expect(dirty).toEqual([
      [3 * MiB, 3 * MiB + 128 * KiB],
      [5 * MiB, 5 * MiB + 64 * KiB],
      [8 * MiB + 512 * KiB, 8 * MiB + 576 * KiB],
      [15 * MiB, 15 * MiB + 128 * KiB],
    ]);
    await client.close();
  });

  it('reads the whole image with 8 requests in flight, byte-identical to qemu-img convert', async () => {
    const client = await open({ maxInFlight: 8, maxRequestBytes: 256 * KiB });
    const data = await client.readRange(0, IMAGE_SIZE);
    expect(data.length).toBe(raw.length);
    expect(data.equals(raw)).toBe(true);
    // In order, chunk by chunk. QEMU sends as holes exactly what base:allocation calls ZERO: unallocated clusters
    // and the unwritten parts of allocated ones.
    let at = 0;
    const holes: NbdExtent[] = [];
    for await (const chunk of client.readChunks(0, IMAGE_SIZE, { chunkSize: 256 * KiB })) {
      expect(chunk.offset).toBe(at);
      expect(chunk.data.equals(raw.subarray(at, at + chunk.data.length))).toBe(true);
      holes.push(...chunk.holes.map((hole) => ({ ...hole, flags: NBD_STATE_ZERO })));
      at += chunk.data.length;
    }
    expect(at).toBe(IMAGE_SIZE);
    await client.close();
    const status = await open({ metaContexts: ['base:allocation'] });
    const zero = rangesWhere(await status.queryExtents('base:allocation', 0, IMAGE_SIZE), (flags) => (flags & NBD_STATE_ZERO) !== 0);
    expect(rangesWhere(holes, () => true)).toEqual(zero);
    await status.close();
  });

  it('returns holes as zeros, sent without data', async () => {
    const client = await open();
    const hole = await client.read(0, 1 * MiB);
    expect(hole.data.equals(Buffer.alloc(1 * MiB))).toBe(true);
    expect(hole.holes).toEqual([{ offset: 0, length: 1 * MiB }]);
    const mixed = await client.read(1 * MiB - 4 * KiB, 72 * KiB);
    expect(mixed.data.equals(raw.subarray(1 * MiB - 4 * KiB, 1 * MiB + 68 * KiB))).toBe(true);
    expect(mixed.holes).toEqual([
      { offset: 1 * MiB - 4 * KiB, length: 4 * KiB },
      { offset: 1 * MiB + 64 * KiB, length: 4 * KiB },
    ]);
    await client.close();
  });

  it('refuses a read past the end on the client side, and qemu-nbd answers EINVAL when it gets one', async () => {
    const client = await open();
    await expect(client.read(IMAGE_SIZE - 4096, 8192)).rejects.toThrow(NbdRequestError);
    await client.close();

    // A proxy that tells the client the export is twice as big makes it send the read; qemu-nbd refuses it with a
    // structured error chunk and the connection carries on.
    const lying = await connectNbd({ kind: 'stream', stream: await sizeLyingStream(socket, IMAGE_SIZE * 2) }, { exportName: 'vda' });
    expect(lying.export.size).toBe(IMAGE_SIZE * 2);
    const error = await lying.read(IMAGE_SIZE - 4096, 8192).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbdServerError);
    expect(error).toMatchObject({ code: 'EINVAL', errno: 22 });
    expect((await lying.read(1 * MiB, 4096)).data.equals(raw.subarray(1 * MiB, 1 * MiB + 4096))).toBe(true);
    await lying.close();
  });

  it('reports read errors of the image (injected EIO) as NbdServerError, or a dropped connection', async () => {
    const config = join(dir, 'blkdebug.conf');
    writeFileSync(config, '[inject-error]\nevent = "read_aio"\nerrno = "5"\n');
    const eioSocket = join(dir, 'eio.sock');
    const eio = await startQemuNbd({ image: `driver=qcow2,file.driver=blkdebug,file.config=${config},file.image.filename=${image}`, format: null, socket: eioSocket });
    // Simple replies: qemu-nbd sends EIO and keeps the connection.
    const simple = await connectNbd({ kind: 'unix', path: eioSocket }, { exportName: 'vda', structuredReplies: false });
    await expect(simple.read(1 * MiB, 4096)).rejects.toMatchObject({ name: 'NbdServerError', code: 'EIO', errno: 5 });
    await expect(simple.read(1 * MiB, 4096)).rejects.toMatchObject({ name: 'NbdServerError', code: 'EIO' });
    expect(simple.isOpen).toBe(true);
    await simple.close();
    // Structured replies: QEMU 7.2 drops the connection when a read fails mid-reply (newer QEMU may send an error
    // chunk); either way the client reports a typed error and does not hang.
    const structured = await connectNbd({ kind: 'unix', path: eioSocket }, { exportName: 'vda' });
    const error = await structured.read(1 * MiB, 4096).catch((e: unknown) => e);
    expect(error instanceof NbdConnectionError || (error instanceof NbdServerError && error.code === 'EIO')).toBe(true);
    structured.destroy();
    await eio.stop();
  });

  it('rejects every pending read promptly with NbdConnectionError when qemu-nbd is killed mid-read', async () => {
    const killSocket = join(dir, 'kill.sock');
    const victim = await startQemuNbd({ image, socket: killSocket });
    const client = await connectNbd({ kind: 'unix', path: killSocket }, { exportName: 'vda', maxInFlight: 8, maxRequestBytes: 64 * KiB });
    // Stop the server so requests stay pending, then kill it.
    victim.signal('SIGSTOP');
    const reads = Array.from({ length: 32 }, (_, i) => client.read(i * 64 * KiB, 64 * KiB).catch((e: unknown) => e));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.requestsInFlight).toBe(8);
    expect(client.requestsQueued).toBe(24);
    const killed = Date.now();
    victim.signal('SIGKILL');
    const errors = await Promise.all(reads);
    expect(Date.now() - killed).toBeLessThan(2000);
    for (const error of errors) expect(error).toMatchObject({ name: 'NbdConnectionError', kind: 'closed' });
    expect(await client.closed).toBeInstanceOf(NbdConnectionError);
    await victim.stop();
  });

  it('fails clearly when nobody listens', async () => {
    const missing = await connectNbd({ kind: 'unix', path: join(dir, 'nobody.sock') }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'NbdConnectionError', kind: 'connect-failed' });
    expect((missing as Error).message).toMatch(/nobody\.sock: ENOENT \(no such socket/);
    const port = await freePort();
    const refused = await connectNbd({ kind: 'tcp', host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'NbdConnectionError', kind: 'connect-failed' });
    expect((refused as Error).message).toMatch(/127\.0\.0\.1:\d+: ECONNREFUSED \(nobody is listening/);
  });

  it('reports an unknown export and a context the export does not have', async () => {
    await expect(connectNbd({ kind: 'unix', path: socket }, { exportName: 'vdz' })).rejects.toMatchObject({ name: 'NbdNegotiationError', code: 'export-unknown', reply: 'NBD_REP_ERR_UNKNOWN' });
    const error = await open({ metaContexts: ['base:allocation', 'qemu:dirty-bitmap:backup-vda'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbdNegotiationError);
    expect((error as Error).message).toMatch(/does not offer metadata context qemu:dirty-bitmap:backup-vda/);
    // qemu-nbd still serves after those soft disconnects.
    const client = await open();
    expect((await client.read(0, 512)).data.equals(Buffer.alloc(512))).toBe(true);
    await client.close();
  });

  it('lists the exports', async () => {
    expect(await listNbdExports({ kind: 'unix', path: socket })).toEqual([{ name: 'vda', description: 'test disk' }]);
  });

  it('works over TCP and over any Duplex stream', async () => {
    const port = await freePort();
    const tcp = await startQemuNbd({ image, tcpPort: port, bitmaps: ['bm0'] });
    const viaTcp = await connectNbd({ kind: 'tcp', host: '127.0.0.1', port }, { exportName: 'vda', metaContexts: ['qemu:dirty-bitmap:bm0'] });
    expect((await viaTcp.readRange(0, IMAGE_SIZE)).equals(raw)).toBe(true);
    expect(rangesWhere(await viaTcp.queryExtents('qemu:dirty-bitmap:bm0', 0, IMAGE_SIZE), (f) => f === 1)).toEqual(alignedUnion(after, GRANULE));
    await viaTcp.close();
    await tcp.stop();

    // As the backup engine does with an SSH channel: the caller opens the stream, the client speaks NBD over it.
    const [near, far] = duplexPair();
    const unixSocket = createConnection({ path: socket });
    far.pipe(unixSocket).pipe(far);
    const viaStream = await connectNbd({ kind: 'stream', stream: near, description: 'a forwarded stream' }, { exportName: 'vda' });
    expect((await viaStream.read(3 * MiB, 128 * KiB)).data.equals(raw.subarray(3 * MiB, 3 * MiB + 128 * KiB))).toBe(true);
    await viaStream.close();
    unixSocket.destroy();
  });

  it('is still the same qemu-nbd serving at the end', () => {
    expect(served.process.exitCode).toBeNull();
  });
});

/**
 * A stream to qemu-nbd that rewrites the export size in NBD_INFO_EXPORT (an NBD_REP_INFO reply to NBD_OPT_GO), so
 * the client believes the export is `fakeSize` bytes. It parses the server's handshake: the 18-byte greeting, then
 * option replies (20-byte header + data) until the NBD_REP_ACK to NBD_OPT_GO; after that it only passes bytes on.
 */
async function sizeLyingStream(path: string, fakeSize: number): Promise<Duplex> {
  const upstream = createConnection({ path });
  await new Promise<void>((resolve, reject) => {
    upstream.once('connect', resolve);
    upstream.once('error', reject);
  });
  const [near, far] = duplexPair();
  far.pipe(upstream);
  let buffered = Buffer.alloc(0);
  let greeted = false;
  let handshaking = true;
  upstream.on('data', (chunk: Buffer) => {
    if (!handshaking) {
      far.write(chunk);
      return;
    }
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (!greeted) {
        if (buffered.length < 18) return;
        far.write(buffered.subarray(0, 18));
        buffered = buffered.subarray(18);
        greeted = true;
        continue;
      }
      if (buffered.length < 20) return;
      const length = buffered.readUInt32BE(16);
      if (buffered.length < 20 + length) return;
      const reply = Buffer.from(buffered.subarray(0, 20 + length));
      buffered = buffered.subarray(20 + length);
      const option = reply.readUInt32BE(8);
      const type = reply.readUInt32BE(12);
      if (option === 7 && type === 3 && length === 12 && reply.readUInt16BE(20) === 0) reply.writeBigUInt64BE(BigInt(fakeSize), 22);
      far.write(reply);
      if (option === 7 && type === 1) {
        handshaking = false;
        if (buffered.length > 0) far.write(buffered);
        return;
      }
    }
  });
  upstream.on('end', () => far.end());
  near.on('close', () => upstream.destroy());
  return near;
}
