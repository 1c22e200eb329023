/** The source of "now", so time-dependent code can be driven in tests without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
