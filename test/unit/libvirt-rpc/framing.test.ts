import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  type Frame,
  FrameError,
  FrameReader,
  type MessageHeader,
  MessageStatus,
  MessageType,
  VIR_NET_MESSAGE_MAX,
  decodeHeader,
  encodeFrame,
  encodeFrameHead,
} from '../../../electron/engine/hypervisors/libvirt/rpc/framing.js';
import { XdrDecodeError } from '../../../electron/engine/hypervisors/libvirt/rpc/xdr.js';
import { type Random, randomChunks, seededRandom } from '../../support/random.js';

const HEADER: MessageHeader = { program: 0x2000_8086, version: 1, procedure: 59, type: MessageType.REPLY, serial: 7, status: MessageStatus.OK };

function collect(reader: FrameReader, chunks: readonly Uint8Array[]): Frame[] {
  const frames: Frame[] = [];
  for (const chunk of chunks) reader.push(chunk, (frame) => frames.push({ header: frame.header, payload: Buffer.from(frame.payload) }));
  return frames;
}

function randomHeader(random: Random): MessageHeader {
  return {
    program: random.pick([0x2000_8086, 0x6b65_6570, random.int(0, 0xffff_ffff)]),
    version: random.int(0, 3),
    procedure: random.int(-5, 500),
    type: random.pick(Object.values(MessageType)),
    serial: random.int(0, 0xffff_ffff),
    status: random.pick(Object.values(MessageStatus)),
  };
}

/** Runs one fuzz case; a case must finish quickly (the reader is synchronous: a hang is a loop bug). */
function boundedCase(seed: number, run: () => void): void {
  const started = performance.now();
  run();
  expect(performance.now() - started, `seed ${seed} took too long`).toBeLessThan(250);
}

describe('libvirt framing', () => {
  it('encodes a length word that counts itself, then the 24-byte header, then the payload', () => {
    const frame = encodeFrame(HEADER, Buffer.from([1, 2, 3, 4]));
    expect(frame.length).toBe(32);
    expect(frame.readUInt32BE(0)).toBe(32);
    expect(frame.subarray(4, 28)).toEqual(Buffer.from('20008086' + '00000001' + '0000003b' + '00000001' + '00000007' + '00000000', 'hex'));
    expect(decodeHeader(frame.subarray(4))).toEqual(HEADER);
  });

  it('refuses to encode a payload above VIR_NET_MESSAGE_PAYLOAD_MAX', () => {
    expect(() => encodeFrame(HEADER, Buffer.alloc(VIR_NET_MESSAGE_MAX))).toThrow(FrameError);
    expect(() => encodeFrameHead(HEADER, VIR_NET_MESSAGE_MAX)).toThrow(FrameError);
  });

  it('encodes the head of a frame whose payload is sent behind it, byte for byte as the whole frame', () => {
    const payload = Buffer.alloc(262_120, 0xab);
    expect(Buffer.concat([encodeFrameHead(HEADER, payload.length), payload])).toEqual(encodeFrame(HEADER, payload));
  });

  it('cuts frames out of a byte stream split anywhere, including byte by byte', () => {
    const payloads = [Buffer.alloc(0), Buffer.from('hostname'), Buffer.alloc(70_000, 9)];
    const stream = Buffer.concat(payloads.map((p, i) => encodeFrame({ ...HEADER, serial: i }, p)));
    for (const chunkSize of [1, 3, 4, 5, 27, 28, 29, 1000, stream.length]) {
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < stream.length; offset += chunkSize) chunks.push(stream.subarray(offset, offset + chunkSize));
      const frames = collect(new FrameReader(), chunks);
      expect(frames.map((f) => f.header.serial)).toEqual([0, 1, 2]);
      expect(frames.map((f) => f.payload)).toEqual(payloads);
    }
  });

  it('keeps a partial message and reports how much is pending', () => {
    const frame = encodeFrame(HEADER, Buffer.alloc(100, 1));
    const reader = new FrameReader();
    expect(collect(reader, [frame.subarray(0, 2)])).toEqual([]);
    expect(reader.pendingBytes).toBe(2);
    expect(collect(reader, [frame.subarray(2, 50)])).toEqual([]);
    expect(reader.pendingBytes).toBe(50);
    expect(collect(reader, [frame.subarray(50)])).toHaveLength(1);
    expect(reader.pendingBytes).toBe(0);
  });

  it('rejects lengths smaller than a header or above the limit, and stays failed', () => {
    const tooSmall = Buffer.from([0, 0, 0, 27]);
    const reader = new FrameReader();
    expect(() => collect(reader, [tooSmall])).toThrow(FrameError);
    expect(reader.failed?.code).toBe('too-small');
    expect(() => collect(reader, [encodeFrame(HEADER)])).toThrow(FrameError);

    const tooLarge = Buffer.alloc(4);
    tooLarge.writeUInt32BE(VIR_NET_MESSAGE_MAX + 5);
    const large = new FrameReader();
    expect(() => collect(large, [tooLarge])).toThrow(/exceeds the limit/);
    expect(large.failed?.code).toBe('too-large');
    // The largest legal message is announced, not refused (nothing is allocated until the length is checked).
    const largest = Buffer.alloc(4);
    largest.writeUInt32BE(VIR_NET_MESSAGE_MAX + 4);
    const ok = new FrameReader();
    expect(() => collect(ok, [largest])).not.toThrow();
  });

  it('rejects a header with an unknown message type or status', () => {
    const frame = encodeFrame(HEADER);
    const badType = Buffer.from(frame);
    badType.writeInt32BE(7, 16);
    expect(() => collect(new FrameReader(), [badType])).toThrow(/invalid message type: 7/);
    const badStatus = Buffer.from(frame);
    badStatus.writeInt32BE(3, 24);
    const reader = new FrameReader();
    expect(() => collect(reader, [badStatus])).toThrow(FrameError);
    expect(reader.failed?.code).toBe('bad-header');
  });

  it('honours a lower message limit', () => {
    const reader = new FrameReader(64);
    expect(collect(reader, [encodeFrame(HEADER, Buffer.alloc(40))])).toHaveLength(1);
    expect(() => collect(reader, [encodeFrame(HEADER, Buffer.alloc(41))])).toThrow(FrameError);
  });
});

describe('libvirt framing fuzz (seeded)', () => {
  const isTyped = (error: unknown): boolean => error instanceof FrameError || error instanceof XdrDecodeError;

  it('random bytes in random chunks: frames or a FrameError, nothing else (4000 cases)', () => {
    for (let seed = 1; seed <= 4000; seed += 1) {
      boundedCase(seed, () => {
        const random = seededRandom(seed);
        // Mostly plausible lengths, so headers get decoded too, not only length checks.
        const bytes = random.bytes(random.int(0, 300));
        if (bytes.length >= 4 && random.next() < 0.6) bytes.writeUInt32BE(random.int(28, Math.max(28, bytes.length)), 0);
        const reader = new FrameReader(random.pick([VIR_NET_MESSAGE_MAX, 256]));
        try {
          collect(reader, randomChunks(random, bytes));
        } catch (error) {
          expect(isTyped(error), `seed ${seed}: ${String(error)}`).toBe(true);
          expect(reader.failed).toBe(error);
        }
      });
    }
  });

  it('valid frame sequences in random chunks come out identical (2000 cases)', () => {
    for (let seed = 1; seed <= 2000; seed += 1) {
      boundedCase(seed, () => {
        const random = seededRandom(seed);
        const expected = Array.from({ length: random.int(1, 6) }, () => ({
          header: randomHeader(random),
          payload: random.bytes(random.pick([0, 1, 3, 4, random.int(0, 3000)])),
        }));
        const stream = Buffer.concat(expected.map((f) => encodeFrame(f.header, f.payload)));
        expect(collect(new FrameReader(), randomChunks(random, stream)), `seed ${seed}`).toEqual(expected);
      });
    }
  });

  it('truncated valid streams yield a prefix of the frames and never throw (2000 cases)', () => {
    for (let seed = 1; seed <= 2000; seed += 1) {
      boundedCase(seed, () => {
        const random = seededRandom(seed);
        const expected = Array.from({ length: random.int(1, 4) }, () => ({ header: randomHeader(random), payload: random.bytes(random.int(0, 500)) }));
        const stream = Buffer.concat(expected.map((f) => encodeFrame(f.header, f.payload)));
        const cut = random.int(0, stream.length - 1);
        const reader = new FrameReader();
        const frames = collect(reader, randomChunks(random, stream.subarray(0, cut)));
        expect(frames, `seed ${seed}`).toEqual(expected.slice(0, frames.length));
        expect(frames.length).toBeLessThan(expected.length);
        const consumed = frames.reduce((sum, f) => sum + 28 + f.payload.length, 0);
        expect(reader.pendingBytes).toBe(cut - consumed);
      });
    }
  });

  it('corrupted valid streams yield frames or a FrameError (2000 cases)', () => {
    for (let seed = 1; seed <= 2000; seed += 1) {
      boundedCase(seed, () => {
        const random = seededRandom(seed);
        const frames = Array.from({ length: random.int(1, 4) }, () => encodeFrame(randomHeader(random), random.bytes(random.int(0, 200))));
        const stream = Buffer.concat(frames);
        for (let flips = random.int(1, 4); flips > 0; flips -= 1) {
          const index = random.int(0, stream.length - 1);
          stream[index] = random.int(0, 255);
        }
        const reader = new FrameReader(random.pick([VIR_NET_MESSAGE_MAX, 1024]));
        try {
          collect(reader, randomChunks(random, stream));
        } catch (error) {
          expect(isTyped(error), `seed ${seed}: ${String(error)}`).toBe(true);
        }
      });
    }
  });
});
