import { describe, expect, it } from 'vitest';
import { NbdProtocolError, NbdServerError } from '../../../electron/engine/nbd/errors.js';
import { NbdCommand } from '../../../electron/engine/nbd/protocol.js';
import { MAX_BLOCK_STATUS_PAYLOAD, MAX_READ_FRAGMENTS, PendingRequest, ReplyParser } from '../../../electron/engine/nbd/replies.js';
import { msg, prng, rechunk } from './fake-server.js';

interface Harness {
  parser: ReplyParser;
  completed: PendingRequest[];
  add(cookie: number, command: number, offset: number, length: number, into?: Buffer): PendingRequest;
  push(...parts: Buffer[]): void;
}

function harness(options: { structured?: boolean; contexts?: Map<number, string> } = {}): Harness {
  const requests = new Map<number, PendingRequest>();
  const completed: PendingRequest[] = [];
  const parser = new ReplyParser(
    {
      lookup: (cookie) => requests.get(cookie),
      complete: (request) => {
        requests.delete(request.cookie);
        completed.push(request);
      },
    },
    { structuredReplies: options.structured ?? true, metaContexts: options.contexts ?? new Map([[1, 'base:allocation']]) },
  );
  return {
    parser,
    completed,
    add: (cookie, command, offset, length, into) => {
      const request = new PendingRequest(cookie, command, offset, length, into);
      requests.set(cookie, request);
      return request;
    },
    push: (...parts) => {
      for (const part of parts) parser.push(part);
    },
  };
}

const pattern = (length: number, seed: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff));

describe('ReplyParser: READ', () => {
  it('assembles data and hole chunks sent in any order, byte by byte', () => {
    const h = harness();
    const request = h.add(5, NbdCommand.READ, 4096, 3000);
    const stream = Buffer.concat([
      msg.data(5, 4096 + 2000, pattern(1000, 1)),
      msg.hole(5, 4096 + 500, 1500),
      msg.data(5, 4096, pattern(500, 2)),
      msg.none(5),
    ]);
    for (const byte of stream) h.push(Buffer.from([byte]));
    expect(h.completed).toEqual([request]);
    expect(request.error).toBeNull();
    const expected = Buffer.concat([pattern(500, 2), Buffer.alloc(1500), pattern(1000, 1)]);
    expect((request.target as Buffer).equals(expected)).toBe(true);
    expect(request.holes?.toRanges()).toEqual([{ offset: 500, length: 1500 }]);
    expect(h.parser.idle).toBe(true);
  });

  it('copies data exactly into a target in shared memory, whatever the alignment of the pieces it arrives in', () => {
    // A backup's chunk buffers are shared memory; the copy into them must be exact at every offset and length.
    const random = prng(41);
    const shared = Buffer.from(new SharedArrayBuffer(70_000)).fill(0xee);
    const h = harness();
    const request = h.add(9, NbdCommand.READ, 0, 65_536, shared.subarray(3, 3 + 65_536));
    const data = random.bytes(65_536 - 4096);
    const stream = Buffer.concat([msg.data(9, 4096, data), msg.hole(9, 1000, 3096), msg.data(9, 0, data.subarray(0, 1000)), msg.none(9)]);
    for (const piece of rechunk(stream, random, 9000)) h.push(piece);
    expect(h.completed).toEqual([request]);
    expect(shared.subarray(3, 3 + 65_536).equals(Buffer.concat([data.subarray(0, 1000), Buffer.alloc(3096), data]))).toBe(true);
    expect([...shared.subarray(0, 3), ...shared.subarray(3 + 65_536)].every((byte) => byte === 0xee)).toBe(true);
  });

  it('accepts a data chunk carrying the DONE flag and interleaved replies of several requests', () => {
    const h = harness();
    const a = h.add(1, NbdCommand.READ, 0, 8);
    const b = h.add(2, NbdCommand.READ, 8, 8);
    h.push(msg.data(2, 8, pattern(4, 3)), msg.data(1, 0, pattern(8, 4), true), msg.data(2, 12, pattern(4, 5), true));
    expect(h.completed).toEqual([a, b]);
    expect(b.target?.equals(Buffer.concat([pattern(4, 3), pattern(4, 5)]))).toBe(true);
  });

  it('reads simple replies when structured replies were not negotiated', () => {
    const h = harness({ structured: false });
    const a = h.add(1, NbdCommand.READ, 0, 16);
    const b = h.add(2, NbdCommand.READ, 16, 16);
    const stream = Buffer.concat([msg.simple(2, 5), msg.simple(1, 0, pattern(16, 9))]);
    for (const part of rechunk(stream, prng(1), 5)) h.push(part);
    expect(h.completed).toEqual([b, a]);
    expect(b.error).toBeInstanceOf(NbdServerError);
    expect(b.error?.code).toBe('EIO');
    expect(a.target?.equals(pattern(16, 9))).toBe(true);
  });

  it('reports error chunks with their message and offset, and keeps parsing', () => {
    const h = harness();
    const a = h.add(1, NbdCommand.READ, 1000, 100);
    const b = h.add(2, NbdCommand.READ, 0, 10);
    h.push(msg.data(1, 1000, pattern(50, 1)), msg.errorOffset(1, 5, 1050, 'bad sector'), msg.none(1));
    h.push(msg.data(2, 0, pattern(10, 1), true));
    expect(h.completed).toEqual([a, b]);
    expect(a.error).toMatchObject({ name: 'NbdServerError', code: 'EIO', errno: 5, serverMessage: 'bad sector', errorOffset: 1050 });
    expect(a.error?.message).toMatch(/EIO.*bad sector/);
    expect(b.error).toBeNull();
  });

  it('treats unknown error chunk types (bit 15) as errors and unknown errno values as EINVAL', () => {
    const h = harness();
    const a = h.add(1, NbdCommand.READ, 0, 10);
    h.push(msg.chunk(1, 0x8077, 1, Buffer.concat([Buffer.from([0, 0, 0, 99, 0, 2]), Buffer.from('hi'), Buffer.alloc(3)])));
    expect(a.error).toMatchObject({ code: 'EINVAL', errno: 99, serverMessage: 'hi' });
  });

  it.each([
    ['a chunk outside the request', () => [msg.data(1, 90, pattern(20, 0), true)]],
    ['overlapping chunks', () => [msg.data(1, 0, pattern(60, 0)), msg.hole(1, 50, 50, true)]],
    ['DONE before all bytes arrived', () => [msg.data(1, 0, pattern(60, 0)), msg.none(1)]],
    ['an unknown cookie', () => [msg.data(9, 0, pattern(100, 0), true)]],
    ['a bad magic', () => [Buffer.from('deadbeef00000000000000000000000000000000', 'hex')]],
    ['a simple reply to READ under structured replies', () => [msg.simple(1, 0, pattern(100, 0))]],
    ['a block status chunk for READ', () => [msg.blockStatus(1, 1, [[100, 0]], true)]],
    ['an unknown non-error chunk type', () => [msg.chunk(1, 42, 1, Buffer.alloc(4))]],
    ['NONE without DONE', () => [msg.chunk(0, 0, 1, Buffer.alloc(0))]],
    ['a hole of size 0', () => [msg.hole(1, 0, 0)]],
    ['an error message longer than its chunk', () => [msg.chunk(1, 0x8001, 1, Buffer.from([0, 0, 0, 5, 0, 9, 65]))]],
    ['an error offset outside the request', () => [msg.errorOffset(1, 5, 500, '', true)]],
  ])('refuses %s with NbdProtocolError', (_name, stream) => {
    const h = harness();
    h.add(1, NbdCommand.READ, 0, 100);
    expect(() => h.push(...stream())).toThrow(NbdProtocolError);
    // The parser stays failed: the stream can no longer be trusted.
    expect(() => h.push(msg.none(1))).toThrow(NbdProtocolError);
  });

  it('refuses oversized chunks at the header, before their payload arrives', () => {
    for (const [type, cookie] of [
      [1, 1],
      [5, 2],
      [0x8001, 1],
      [2, 1],
    ] as const) {
      const h = harness();
      h.add(1, NbdCommand.READ, 0, 100);
      h.add(2, NbdCommand.BLOCK_STATUS, 0, 100);
      const header = msg.chunk(0, type, cookie, Buffer.alloc(0));
      header.writeUInt32BE(0xffff_ffff, 16);
      expect(() => h.push(header)).toThrow(NbdProtocolError);
    }
    const h = harness();
    h.add(2, NbdCommand.BLOCK_STATUS, 0, 100);
    const header = msg.chunk(0, 5, 2, Buffer.alloc(0));
    header.writeUInt32BE(MAX_BLOCK_STATUS_PAYLOAD + 8, 16);
    expect(() => h.push(header)).toThrow(/limit/);
  });

  it('refuses a reply split into too many separate pieces', () => {
    const h = harness();
    const length = (MAX_READ_FRAGMENTS + 2) * 2;
    h.add(1, NbdCommand.READ, 0, length);
    // Every other byte, so nothing merges.
    expect(() => {
      for (let i = 0; i < MAX_READ_FRAGMENTS + 2; i++) h.push(msg.data(1, i * 2, Buffer.from([1])));
    }).toThrow(/more than \d+ separate pieces/);
  });

  it('drops the data of a request the caller gave up on, but still checks it', () => {
    const h = harness();
    const a = h.add(1, NbdCommand.READ, 0, 10);
    a.target = null;
    h.push(msg.data(1, 0, pattern(10, 0), true));
    expect(h.completed).toEqual([a]);
    const b = h.add(2, NbdCommand.READ, 0, 10);
    b.target = null;
    expect(() => h.push(msg.data(2, 5, pattern(10, 0), true))).toThrow(NbdProtocolError);
  });
});

describe('ReplyParser: BLOCK_STATUS', () => {
  const contexts = new Map([
    [7, 'base:allocation'],
    [9, 'qemu:dirty-bitmap:bm0'],
  ]);

  it('collects one extent list per context with absolute offsets', () => {
    const h = harness({ contexts });
    const request = h.add(3, NbdCommand.BLOCK_STATUS, 1 << 20, 1 << 20);
    h.push(
      msg.blockStatus(3, 9, [[1 << 20, 0]]),
      msg.blockStatus(3, 7, [
        [65536, 3],
        [4096, 0],
        [2 << 20, 3],
      ]),
      msg.none(3),
    );
    expect(h.completed).toEqual([request]);
    expect(request.extents.get(7)).toEqual([
      { offset: 1 << 20, length: 65536, flags: 3 },
      { offset: (1 << 20) + 65536, length: 4096, flags: 0 },
      { offset: (1 << 20) + 69632, length: 2 << 20, flags: 3 },
    ]);
    expect(request.extents.get(9)).toEqual([{ offset: 1 << 20, length: 1 << 20, flags: 0 }]);
  });

  it('accepts an error as a simple reply or an error chunk', () => {
    const h = harness({ contexts });
    const a = h.add(1, NbdCommand.BLOCK_STATUS, 0, 512);
    const b = h.add(2, NbdCommand.BLOCK_STATUS, 0, 512);
    h.push(msg.simple(1, 22), msg.error(2, 22, 'past the end'));
    expect(a.error?.code).toBe('EINVAL');
    expect(b.error?.serverMessage).toBe('past the end');
  });

  it.each([
    ['a context that was not negotiated', () => [msg.blockStatus(1, 8, [[512, 0]], true)]],
    ['the same context twice', () => [msg.blockStatus(1, 7, [[512, 0]]), msg.blockStatus(1, 7, [[512, 0]])]],
    ['a missing context at DONE', () => [msg.blockStatus(1, 7, [[512, 0]]), msg.none(1)]],
    ['a zero-length descriptor', () => [msg.blockStatus(1, 7, [[0, 0]])]],
    ['descriptors continuing past the range', () => [msg.blockStatus(1, 7, [[4096, 0], [512, 1]])]],
    ['a payload that is not whole descriptors', () => [msg.chunk(0, 5, 1, Buffer.alloc(10))]],
    ['a successful simple reply', () => [msg.simple(1, 0)]],
    ['data chunks', () => [msg.data(1, 0, Buffer.alloc(4), true)]],
  ])('refuses %s', (_name, stream) => {
    const h = harness({ contexts });
    h.add(1, NbdCommand.BLOCK_STATUS, 0, 4096);
    expect(() => h.push(...stream())).toThrow(NbdProtocolError);
  });
});
