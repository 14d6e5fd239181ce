import { describe, expect, it } from 'vitest';
import { chartAreaPath, chartStats, progressFraction, progressPercent } from './progress-math.js';

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
