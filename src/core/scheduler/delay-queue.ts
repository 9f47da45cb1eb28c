/**
 * A delay queue: keys become due at a time; `onDue` runs for each due key, in due order.
 *
 * It holds no state of its own worth keeping: the durable truth (e.g. a ticket's `ready_at`)
 * lives in Postgres, the owner rebuilds the queue from it on start, and a periodic `sweep`
 * picks up anything another instance (or a crashed one) left due. `onDue` must therefore be
 * idempotent — firing the same key twice must change nothing the second time.
 */
import { errorMessage } from "../../errors.ts";
import type { Logger } from "../../infra/log.ts";
import { type Clock, Waker, systemClock } from "../clock.ts";
import { MinHeap } from "./min-heap.ts";

export interface DelayQueueOptions {
  readonly onDue: (key: string) => Promise<void>;
  /** Finds keys due in durable storage (any instance's); runs every `sweepIntervalMs`. */
  readonly sweep?: () => Promise<readonly string[]>;
  readonly sweepIntervalMs: number;
  readonly log: Logger;
  readonly clock?: Clock;
}

export class DelayQueue {
  private readonly heap = new MinHeap();
  private readonly clock: Clock;
  private readonly waker: Waker;
  private running = false;
  private loop: Promise<void> | undefined;
  private lastSweep = 0;
  fired = 0;

  constructor(private readonly opts: DelayQueueOptions) {
    this.clock = opts.clock ?? systemClock;
    this.waker = new Waker(this.clock);
  }

  get size(): number {
    return this.heap.size;
  }

  schedule(key: string, dueAt: number): void {
    this.heap.push({ key, dueAt });
    this.waker.wake();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waker.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.fireDue();
      await this.maybeSweep();
      const next = this.heap.peek();
      const untilNext = next ? next.dueAt - this.clock.now() : Number.POSITIVE_INFINITY;
      const untilSweep = this.lastSweep + this.opts.sweepIntervalMs - this.clock.now();
      await this.waker.wait(Math.max(0, Math.min(untilNext, untilSweep)));
    }
  }

  private async fireDue(): Promise<void> {
    for (
      let top = this.heap.peek();
      top && top.dueAt <= this.clock.now() && this.running;
      top = this.heap.peek()
    ) {
      this.heap.pop();
      await this.fire(top.key);
    }
  }

  private async fire(key: string): Promise<void> {
    try {
      await this.opts.onDue(key);
      this.fired++;
    } catch (err) {
      // Durable state still says "due": the next sweep retries it.
      this.opts.log.warn("scheduled job failed; the sweep will retry it", { key, error: errorMessage(err) });
    }
  }

  private async maybeSweep(): Promise<void> {
    if (!this.opts.sweep || this.clock.now() - this.lastSweep < this.opts.sweepIntervalMs) return;
    this.lastSweep = this.clock.now();
    try {
      for (const key of await this.opts.sweep()) {
        if (!this.running) return;
        await this.fire(key);
      }
    } catch (err) {
      this.opts.log.warn("scheduler sweep failed", { error: errorMessage(err) });
    }
  }
}
