import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtApi } from '../../../electron/engine/hypervisors/libvirt/rpc/api.js';
import { type LibvirtRpcClient } from '../../../electron/engine/hypervisors/libvirt/rpc/client.js';
import {
  LibvirtConnectionError,
  LibvirtError,
  LibvirtProtocolError,
  LibvirtTimeoutError,
  VirErrorCode,
} from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import { type Frame, MessageStatus, MessageType } from '../../../electron/engine/hypervisors/libvirt/rpc/framing.js';
import {
  type DomainRef,
  DomainLifecycleEvent,
  KEEPALIVE_PROGRAM,
  KeepaliveProcedure,
  REMOTE_PROGRAM,
  RemoteProcedure,
  type StoragePoolRef,
  type StorageVolRef,
  writeDomain,
} from '../../../electron/engine/hypervisors/libvirt/rpc/procedures.js';
import { type DownloadChunk, streamHole } from '../../../electron/engine/hypervisors/libvirt/rpc/streams.js';
import { XdrReader, XdrWriter } from '../../../electron/engine/hypervisors/libvirt/rpc/xdr.js';
import { createMemoryLogger } from '../../support/logger.js';
import { type FakeLibvirtd, type FakePeer, encodeVirError, startFakeLibvirtd } from './fake-libvirtd.js';
import { seededRandom } from '../../support/random.js';

const DOMAIN: DomainRef = { name: 'vm1', uuid: '6b13a443-7916-5aab-ba29-9e13f9f4356f', id: 3 };
const POOL: StoragePoolRef = { name: 'default', uuid: 'e2440ff6-abf6-5492-9e6d-447bf464ab23' };
const VOL: StorageVolRef = { pool: 'default', name: 'disk.raw', key: '/var/lib/libvirt/images/disk.raw' };

let fake: FakeLibvirtd;
const clients: LibvirtRpcClient[] = [];

beforeAll(async () => {
  fake = await startFakeLibvirtd();
});
afterAll(() => fake.close());
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

async function connect(options: Parameters<FakeLibvirtd['connect']>[0] = {}): Promise<Awaited<ReturnType<FakeLibvirtd['connect']>> & { api: LibvirtApi }> {
  const connection = await fake.connect(options);
  clients.push(connection.client);
  return { ...connection, api: new LibvirtApi(connection.client) };
}

const xdrString = (value: string): Buffer => new XdrWriter().writeString(value, 4096).toBuffer();
const isPing = (frame: Frame): boolean => frame.header.program === KEEPALIVE_PROGRAM && frame.header.procedure === KeepaliveProcedure.PING;
const isPong = (frame: Frame): boolean => frame.header.program === KEEPALIVE_PROGRAM && frame.header.procedure === KeepaliveProcedure.PONG;

function sendPing(peer: FakePeer, procedure: number = KeepaliveProcedure.PING): void {
  peer.send({ program: KEEPALIVE_PROGRAM, version: 1, procedure, type: MessageType.MESSAGE });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('LibvirtRpcClient calls', () => {
  it('sends CALLs with increasing serials and matches replies answered out of order', async () => {
    const { peer, api } = await connect();
    const results = Promise.all([api.getHostname(), api.getType(), api.getCapabilities()]);
    const calls = [await peer.nextCall(), await peer.nextCall(), await peer.nextCall()];
    expect(calls.map((c) => c.header.procedure)).toEqual([RemoteProcedure.CONNECT_GET_HOSTNAME, RemoteProcedure.CONNECT_GET_TYPE, RemoteProcedure.CONNECT_GET_CAPABILITIES]);
    const [first, second, third] = calls.map((c) => c.header.serial);
    expect([second, third]).toEqual([(first ?? 0) + 1, (first ?? 0) + 2]);
    for (const call of calls) expect(call.header).toMatchObject({ program: REMOTE_PROGRAM, version: 1, type: MessageType.CALL, status: MessageStatus.OK });
    for (const call of [...calls].reverse()) peer.reply(call, xdrString(`answer-${call.header.procedure}`));
    expect(await results).toEqual(['answer-59', 'answer-3', 'answer-7']);
  });

  it('encodes arguments as libvirt declares them', async () => {
    const { peer, api } = await connect();
    const pending = api.domainBackupBegin(DOMAIN, '<domainbackup/>', null, 0);
    const call = await peer.nextCall();
    const reader = new XdrReader(call.payload);
    expect(reader.readString(100)).toBe('vm1');
    expect(Buffer.from(reader.readFixedOpaque(16)).toString('hex')).toBe('6b13a44379165aabba299e13f9f4356f');
    expect(reader.readInt()).toBe(3);
    expect(reader.readString(100)).toBe('<domainbackup/>');
    expect(reader.readBool()).toBe(false);
    expect(reader.readUint()).toBe(0);
    reader.assertEnd();
    peer.reply(call);
    await pending;
  });

  it('rejects with a LibvirtError carrying the daemon error, and stays usable', async () => {
    const { peer, api } = await connect();
    const lookup = api.domainLookupByUuid('00000000-0000-0000-0000-000000000001');
    peer.replyError(await peer.nextCall(), {
      code: VirErrorCode.VIR_ERR_NO_DOMAIN,
      domain: 10,
      message: "Domain not found: no domain with matching uuid '00000000-0000-0000-0000-000000000001'",
      str1: 'Domain not found: %s',
    });
    const error = await rejectionOf(lookup);
    expect(error).toBeInstanceOf(LibvirtError);
    expect(error).toMatchObject({ code: 42, codeName: 'VIR_ERR_NO_DOMAIN', domainName: 'VIR_FROM_QEMU', procedure: 'DOMAIN_LOOKUP_BY_UUID', str1: 'Domain not found: %s' });
    const hostname = api.getHostname();
    peer.reply(await peer.nextCall(), xdrString('lab1'));
    expect(await hostname).toBe('lab1');
  });

  it('times a call out, drops its late reply, and keeps the connection', async () => {
    const { peer, api, client } = await connect();
    const slow = api.getHostname({ timeoutMs: 50 });
    const call = await peer.nextCall();
    const error = await rejectionOf(slow);
    expect(error).toBeInstanceOf(LibvirtTimeoutError);
    expect(error).toMatchObject({ procedure: 'CONNECT_GET_HOSTNAME', timeoutMs: 50 });
    expect(client.pendingCalls).toBe(0);
    peer.reply(call, xdrString('too late'));
    const next = api.getHostname();
    peer.reply(await peer.nextCall(), xdrString('on time'));
    expect(await next).toBe('on time');
    expect(client.closed).toBe(false);
  });

  it('honours an AbortSignal: before sending nothing goes out; while waiting the call rejects', async () => {
    const { peer, api } = await connect();
    const aborted = new AbortController();
    aborted.abort(new Error('cancelled by the user'));
    const early = await rejectionOf(api.getHostname({ signal: aborted.signal }));
    expect(early).toMatchObject({ name: 'AbortError' });

    const controller = new AbortController();
    const waiting = api.getLibVersion({ signal: controller.signal });
    const call = await peer.nextCall();
    expect(call.header.procedure).toBe(RemoteProcedure.CONNECT_GET_LIB_VERSION);
    expect(peer.received.filter((f) => f.header.type === MessageType.CALL)).toHaveLength(1);
    controller.abort(new Error('stop'));
    const late = await rejectionOf(waiting);
    expect(late).toMatchObject({ name: 'AbortError', message: 'CONNECT_GET_LIB_VERSION was aborted' });
    expect((late as Error).cause).toEqual(new Error('stop'));
  });

  it('rejects a reply that answers another procedure with LibvirtProtocolError', async () => {
    const { peer, api } = await connect();
    const pending = api.getHostname();
    const call = await peer.nextCall();
    peer.send({ ...call.header, procedure: 3, type: MessageType.REPLY }, xdrString('x'));
    expect(await rejectionOf(pending)).toBeInstanceOf(LibvirtProtocolError);
  });

  it('rejects replies whose payload does not match the declared layout, and only with LibvirtProtocolError (400 seeded cases)', async () => {
    const { peer, api, client } = await connect();
    const methods: (() => Promise<unknown>)[] = [
      () => api.getHostname(),
      () => api.getLibVersion(),
      () => api.nodeGetInfo(),
      () => api.authList(),
      () => api.listAllDomains(),
      () => api.domainGetInfo(DOMAIN),
      () => api.domainGetState(DOMAIN),
      () => api.domainGetJobStats(DOMAIN),
      () => api.domainListAllCheckpoints(DOMAIN),
      () => api.storagePoolGetInfo(POOL),
      () => api.storagePoolListAllVolumes(POOL),
      () => api.storageVolGetInfo(VOL),
      () => api.domainCreate(DOMAIN),
    ];
    for (let seed = 1; seed <= 400; seed += 1) {
      const random = seededRandom(seed);
      const pending = random.pick(methods)().then(
        () => null,
        (error: unknown) => error,
      );
      const bytes = random.bytes(random.pick([0, 4, 8, random.int(0, 200)]));
      if (bytes.length >= 4 && random.next() < 0.5) bytes.writeUInt32BE(random.int(0, 8), 0);
      peer.reply(await peer.nextCall(), bytes);
      const outcome = await pending;
      if (outcome !== null) expect(outcome, `seed ${seed}`).toBeInstanceOf(LibvirtProtocolError);
    }
    expect(client.closed).toBe(false);
  });
});

describe('LibvirtRpcClient connection handling', () => {
  it('answers keepalive PINGs with PONGs', async () => {
    const { peer } = await connect();
    sendPing(peer);
    const pong = await peer.next(isPong);
    expect(pong.header).toMatchObject({ program: KEEPALIVE_PROGRAM, version: 1, type: MessageType.MESSAGE, serial: 0, status: MessageStatus.OK });
  });

  it('declares a silent peer dead after the allowed unanswered PINGs, failing pending calls', async () => {
    const { peer, api, client } = await connect();
    const started = Date.now();
    client.startKeepalive({ intervalMs: 100, maxMissed: 2 });
    const error = await rejectionOf(api.getHostname());
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect(error).toMatchObject({ kind: 'keepalive-timeout' });
    expect((error as Error).message).toMatch(/did not answer 2 keepalive pings/);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(peer.received.filter(isPing).length).toBeGreaterThanOrEqual(2);
    expect(client.failure).toBe(error);
  });

  it('stays up while the peer answers PINGs', async () => {
    const { peer, client } = await connect();
    let answering = true;
    void (async () => {
      while (answering) {
        await peer.next(isPing);
        if (answering) sendPing(peer, KeepaliveProcedure.PONG);
      }
    })();
    client.startKeepalive({ intervalMs: 150, maxMissed: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    answering = false;
    expect(client.closed).toBe(false);
    expect(peer.received.filter(isPing).length).toBeGreaterThanOrEqual(3);
  });

  it('fails every pending call promptly when the socket dies mid-call, and later calls at once', async () => {
    const { peer, api, client } = await connect();
    const closes: LibvirtConnectionError[] = [];
    client.onClose((error) => closes.push(error));
    const pending = [api.getHostname(), api.listAllDomains(), api.getCapabilities()].map(rejectionOf);
    await peer.nextCall();
    const cutAt = Date.now();
    peer.socket.destroy();
    const errors = await Promise.all(pending);
    expect(Date.now() - cutAt).toBeLessThan(500);
    for (const error of errors) expect(error).toMatchObject({ name: 'LibvirtConnectionError', kind: 'closed' });
    expect(closes).toHaveLength(1);
    expect(await rejectionOf(api.getHostname())).toBe(client.failure);
  });

  it('close() fails pending calls as closed-by-client and ends the socket', async () => {
    const { peer, api, client } = await connect();
    const pending = rejectionOf(api.getHostname());
    await peer.nextCall();
    const ended = once(peer.socket, 'end');
    await client.close();
    expect(await pending).toMatchObject({ kind: 'closed-by-client' });
    await ended;
    await client.close();
  });

  it('drops the connection on a frame above the size limit', async () => {
    const { peer, api } = await connect({ maxMessageBytes: 1024 });
    const pending = rejectionOf(api.getHostname());
    peer.reply(await peer.nextCall(), xdrString('x'.repeat(2000)));
    const error = await pending;
    expect(error).toMatchObject({ kind: 'protocol' });
    expect((error as Error).message).toMatch(/exceeds the limit of 1024/);
  });

  it('says so when the peer is not libvirtd at all', async () => {
    const { peer, api } = await connect();
    const pending = rejectionOf(api.getHostname());
    await peer.nextCall();
    peer.socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
    expect((await pending) as Error).toMatchObject({ kind: 'protocol' });
    expect(((await pending) as Error).message).toMatch(/does not seem to be libvirtd \(it began with "SSH-2.0-OpenSSH_"\)/);
  });
});

describe('events', () => {
  it('registers lifecycle callbacks and delivers only matching events', async () => {
    const { logger, records } = createMemoryLogger();
    const { peer, api, client } = await connect({ logger });
    const events: unknown[] = [];
    const subscribing = api.subscribeDomainLifecycle((event) => events.push(event));
    const register = await peer.nextCall();
    expect(register.header.procedure).toBe(RemoteProcedure.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY);
    expect(register.payload).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]));
    peer.reply(register, new XdrWriter().writeInt(5).toBuffer());
    const subscription = await subscribing;
    expect(subscription.callbackId).toBe(5);

    const lifecycle = (callbackId: number, event: number): Buffer => {
      const w = new XdrWriter().writeInt(callbackId);
      writeDomain(w, DOMAIN);
      return w.writeInt(event).writeInt(1).toBuffer();
    };
    peer.send({ procedure: RemoteProcedure.DOMAIN_EVENT_CALLBACK_LIFECYCLE, type: MessageType.MESSAGE }, lifecycle(6, DomainLifecycleEvent.DEFINED));
    peer.send({ procedure: RemoteProcedure.DOMAIN_EVENT_CALLBACK_LIFECYCLE, type: MessageType.MESSAGE }, Buffer.from([1, 2, 3]));
    peer.send({ procedure: RemoteProcedure.DOMAIN_EVENT_CALLBACK_LIFECYCLE, type: MessageType.MESSAGE }, lifecycle(5, DomainLifecycleEvent.STARTED));
    const hostname = api.getHostname();
    peer.reply(await peer.nextCall(), xdrString('h'));
    await hostname;
    expect(events).toEqual([{ domain: DOMAIN, event: DomainLifecycleEvent.STARTED, detail: 1 }]);
    expect(records.some((r) => r.message === 'libvirt event listener failed')).toBe(true);
    expect(client.closed).toBe(false);

    const unsubscribing = subscription.unsubscribe();
    const deregister = await peer.nextCall();
    expect(deregister.header.procedure).toBe(RemoteProcedure.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY);
    expect(new XdrReader(deregister.payload).readInt()).toBe(5);
    peer.reply(deregister);
    await unsubscribing;
  });
});

describe('streams', () => {
  async function collectStream(peer: FakePeer, serial: number): Promise<Frame[]> {
    const frames: Frame[] = [];
    for (;;) {
      const frame = await peer.next((f) => f.header.serial === serial && (f.header.type === MessageType.STREAM || f.header.type === MessageType.STREAM_HOLE));
      frames.push(frame);
      if (frame.header.status !== MessageStatus.CONTINUE) return frames;
    }
  }

  it('uploads data in packets of at most 262120 bytes, holes as virNetStreamHole, then finishes', async () => {
    const { peer, api } = await connect();
    const opening = api.storageVolUpload(VOL, { sparse: true, offset: 4096, length: 0 });
    const call = await peer.nextCall();
    const args = new XdrReader(call.payload);
    expect([args.readString(99), args.readString(99), args.readString(99)]).toEqual(['default', 'disk.raw', VOL.key]);
    expect([args.readUhyperNumber(), args.readUhyperNumber(), args.readUint()]).toEqual([4096, 0, 1]);
    peer.reply(call);
    const upload = await opening;
    const data = Buffer.alloc(600_000, 0xab);
    upload.write(data);
    upload.write(streamHole(1 << 20));
    upload.write(Buffer.alloc(0));
    upload.end(Buffer.from('tail'));
    const frames = await collectStream(peer, call.header.serial);
    expect(frames.map((f) => [f.header.type, f.header.status, f.payload.length])).toEqual([
      [MessageType.STREAM, MessageStatus.CONTINUE, 262_120],
      [MessageType.STREAM, MessageStatus.CONTINUE, 262_120],
      [MessageType.STREAM, MessageStatus.CONTINUE, 75_760],
      [MessageType.STREAM_HOLE, MessageStatus.CONTINUE, 12],
      [MessageType.STREAM, MessageStatus.CONTINUE, 4],
      [MessageType.STREAM, MessageStatus.OK, 0],
    ]);
    const hole = new XdrReader(frames[3]?.payload ?? Buffer.alloc(0));
    expect([hole.readHyperNumber(), hole.readUint()]).toEqual([1 << 20, 0]);
    for (const frame of frames) expect(frame.header.procedure).toBe(RemoteProcedure.STORAGE_VOL_UPLOAD);
    const finished = once(upload, 'finish');
    peer.stream(call, MessageType.STREAM, MessageStatus.OK);
    await finished;
  });

  it('refuses a hole on an upload that was not opened sparse', async () => {
    const { peer, api } = await connect();
    const opening = api.storageVolUpload(VOL);
    peer.reply(await peer.nextCall());
    const upload = await opening;
    const failed = once(upload, 'error');
    upload.write(streamHole(4096));
    const [error] = await failed;
    expect((error as Error).message).toMatch(/not opened as sparse/);
  });

  it('fails an upload with the daemon error sent mid-stream', async () => {
    const { peer, api } = await connect();
    const opening = api.storageVolUpload(VOL);
    const call = await peer.nextCall();
    peer.reply(call);
    const upload = await opening;
    const failed = once(upload, 'error');
    upload.write(Buffer.alloc(10, 1));
    await peer.next((f) => f.header.type === MessageType.STREAM);
    peer.stream(call, MessageType.STREAM, MessageStatus.ERROR, encodeVirError({ code: VirErrorCode.VIR_ERR_SYSTEM_ERROR, message: 'cannot write: No space left on device' }));
    const [error] = await failed;
    expect(error).toBeInstanceOf(LibvirtError);
    expect((error as LibvirtError).procedure).toBe('STORAGE_VOL_UPLOAD');
  });

  it('rejects the opening call with the daemon error', async () => {
    const { peer, api } = await connect();
    const opening = rejectionOf(api.storageVolDownload(VOL));
    peer.replyError(await peer.nextCall(), { code: VirErrorCode.VIR_ERR_NO_STORAGE_VOL, message: 'Storage volume not found' });
    expect(await opening).toMatchObject({ code: 50 });
  });

  it('downloads data and holes, answers the end of data, and ends after the confirmation', async () => {
    const { peer, api } = await connect();
    const opening = api.storageVolDownload(VOL, { sparse: true });
    const call = await peer.nextCall();
    peer.reply(call);
    peer.stream(call, MessageType.STREAM, MessageStatus.CONTINUE, Buffer.from('abc'));
    peer.stream(call, MessageType.STREAM_HOLE, MessageStatus.CONTINUE, new XdrWriter().writeHyper(4096).writeUint(0).toBuffer());
    peer.stream(call, MessageType.STREAM, MessageStatus.CONTINUE, Buffer.from('def'));
    peer.stream(call, MessageType.STREAM, MessageStatus.CONTINUE);
    const download = await opening;
    const chunks: DownloadChunk[] = [];
    download.on('data', (chunk: DownloadChunk) => chunks.push(chunk));
    const finish = await peer.next((f) => f.header.type === MessageType.STREAM && f.header.serial === call.header.serial);
    expect(finish.header.status).toBe(MessageStatus.OK);
    expect(download.readableEnded).toBe(false);
    peer.stream(call, MessageType.STREAM, MessageStatus.OK);
    await once(download, 'end');
    expect(chunks).toEqual([
      { kind: 'data', data: Buffer.from('abc') },
      { kind: 'hole', length: 4096 },
      { kind: 'data', data: Buffer.from('def') },
    ]);
  });

  it('pauses reading the connection while the consumer is behind, and delivers everything after', async () => {
    const { peer, api, socket } = await connect();
    const opening = api.storageVolDownload(VOL);
    const call = await peer.nextCall();
    peer.reply(call);
    const download = await opening;
    const packet = Buffer.alloc(65_536, 7);
    for (let i = 0; i < 200; i += 1) peer.stream(call, MessageType.STREAM, MessageStatus.CONTINUE, packet);
    peer.stream(call, MessageType.STREAM, MessageStatus.CONTINUE);
    for (let waited = 0; !socket.isPaused() && waited < 3_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(socket.isPaused()).toBe(true);
    expect(download.readableLength).toBeLessThan(200);
    let total = 0;
    const confirming = peer.next((f) => f.header.type === MessageType.STREAM && f.header.status === MessageStatus.OK).then(() => peer.stream(call, MessageType.STREAM, MessageStatus.OK));
    for await (const chunk of download as AsyncIterable<DownloadChunk>) if (chunk.kind === 'data') total += chunk.data.length;
    await confirming;
    expect(total).toBe(200 * 65_536);
    expect(socket.isPaused()).toBe(false);
  });

  it('aborts a download the consumer destroys', async () => {
    const { peer, api } = await connect();
    const opening = api.storageVolDownload(VOL);
    const call = await peer.nextCall();
    peer.reply(call);
    const download = await opening;
    download.destroy();
    const abort = await peer.next((f) => f.header.type === MessageType.STREAM && f.header.serial === call.header.serial);
    expect(abort.header.status).toBe(MessageStatus.ERROR);
    expect(abort.payload.length).toBe(0);
  });

  it('aborts a stream whose opening reply comes after the caller gave up', async () => {
    const { peer, api } = await connect();
    const opening = rejectionOf(api.storageVolDownload(VOL, {}, { timeoutMs: 50 }));
    const call = await peer.nextCall();
    expect(await opening).toBeInstanceOf(LibvirtTimeoutError);
    peer.reply(call);
    const abort = await peer.next((f) => f.header.type === MessageType.STREAM && f.header.serial === call.header.serial);
    expect(abort.header.status).toBe(MessageStatus.ERROR);
  });

  it('fails an open download when the connection drops', async () => {
    const { peer, api } = await connect();
    const opening = api.storageVolDownload(VOL);
    const call = await peer.nextCall();
    peer.reply(call);
    const download = await opening;
    const failed = once(download, 'error');
    peer.socket.destroy();
    const [error] = await failed;
    expect(error).toBeInstanceOf(LibvirtConnectionError);
  });
});
