/** Time as the engine sees it; tests pass a fake one to move through months of schedules and retention. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
