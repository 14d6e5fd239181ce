import { describe, expect, it } from 'vitest';
import {
  NbdCommand,
  encodeGoPayload,
  encodeMetaContextPayload,
  encodeOption,
  encodeRequest,
  nbdErrnoName,
  nbdOptionReplyName,
  readUint64,
  writeUint64,
} from '../../../electron/engine/nbd/protocol.js';
import { RangeSet, appendExtents, type NbdExtent } from '../../../electron/engine/nbd/ranges.js';

describe('NBD message encoding', () => {
  it('lays out a request as magic, flags, type, cookie, offset, length (big-endian)', () => {
    const request = encodeRequest(NbdCommand.BLOCK_STATUS, 8, 0x1_0000_0002, 0x2_0000_0000 + 512, 65536);
    expect(request.toString('hex')).toBe(
      ['25609513', '0008', '0007', '0000000100000002', '0000000200000200', '00010000'].join(''),
    );
  });

  it('lays out options and their payloads', () => {
    expect(encodeOption(8).toString('hex')).toBe(Buffer.from('IHAVEOPT').toString('hex') + '00000008' + '00000000');
    const go = encodeGoPayload('vda', [3]);
    expect(go.toString('hex')).toBe('00000003' + Buffer.from('vda').toString('hex') + '0001' + '0003');
    const meta = encodeMetaContextPayload('vda', ['base:allocation']);
    expect(meta.readUInt32BE(0)).toBe(3);
    expect(meta.readUInt32BE(7)).toBe(1);
    expect(meta.readUInt32BE(11)).toBe(15);
    expect(meta.subarray(15).toString()).toBe('base:allocation');
  });

  it('reads 64-bit values up to 2^53 and refuses larger ones', () => {
    const b = Buffer.alloc(8);
    writeUint64(b, Number.MAX_SAFE_INTEGER, 0);
    expect(readUint64(b, 0)).toBe(Number.MAX_SAFE_INTEGER);
    b.writeBigUInt64BE(2n ** 53n);
    expect(readUint64(b, 0)).toBeNull();
    b.writeBigUInt64BE(2n ** 64n - 1n);
    expect(readUint64(b, 0)).toBeNull();
  });

  it('names errors and option replies, treating unknown error values as EINVAL', () => {
    expect(nbdErrnoName(5)).toBe('EIO');
    expect(nbdErrnoName(28)).toBe('ENOSPC');
    expect(nbdErrnoName(108)).toBe('ESHUTDOWN');
    expect(nbdErrnoName(9999)).toBe('EINVAL');
    expect(nbdOptionReplyName(0x8000_0006)).toBe('NBD_REP_ERR_UNKNOWN');
    expect(nbdOptionReplyName(0x8000_0077)).toBe('error reply 0x80000077');
  });
});

describe('RangeSet', () => {
  it('merges touching ranges in any order and detects overlap', () => {
    const set = new RangeSet(10);
    expect(set.add(100, 200)).toBe('ok');
    expect(set.add(0, 50)).toBe('ok');
    expect(set.rangeCount).toBe(2);
    expect(set.add(50, 100)).toBe('ok');
    expect(set.rangeCount).toBe(1);
    expect(set.covers(0, 200)).toBe(true);
    expect(set.add(199, 201)).toBe('overlap');
    expect(set.add(0, 1)).toBe('overlap');
    expect(set.add(300, 400)).toBe('ok');
    expect(set.add(250, 301)).toBe('overlap');
    expect(set.add(200, 300)).toBe('ok');
    expect(set.toRanges()).toEqual([{ offset: 0, length: 400 }]);
    expect(set.size).toBe(400);
  });

  it('refuses to hold more than its limit of separate ranges', () => {
    const set = new RangeSet(3);
    expect(set.add(0, 1)).toBe('ok');
    expect(set.add(2, 3)).toBe('ok');
    expect(set.add(4, 5)).toBe('ok');
    expect(set.add(6, 7)).toBe('too-fragmented');
    expect(set.add(5, 6)).toBe('ok');
    expect(set.toRanges()).toEqual([
      { offset: 0, length: 1 },
      { offset: 2, length: 1 },
      { offset: 4, length: 2 },
    ]);
  });

  it('matches a brute-force model on random inserts', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const set = new RangeSet(1000);
      const model = new Uint8Array(64);
      for (let i = 0; i < 20; i++) {
        const start = random(64);
        const end = start + 1 + random(Math.min(8, 64 - start));
        const free = model.subarray(start, end).every((v) => v === 0);
        const result = set.add(start, end);
        expect(result).toBe(free ? 'ok' : 'overlap');
        if (free) model.fill(1, start, end);
      }
      const fromModel: Array<{ offset: number; length: number }> = [];
      for (let i = 0; i < 64; i++) {
        if (model[i] !== 1) continue;
        const last = fromModel[fromModel.length - 1];
        if (last !== undefined && last.offset + last.length === i) last.length++;
        else fromModel.push({ offset: i, length: 1 });
      }
      expect(set.toRanges()).toEqual(fromModel);
    }
  });
});

describe('appendExtents', () => {
  it('merges touching extents with equal flags and clips at the end', () => {
    const into: NbdExtent[] = [];
    appendExtents(into, [
      { offset: 0, length: 10, flags: 3 },
      { offset: 10, length: 5, flags: 3 },
      { offset: 15, length: 5, flags: 0 },
    ], 100);
    appendExtents(into, [
      { offset: 20, length: 10, flags: 0 },
      { offset: 30, length: 1000, flags: 1 },
    ], 100);
    expect(into).toEqual([
      { offset: 0, length: 15, flags: 3 },
      { offset: 15, length: 15, flags: 0 },
      { offset: 30, length: 70, flags: 1 },
    ]);
  });
});
