// An in-process peer that speaks libvirt's framing over a real unix socket, for unit tests of the client's
// logic (serials, timeouts, keepalive, streams, connection loss). It answers only what each test tells it to.

import net from 'node:net';
import { join } from 'node:path';
import { LibvirtRpcClient, type LibvirtRpcClientOptions } from '../../../electron/engine/hypervisors/libvirt/rpc/client.js';
import { type VirNetMessageError } from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import {
  type Frame,
  FrameReader,
  type MessageHeader,
  MessageStatus,
  MessageType,
  encodeFrame,
} from '../../../electron/engine/hypervisors/libvirt/rpc/framing.js';
import { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION } from '../../../electron/engine/hypervisors/libvirt/rpc/procedures.js';
import { XdrWriter } from '../../../electron/engine/hypervisors/libvirt/rpc/xdr.js';
import { makeTempDir } from '../../support/temp.js';

const STRING_MAX = 4_194_304;

/** virNetMessageError as libvirtd encodes it. */
export function encodeVirError(error: Partial<VirNetMessageError> & { code: number }): Buffer {
  const w = new XdrWriter();
  const writeString = (writer: XdrWriter, value: string): void => {
    writer.writeString(value, STRING_MAX);
  };
  w.writeInt(error.code);
  w.writeInt(error.domain ?? 10);
  w.writeOptional(error.message ?? null, writeString);
  w.writeInt(error.level ?? 2);
  w.writeBool(false);
  w.writeOptional(error.str1 ?? null, writeString);
  w.writeOptional(error.str2 ?? null, writeString);
  w.writeOptional(error.str3 ?? null, writeString);
  w.writeInt(error.int1 ?? -1);
  w.writeInt(error.int2 ?? -1);
  w.writeBool(false);
  return w.toBuffer();
}

export class FakePeer {
  readonly received: Frame[] = [];
  private readonly reader = new FrameReader();
  private readonly waiters: { predicate: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
  private consumed = 0;
  readonly socket: net.Socket;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) =>
      this.reader.push(chunk, (frame) => {
        this.received.push(frame);
        this.wake();
      }),
    );
    socket.on('error', () => undefined);
  }

  /** The next frame from the client (in arrival order) that matches; frames skipped over stay in `received`. */
  next(predicate: (frame: Frame) => boolean = () => true): Promise<Frame> {
    return new Promise((resolve) => {
      this.waiters.push({ predicate, resolve });
      this.wake();
    });
  }

  /** The next CALL. */
  nextCall(): Promise<Frame> {
    return this.next((frame) => frame.header.type === MessageType.CALL);
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.consumed < this.received.length) {
      const frame = this.received[this.consumed];
      this.consumed += 1;
      if (!frame) continue;
      const index = this.waiters.findIndex((waiter) => waiter.predicate(frame));
      if (index === -1) continue;
      const [waiter] = this.waiters.splice(index, 1);
      waiter?.resolve(frame);
    }
  }

  send(header: Partial<MessageHeader> & Pick<MessageHeader, 'procedure' | 'type'>, payload?: Uint8Array): void {
    this.socket.write(
      encodeFrame(
        { program: REMOTE_PROGRAM, version: REMOTE_PROTOCOL_VERSION, serial: 0, status: MessageStatus.OK, ...header },
        payload,
      ),
    );
  }

  reply(call: Frame, payload?: Uint8Array): void {
    this.send({ ...call.header, type: MessageType.REPLY, status: MessageStatus.OK }, payload);
  }

  replyError(call: Frame, error: Partial<VirNetMessageError> & { code: number }): void {
    this.send({ ...call.header, type: MessageType.REPLY, status: MessageStatus.ERROR }, encodeVirError(error));
  }

  stream(call: Frame, type: MessageType, status: MessageStatus, payload?: Uint8Array): void {
    this.send({ ...call.header, type, status }, payload);
  }
}

export interface FakeLibvirtd {
  readonly path: string;
  /** Connects a client; resolves with it and the peer end of its socket. */
  connect(options?: LibvirtRpcClientOptions): Promise<{ client: LibvirtRpcClient; peer: FakePeer; socket: net.Socket }>;
  close(): Promise<void>;
}

export async function startFakeLibvirtd(): Promise<FakeLibvirtd> {
  const temp = makeTempDir('fake-libvirtd');
  const path = join(temp.dir, 'libvirt-sock');
  const peers: FakePeer[] = [];
  const waiting: ((peer: FakePeer) => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const peer = new FakePeer(socket);
    const waiter = waiting.shift();
    if (waiter) waiter(peer);
    else peers.push(peer);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    connect: async (options = {}) => {
      const peerReady = new Promise<FakePeer>((resolve) => {
        const ready = peers.shift();
        if (ready) resolve(ready);
        else waiting.push(resolve);
      });
      const socket = net.connect({ path });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      const client = new LibvirtRpcClient(socket, { callTimeoutMs: 5_000, ...options });
      return { client, peer: await peerReady, socket };
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      temp.remove();
    },
  };
}
