export interface BackoffOptions {
  /** Delay of the first retry, in ms. */
  initial: number;
  /** Largest delay, in ms. */
  max: number;
}

/**
 * Exponential backoff with jitter: about x2 per attempt, +-25%, capped. The jitter keeps a crowd of clients
 * from hammering a restarted server in lockstep.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const base = opts.initial * Math.pow(2, Math.max(0, attempt - 1));
  const jittered = base * (0.75 + 0.5 * random());
  return Math.round(Math.min(opts.max, jittered));
}
