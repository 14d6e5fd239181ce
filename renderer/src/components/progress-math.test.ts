import { describe, expect, it } from 'vitest';
import { chartAreaPath, chartStats, progressFraction, progressPercent, shownFraction } from './progress-math.js';

describe('progress arithmetic', () => {
  it('has no fraction while the total is not known, and stays within 0 to 1', () => {
    expect(progressFraction(10, 0)).toBeNull();
    expect(progressFraction(5, 20)).toBe(0.25);
    expect(progressFraction(30, 20)).toBe(1);
  });

  it('reports 100% only when all is done', () => {
    expect(progressPercent(0)).toBe(0);
    expect(progressPercent(0.456)).toBe(45);
    expect(progressPercent(0.9999)).toBe(99);
    expect(progressPercent(1)).toBe(100);
  });

  it('never shows work that has not ended as all done, and work done as all done even with nothing to read', () => {
    // A job whose VMs counted so far are all read, with VMs still to size, or a VM still writing its point.
    expect(progressPercent(shownFraction(20, 20, 'running')!)).toBe(99);
    expect(shownFraction(5, 20, 'running')).toBe(0.25);
    expect(shownFraction(0, 0, 'running')).toBeNull();
    // An incremental backup of a VM where nothing changed: 0 of 0 bytes, done.
    expect(shownFraction(0, 0, 'done')).toBe(1);
    expect(shownFraction(20, 20, 'done')).toBe(1);
    // Without a status (a disk's bar): bytes alone.
    expect(shownFraction(20, 20)).toBe(1);
    expect(shownFraction(0, 0)).toBeNull();
  });

  it('sums up the throughput samples', () => {
    expect(chartStats([])).toBeNull();
    expect(chartStats([10, 30, 20])).toEqual({ now: 20, peak: 30, average: 20, seconds: 3 });
  });

  it('draws the newest sample at the right edge, the peak at the top', () => {
    expect(chartAreaPath([5], 100, 10, 3)).toBeNull();
    expect(chartAreaPath([0, 10, 5], 100, 10, 3)).toBe('M0,10 L0,10 L50,0 L100,5 L100,10 Z');
    // Two samples of a capacity of three fill the right half.
    expect(chartAreaPath([10, 10], 100, 10, 3)).toBe('M50,10 L50,0 L100,0 L100,10 Z');
    // All zero: a flat line on the floor, not a division by zero.
    expect(chartAreaPath([0, 0], 100, 10, 2)).toBe('M0,10 L0,10 L100,10 L100,10 Z');
  });
});
