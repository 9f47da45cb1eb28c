/** Exponential backoff with jitter: attempt 1 waits ~base, each next attempt doubles, capped. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Fraction of the delay randomised in [-jitter, +jitter] (0 = deterministic). */
  readonly jitter: number;
}

export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (attempt < 1) return 0;
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** (attempt - 1));
  const spread = exp * opts.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(opts.maxMs, Math.round(exp + spread)));
}

/** The deterministic schedule (no jitter) for the first `attempts` retries — shown in docs and tests. */
export function backoffSchedule(attempts: number, opts: Omit<BackoffOptions, "jitter">): number[] {
  return Array.from({ length: attempts }, (_, i) => backoffDelay(i + 1, { ...opts, jitter: 0 }));
}
