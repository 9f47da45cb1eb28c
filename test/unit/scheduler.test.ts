import { describe, expect, test } from "bun:test";
import type { Clock } from "../../src/core/clock.ts";
import { DelayQueue } from "../../src/core/scheduler/delay-queue.ts";
import { MinHeap } from "../../src/core/scheduler/min-heap.ts";
import { createLogger } from "../../src/infra/log.ts";

/** A manual clock: sleeps resolve when the test advances time past them. */
class FakeClock implements Clock {
  t = 1_000_000;
  private sleepers: { until: number; resolve: () => void }[] = [];
  now = () => this.t;
  sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const s = { until: this.t + ms, resolve };
      this.sleepers.push(s);
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
  async advance(ms: number) {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.resolve();
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
}

describe("MinHeap", () => {
  test("pops in due order, ties in insertion order", () => {
    const h = new MinHeap();
    for (const [key, dueAt] of [
      ["c", 3],
      ["a", 1],
      ["b", 2],
      ["a2", 1],
      ["z", 9],
      ["m", 5],
    ] as const)
      h.push({ key, dueAt });
    const out: string[] = [];
    for (let x = h.pop(); x; x = h.pop()) out.push(x.key);
    expect(out).toEqual(["a", "a2", "b", "c", "m", "z"]);
  });
});

describe("DelayQueue", () => {
  test("fires keys at their due time, in order, without real sleeping", async () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    const q = new DelayQueue({
      onDue: async (k) => void fired.push(k),
      sweepIntervalMs: 1_000_000,
      log: createLogger("error"),
      clock,
    });
    q.start();
    q.schedule("late", clock.t + 500);
    q.schedule("early", clock.t + 100);
    await clock.advance(0);
    expect(fired).toEqual([]);
    await clock.advance(100);
    expect(fired).toEqual(["early"]);
    await clock.advance(400);
    expect(fired).toEqual(["early", "late"]);
    await q.stop();
  });

  test("the sweep finds keys due elsewhere (durable state) and a failing job is retried by it", async () => {
    const clock = new FakeClock();
    let attempts = 0;
    const fired: string[] = [];
    const q = new DelayQueue({
      onDue: async (k) => {
        attempts++;
        if (attempts === 1) throw new Error("db hiccup");
        fired.push(k);
      },
      sweep: async () => (fired.length === 0 ? ["from-db"] : []),
      sweepIntervalMs: 1000,
      log: createLogger("error"),
      clock,
    });
    q.start();
    await clock.advance(0);
    expect(attempts).toBe(1);
    await clock.advance(1000);
    expect(fired).toEqual(["from-db"]);
    await q.stop();
  });
});
