// Byte ranges: the set of ranges a READ reply has covered so far (chunks may come in any order but must not
// overlap), and the merging of BLOCK_STATUS extents. Kept apart from the parser so both are easy to test.

/** A run of bytes with the same status in one metadata context. */
export interface NbdExtent {
  offset: number;
  length: number;
  /** Context-defined: base:allocation bit0 HOLE, bit1 ZERO; qemu:dirty-bitmap:* bit0 DIRTY. */
  flags: number;
}

export interface NbdRange {
  offset: number;
  length: number;
}

/**
 * Disjoint half-open ranges [start, end), sorted, with touching ranges merged. A server that answers in order (as
 * QEMU does) keeps this at one range; the cap bounds what a server sending many tiny chunks out of order can make
 * the client hold.
 */
export class RangeSet {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private total = 0;
  private readonly maxRanges: number;

  constructor(maxRanges: number) {
    this.maxRanges = maxRanges;
  }

  get size(): number {
    return this.total;
  }

  get rangeCount(): number {
    return this.starts.length;
  }

  /**
   * Adds [start, end). Returns 'overlap' (nothing added) if any byte is already in the set, 'too-fragmented' if the
   * set would hold more than maxRanges separate ranges, else 'ok'.
   */
  add(start: number, end: number): 'ok' | 'overlap' | 'too-fragmented' {
    if (end <= start) return 'ok';
    // First range whose end is >= start: the only candidates to touch or overlap on the left are it and later ones.
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.ends[mid] as number) < start) low = mid + 1;
      else high = mid;
    }
    const index = low;
    const next = index < this.starts.length ? { start: this.starts[index] as number, end: this.ends[index] as number } : null;
    if (next !== null && next.start < end && start < next.end) return 'overlap';
    const touchesLeft = next !== null && next.end === start;
    // After a left merge the range to the right of `next` may touch too; otherwise `next` itself is on the right.
    const rightIndex = touchesLeft ? index + 1 : index;
    const right = rightIndex < this.starts.length ? (this.starts[rightIndex] as number) : null;
    if (right !== null && right < end) return 'overlap';
    const touchesRight = right === end;
    if (touchesLeft && touchesRight) {
      this.ends[index] = this.ends[rightIndex] as number;
      this.starts.splice(rightIndex, 1);
      this.ends.splice(rightIndex, 1);
    } else if (touchesLeft) {
      this.ends[index] = end;
    } else if (touchesRight) {
      this.starts[rightIndex] = start;
    } else {
      if (this.starts.length >= this.maxRanges) return 'too-fragmented';
      this.starts.splice(index, 0, start);
      this.ends.splice(index, 0, end);
    }
    this.total += end - start;
    return 'ok';
  }

  /** True when the set is exactly one range [start, end). */
  covers(start: number, end: number): boolean {
    return this.starts.length === 1 && this.starts[0] === start && this.ends[0] === end;
  }

  toRanges(): NbdRange[] {
    return this.starts.map((start, i) => ({ offset: start, length: (this.ends[i] as number) - start }));
  }
}

/**
 * Appends extents to `into`, merging a new extent into the last one when they touch and have equal flags, and
 * clipping at `end` (a server may describe more than was asked for).
 */
export function appendExtents(into: NbdExtent[], extents: readonly NbdExtent[], end: number): void {
  for (const extent of extents) {
    if (extent.offset >= end) break;
    const length = Math.min(extent.length, end - extent.offset);
    const last = into.length > 0 ? into[into.length - 1] : undefined;
    if (last !== undefined && last.flags === extent.flags && last.offset + last.length === extent.offset) {
      last.length += length;
    } else {
      into.push({ offset: extent.offset, length, flags: extent.flags });
    }
  }
}
