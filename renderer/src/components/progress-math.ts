// The arithmetic behind progress bars and the throughput chart, kept apart from the markup so it can be tested.

/** Done out of total as a share from 0 to 1; null while the total is not known (0). */
export function progressFraction(done: number, total: number): number | null {
  if (!(total > 0)) return null;
  return Math.min(1, Math.max(0, done / total));
}

/** The whole percentage a progress bar reports (never 100 before the work is all done). */
export function progressPercent(fraction: number): number {
  return fraction >= 1 ? 100 : Math.min(99, Math.floor(fraction * 100));
}

/**
 * Where the work whose bytes a bar counts stands: `running` (not ended: a job's total grows as its VMs are sized,
 * and a VM whose disks are all read still writes its restore point), `done` (ended as it should), or not said.
 */
export type WorkStatus = 'running' | 'done';

/** The most a bar of work not yet ended shows: 99%. */
const RUNNING_MAX_FRACTION = 0.99;

/**
 * The share a bar shows of work in a given status: never all of it while the work runs (its bytes may all be read
 * with work left, or with VMs not yet counted), and all of it once done even when there was nothing to read.
 */
export function shownFraction(done: number, total: number, status?: WorkStatus): number | null {
  const fraction = progressFraction(done, total);
  if (fraction === null) return status === 'done' ? 1 : null;
  return status === 'running' ? Math.min(fraction, RUNNING_MAX_FRACTION) : fraction;
}

export interface ChartStats {
  now: number;
  peak: number;
  average: number;
  /** Seconds covered: one sample a second. */
  seconds: number;
}

export function chartStats(samples: readonly number[]): ChartStats | null {
  if (samples.length === 0) return null;
  const sum = samples.reduce((total, sample) => total + sample, 0);
  return { now: samples.at(-1) ?? 0, peak: Math.max(...samples), average: sum / samples.length, seconds: samples.length };
}

/**
 * The outline of the chart's filled area in a `width` × `height` box, the newest sample at the right edge and
 * `capacity` samples across, scaled so the peak touches the top. Null with fewer than two samples.
 */
export function chartAreaPath(samples: readonly number[], width: number, height: number, capacity: number): string | null {
  if (samples.length < 2) return null;
  const shown = samples.slice(-capacity);
  const peak = Math.max(...shown);
  const step = width / (capacity - 1);
  const x0 = width - (shown.length - 1) * step;
  const round = (n: number): string => String(Math.round(n * 100) / 100);
  const points = shown.map((sample, index) => {
    const x = x0 + index * step;
    const y = peak > 0 ? height - (sample / peak) * height : height;
    return `${round(x)},${round(y)}`;
  });
  return `M${round(x0)},${height} L${points.join(' L')} L${width},${height} Z`;
}
