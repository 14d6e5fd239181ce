// A scriptable NBD server on one end of an in-memory duplex pair, for driving the client through the cases a
// real server rarely produces: refusals, odd block sizes, replies out of order, silence, garbage, hang-ups.
// Message builders are written from the spec (doc/proto.md), independently of the client's own encoders.

import { duplexPair, type Duplex } from 'node:stream';
import { seededRandom } from '../../support/random.js';

export const REP_MAGIC = Buffer.from('0003e889045565a9', 'hex');
export const NBDMAGIC = Buffer.from('NBDMAGIC', 'ascii');
export const IHAVEOPT = Buffer.from('IHAVEOPT', 'ascii');

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}
function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}
function u64(value: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(value));
  return b;
}

export const msg = {
  greeting: (flags = 3): Buffer => Buffer.concat([NBDMAGIC, IHAVEOPT, u16(flags)]),
  oldstyleGreeting: (): Buffer => Buffer.concat([NBDMAGIC, u64(0x00420281861253n), u64(1024), u32(1), Buffer.alloc(124)]),
  optionReply: (option: number, type: number, data: Buffer = Buffer.alloc(0)): Buffer => Buffer.concat([REP_MAGIC, u32(option), u32(type), u32(data.length), data]),
  infoExport: (size: number | bigint, flags: number): Buffer => Buffer.concat([u16(0), u64(size), u16(flags)]),
  infoName: (name: string): Buffer => Buffer.concat([u16(1), Buffer.from(name)]),
  infoDescription: (text: string): Buffer => Buffer.concat([u16(2), Buffer.from(text)]),
  infoBlockSize: (min: number, preferred: number, max: number): Buffer => Buffer.concat([u16(3), u32(min), u32(preferred), u32(max)]),
  metaContext: (id: number, name: string): Buffer => Buffer.concat([u32(id), Buffer.from(name)]),
  server: (name: string, description = ''): Buffer => Buffer.concat([u32(Buffer.byteLength(name)), Buffer.from(name), Buffer.from(description)]),
  simple: (cookie: number | bigint, error: number, data: Buffer = Buffer.alloc(0)): Buffer => Buffer.concat([u32(0x67446698), u32(error), u64(cookie), data]),
  chunk: (flags: number, type: number, cookie: number | bigint, payload: Buffer): Buffer =>
    Buffer.concat([u32(0x668e33ef), u16(flags), u16(type), u64(cookie), u32(payload.length), payload]),
  data: (cookie: number, offset: number, data: Buffer, done = false): Buffer => msg.chunk(done ? 1 : 0, 1, cookie, Buffer.concat([u64(offset), data])),
  hole: (cookie: number, offset: number, size: number, done = false): Buffer => msg.chunk(done ? 1 : 0, 2, cookie, Buffer.concat([u64(offset), u32(size)])),
  none: (cookie: number): Buffer => msg.chunk(1, 0, cookie, Buffer.alloc(0)),
  blockStatus: (cookie: number, contextId: number, extents: ReadonlyArray<readonly [number, number]>, done = false): Buffer =>
    msg.chunk(done ? 1 : 0, 5, cookie, Buffer.concat([u32(contextId), ...extents.flatMap(([length, flags]) => [u32(length), u32(flags)])])),
  error: (cookie: number, errno: number, message = '', done = true): Buffer =>
    msg.chunk(done ? 1 : 0, 0x8001, cookie, Buffer.concat([u32(errno), u16(Buffer.byteLength(message)), Buffer.from(message)])),
  errorOffset: (cookie: number, errno: number, offset: number, message = '', done = false): Buffer =>
    msg.chunk(done ? 1 : 0, 0x8002, cookie, Buffer.concat([u32(errno), u16(Buffer.byteLength(message)), Buffer.from(message), u64(offset)])),
};

export interface ClientRequest {
  flags: number;
  type: number;
  cookie: number;
  offset: number;
  length: number;
}

export interface ClientOption {
  option: number;
  data: Buffer;
}

/** Reads exact byte counts from the server's end of the pair. */
export class Reader {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    const onEnd = (): void => {
      this.ended = true;
      this.wake?.();
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
  }

  /** Exactly n bytes, or null once the client is gone. */
  async read(n: number): Promise<Buffer | null> {
    while (this.buffered.length < n) {
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }
}

export interface FakeServer {
  /** The client's end: pass as `{ kind: 'stream', stream }`. */
  clientEnd: Duplex;
  serverEnd: Duplex;
  reader: Reader;
  write(data: Buffer): void;
  /** The client flags the client sent. */
  readClientFlags(): Promise<number | null>;
  readOption(): Promise<ClientOption | null>;
  readRequest(): Promise<ClientRequest | null>;
}

export function fakeServer(): FakeServer {
  const [clientEnd, serverEnd] = duplexPair();
  const reader = new Reader(serverEnd);
  serverEnd.on('error', () => undefined);
  return {
    clientEnd,
    serverEnd,
    reader,
    write: (data) => {
      if (!serverEnd.destroyed && serverEnd.writable) serverEnd.write(data);
    },
    readClientFlags: async () => (await reader.read(4))?.readUInt32BE(0) ?? null,
    readOption: async () => {
      const header = await reader.read(16);
      if (header === null) return null;
      if (!header.subarray(0, 8).equals(IHAVEOPT)) throw new Error('client sent a bad option magic');
      const data = await reader.read(header.readUInt32BE(12));
      return data === null ? null : { option: header.readUInt32BE(8), data };
    },
    readRequest: async () => {
      const r = await reader.read(28);
      if (r === null) return null;
      if (r.readUInt32BE(0) !== 0x25609513) throw new Error('client sent a bad request magic');
      return { flags: r.readUInt16BE(4), type: r.readUInt16BE(6), cookie: Number(r.readBigUInt64BE(8)), offset: Number(r.readBigUInt64BE(16)), length: r.readUInt32BE(24) };
    },
  };
}

export interface ExportSpec {
  name?: string;
  size?: number;
  flags?: number;
  /** Structured replies granted (default true). */
  structured?: boolean;
  /** Contexts the server grants when asked: name to id. */
  contexts?: Record<string, number>;
  blockSize?: [number, number, number] | null;
  /** Handshake flags (default FIXED_NEWSTYLE | NO_ZEROES). */
  handshakeFlags?: number;
}

/**
 * Answers a normal handshake as QEMU does: structured replies, SET_META_CONTEXT (granting the known contexts it is
 * asked for), GO with NBD_INFO_EXPORT (+ block size). Returns the options seen, or null if the client went away.
 */
export async function serveHandshake(server: FakeServer, spec: ExportSpec = {}): Promise<ClientOption[] | null> {
  const name = spec.name ?? 'vda';
  server.write(msg.greeting(spec.handshakeFlags ?? 3));
  if ((await server.readClientFlags()) === null) return null;
  const seen: ClientOption[] = [];
  for (;;) {
    const option = await server.readOption();
    if (option === null) return null;
    seen.push(option);
    switch (option.option) {
      case 8:
        server.write(msg.optionReply(8, spec.structured === false ? 0x8000_0001 : 1));
        break;
      case 10: {
        const queries = parseMetaQueries(option.data);
        for (const query of queries) {
          const id = spec.contexts?.[query];
          if (id !== undefined) server.write(msg.optionReply(10, 4, msg.metaContext(id, query)));
        }
        server.write(msg.optionReply(10, 1));
        break;
      }
      case 7: {
        const requested = option.data.subarray(4, 4 + option.data.readUInt32BE(0)).toString();
        if (requested !== name) {
          server.write(msg.optionReply(7, 0x8000_0006, Buffer.from(`export '${requested}' not present`)));
          break;
        }
        server.write(msg.optionReply(7, 3, msg.infoExport(spec.size ?? 1 << 20, spec.flags ?? 0x3)));
        if (spec.blockSize !== null && spec.blockSize !== undefined) server.write(msg.optionReply(7, 3, msg.infoBlockSize(...spec.blockSize)));
        server.write(msg.optionReply(7, 1));
        return seen;
      }
      case 2:
        server.write(msg.optionReply(2, 1));
        server.serverEnd.end();
        return null;
      default:
        server.write(msg.optionReply(option.option, 0x8000_0001));
    }
  }
}

export function parseMetaQueries(data: Buffer): string[] {
  let at = 4 + data.readUInt32BE(0);
  const count = data.readUInt32BE(at);
  at += 4;
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = data.readUInt32BE(at);
    queries.push(data.subarray(at + 4, at + 4 + length).toString());
    at += 4 + length;
  }
  return queries;
}

/** The seeded PRNG of test/support/random.ts, with an exclusive upper bound: a failing case replays from its seed. */
export function prng(seed: number): { next: () => number; int: (maxExclusive: number) => number; bytes: (n: number) => Buffer } {
  const random = seededRandom(seed);
  return { next: random.next, int: (maxExclusive) => random.int(0, maxExclusive - 1), bytes: random.bytes };
}

/** Splits bytes into random pieces (some empty-free, some single bytes), as a network might deliver them. */
export function rechunk(data: Buffer, random: ReturnType<typeof prng>, maxPiece = 64): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const size = 1 + random.int(Math.min(maxPiece, data.length - at));
    pieces.push(data.subarray(at, at + size));
    at += size;
  }
  return pieces;
}
