/**
 * Injected time. The relay, the scheduler and retry logic take a Clock so tests can drive
 * them without sleeping for seconds.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** A wake-up signal: `wait(ms)` resolves on the next `wake()` or after `ms`, whichever is first. */
export class Waker {
  private controller = new AbortController();
  constructor(private readonly clock: Clock = systemClock) {}

  wake(): void {
    this.controller.abort();
  }

  async wait(ms: number): Promise<void> {
    const signal = this.controller.signal;
    if (!signal.aborted) await this.clock.sleep(ms, signal);
    if (this.controller.signal.aborted) this.controller = new AbortController();
  }
}
