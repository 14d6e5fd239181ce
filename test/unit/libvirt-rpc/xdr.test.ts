import { describe, expect, it } from 'vitest';
import { XdrDecodeError, XdrEncodeError, XdrReader, XdrWriter } from '../../../electron/engine/hypervisors/libvirt/rpc/xdr.js';
import { seededRandom } from '../../support/random.js';

function roundTrip<T>(write: (w: XdrWriter) => void, read: (r: XdrReader) => T): { value: T; bytes: Buffer } {
  const w = new XdrWriter(4);
  write(w);
  const bytes = w.toBuffer();
  const r = new XdrReader(bytes);
  const value = read(r);
  r.assertEnd();
  return { value, bytes };
}

describe('XDR encoding', () => {
  it('round-trips ints, unsigned ints and booleans in 4 big-endian bytes', () => {
    for (const value of [0, 1, -1, 2_147_483_647, -2_147_483_648, 123_456]) {
      const { value: decoded, bytes } = roundTrip((w) => w.writeInt(value), (r) => r.readInt());
      expect(decoded).toBe(value);
      expect(bytes.length).toBe(4);
    }
    expect(roundTrip((w) => w.writeInt(-2), (r) => r.readInt()).bytes).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    for (const value of [0, 1, 0xffff_ffff, 0x8000_0000]) {
      expect(roundTrip((w) => w.writeUint(value), (r) => r.readUint()).value).toBe(value);
    }
    expect(roundTrip((w) => w.writeBool(true).writeBool(false), (r) => [r.readBool(), r.readBool()]).value).toEqual([true, false]);
  });

  it('round-trips hypers as bigint, and as numbers when they are safe', () => {
    const extremes = [0n, 1n, -1n, (1n << 63n) - 1n, -(1n << 63n)];
    for (const value of extremes) expect(roundTrip((w) => w.writeHyper(value), (r) => r.readHyper()).value).toBe(value);
    for (const value of [0n, (1n << 64n) - 1n, 1n << 63n]) expect(roundTrip((w) => w.writeUhyper(value), (r) => r.readUhyper()).value).toBe(value);
    expect(roundTrip((w) => w.writeUhyper(Number.MAX_SAFE_INTEGER), (r) => r.readUhyperNumber()).value).toBe(Number.MAX_SAFE_INTEGER);
    expect(roundTrip((w) => w.writeHyper(-42), (r) => r.readHyperNumber()).value).toBe(-42);
    expect(roundTrip((w) => w.writeDouble(1.5e300), (r) => r.readDouble()).value).toBe(1.5e300);
  });

  it('refuses a 64-bit value that is not a safe integer when a number is asked for', () => {
    const bytes = new XdrWriter().writeUhyper(2n ** 53n + 1n).toBuffer();
    expect(() => new XdrReader(bytes).readUhyperNumber()).toThrow(XdrDecodeError);
    const negative = new XdrWriter().writeHyper(-(2n ** 60n)).toBuffer();
    expect(() => new XdrReader(negative).readHyperNumber()).toThrow(/safe integer/);
  });

  it('pads opaque data and strings to 4 bytes, with zero padding', () => {
    const { bytes } = roundTrip((w) => w.writeString('abcde', 10), (r) => r.readString(10));
    expect(bytes).toEqual(Buffer.from([0, 0, 0, 5, 0x61, 0x62, 0x63, 0x64, 0x65, 0, 0, 0]));
    expect(roundTrip((w) => w.writeString('', 0), (r) => r.readString(0)).bytes.length).toBe(4);
    const utf8 = 'lab-vm ✓ 日本';
    const decoded = roundTrip((w) => w.writeString(utf8, 100), (r) => r.readString(100));
    expect(decoded.value).toBe(utf8);
    expect(decoded.bytes.length % 4).toBe(0);
    const opaque = Buffer.from([1, 2, 3]);
    expect(roundTrip((w) => w.writeOpaque(opaque, 3), (r) => Buffer.from(r.readOpaque(3))).value).toEqual(opaque);
    const fixed = Buffer.alloc(16, 7);
    const fixedRound = roundTrip((w) => w.writeFixedOpaque(fixed, 16), (r) => Buffer.from(r.readFixedOpaque(16)));
    expect(fixedRound.value).toEqual(fixed);
    expect(fixedRound.bytes.length).toBe(16);
  });

  it('round-trips optionals and arrays', () => {
    const write = (w: XdrWriter, v: string): void => {
      w.writeString(v, 64);
    };
    const read = (r: XdrReader): string => r.readString(64);
    expect(roundTrip((w) => w.writeOptional(null, write), (r) => r.readOptional(read)).value).toBeNull();
    expect(roundTrip((w) => w.writeOptional('x', write), (r) => r.readOptional(read)).value).toBe('x');
    const items = ['a', 'bb', 'ccc', ''];
    expect(roundTrip((w) => w.writeArray(items, 10, write), (r) => r.readArray(10, read)).value).toEqual(items);
  });

  it('refuses values out of range or over their limit when encoding', () => {
    const w = new XdrWriter();
    expect(() => w.writeInt(2 ** 31)).toThrow(XdrEncodeError);
    expect(() => w.writeInt(1.5)).toThrow(XdrEncodeError);
    expect(() => w.writeUint(-1)).toThrow(XdrEncodeError);
    expect(() => w.writeUhyper(-1n)).toThrow(XdrEncodeError);
    expect(() => w.writeUhyper(1n << 64n)).toThrow(XdrEncodeError);
    expect(() => w.writeHyper(2 ** 60)).toThrow(/safe integer/);
    expect(() => w.writeString('toolong', 3)).toThrow(XdrEncodeError);
    expect(() => w.writeArray([1, 2, 3], 2, (writer, v) => writer.writeInt(v))).toThrow(XdrEncodeError);
    expect(() => w.writeFixedOpaque(Buffer.alloc(15), 16)).toThrow(XdrEncodeError);
    expect(w.byteLength).toBe(0);
  });
});

describe('XDR decoding limits', () => {
  it('fails with XdrDecodeError, not RangeError, on every truncation of a composite message', () => {
    const w = new XdrWriter();
    w.writeInt(-5).writeUhyper(12345n).writeString('domain-name', 100).writeOptional('x', (writer, v) => writer.writeString(v, 10));
    w.writeArray([1, 2, 3], 10, (writer, v) => writer.writeUint(v)).writeOpaque(Buffer.from('abcdef'), 10);
    const full = w.toBuffer();
    const decode = (r: XdrReader): void => {
      r.readInt();
      r.readUhyper();
      r.readString(100);
      r.readOptional((rr) => rr.readString(10));
      r.readArray(10, (rr) => rr.readUint());
      r.readOpaque(10);
      r.assertEnd();
    };
    decode(new XdrReader(full));
    for (let cut = 0; cut < full.length; cut += 1) {
      expect(() => decode(new XdrReader(full.subarray(0, cut))), `cut at ${cut}`).toThrow(XdrDecodeError);
    }
  });

  it('refuses strings, opaques and arrays over their declared limit', () => {
    const long = new XdrWriter().writeString('abcdef', 100).toBuffer();
    expect(() => new XdrReader(long).readString(5)).toThrow(/exceeds its limit of 5/);
    expect(() => new XdrReader(long).readOpaque(5)).toThrow(XdrDecodeError);
    const array = new XdrWriter().writeArray([1, 2, 3], 3, (w, v) => w.writeInt(v)).toBuffer();
    expect(() => new XdrReader(array).readArray(2, (r) => r.readInt())).toThrow(/exceeds its limit of 2/);
  });

  it('refuses an array count that cannot fit the bytes left before allocating anything', () => {
    const hostile = Buffer.from([0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1]);
    expect(() => new XdrReader(hostile).readArray(100_000, (r) => r.readInt())).toThrow(/cannot fit/);
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    expect(() => new XdrReader(huge).readArray(0xffff_ffff, (r) => r.readInt())).toThrow(XdrDecodeError);
    expect(() => new XdrReader(huge).readString(0xffff_ffff)).toThrow(/truncated/);
    expect(() => new XdrReader(huge).readOpaque(0xffff_ffff)).toThrow(XdrDecodeError);
  });

  it('refuses booleans and enums outside their values, and trailing bytes', () => {
    const two = new XdrWriter().writeInt(2).toBuffer();
    expect(() => new XdrReader(two).readBool()).toThrow(/bool must be 0 or 1/);
    expect(() => new XdrReader(two).readOptional((r) => r.readInt())).toThrow(XdrDecodeError);
    expect(() => new XdrReader(two).readEnum([0, 1], 'status')).toThrow(/invalid status: 2/);
    const reader = new XdrReader(new XdrWriter().writeInt(1).writeInt(2).toBuffer());
    reader.readInt();
    expect(() => reader.assertEnd('reply')).toThrow(/4 unexpected trailing bytes after reply/);
  });

  it('reads a window of a larger buffer without going past its end', () => {
    const bytes = new XdrWriter().writeInt(1).writeInt(2).writeInt(3).toBuffer();
    const reader = new XdrReader(bytes, 4, 8);
    expect(reader.readInt()).toBe(2);
    expect(() => reader.readInt()).toThrow(XdrDecodeError);
    expect(() => new XdrReader(bytes, 8, 20)).toThrow(XdrDecodeError);
  });

  it('decodes random bytes as typical libvirt structures throwing only XdrDecodeError (3000 seeded cases)', () => {
    for (let seed = 1; seed <= 3000; seed += 1) {
      const random = seededRandom(seed);
      const bytes = random.bytes(random.int(0, 96));
      const reader = new XdrReader(bytes);
      try {
        reader.readArray(16_384, (r) => {
          r.readString(4_194_304);
          r.readFixedOpaque(16);
          return r.readOptional((rr) => rr.readHyper());
        }, 24);
        reader.readEnum([0, 1, 2], 'status');
        reader.readUhyperNumber();
        reader.assertEnd();
      } catch (error) {
        expect(error, `seed ${seed}`).toBeInstanceOf(XdrDecodeError);
      }
    }
  });
});
