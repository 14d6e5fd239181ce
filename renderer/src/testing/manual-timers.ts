// Timers a store test fires by hand: what was scheduled (and for how long) is visible, and nothing runs until the
// test says so.
export interface ManualTimers {
  setTimer: (callback: () => void, ms: number) => unknown;
  clearTimer: (timer: unknown) => void;
  /** The delays of the timers scheduled and not yet fired or cleared. */
  pending: () => number[];
  /** Runs every pending timer once. */
  fire: () => void;
}

export function manualTimers(): ManualTimers {
  const timers = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  return {
    setTimer: (callback, ms) => {
      timers.set(next, { callback, ms });
      return next++;
    },
    clearTimer: (timer) => {
      timers.delete(timer as number);
    },
    pending: () => [...timers.values()].map((t) => t.ms),
    fire: () => {
      const all = [...timers.values()];
      timers.clear();
      for (const timer of all) timer.callback();
    },
  };
}
