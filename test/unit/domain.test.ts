import { describe, expect, test } from "bun:test";
import { backoffDelay, backoffSchedule } from "../../src/domain/backoff.ts";
import { decideTicket, minutesToMs, orderLoad } from "../../src/domain/kitchen.ts";
import { decidePayment } from "../../src/domain/payment.ts";
import { checkReservation, normaliseItems } from "../../src/domain/reservation.ts";

const resto3 = new Map([
  ["BURGER_CLASSIC", 48],
  ["BURGER_CHEESE", 51],
  ["FRIES_REGULAR", 30],
]);
const example = [
  { sku: "BURGER_CLASSIC", quantity: 2 },
  { sku: "FRIES_REGULAR", quantity: 1 },
];

describe("kitchen maths (the seed's formula)", () => {
  test("the README's example order on resto-3 has load 42", () => {
    expect(orderLoad(example, resto3, 3)).toBe(42);
  });

  test("accepts while current + order load ≤ capacity; ETA = current + order load", () => {
    const first = decideTicket({ capacity: 80, parallelization: 3, currentLoad: 0 }, example, resto3);
    expect(first).toEqual({ accept: true, load: 42, etaMinutes: 42, newLoad: 42 });
    const second = decideTicket({ capacity: 80, parallelization: 3, currentLoad: 42 }, example, resto3);
    expect(second).toEqual({ accept: false, reason: "capacity_exceeded", load: 42 });
  });

  test("exactly at capacity is accepted", () => {
    const d = decideTicket({ capacity: 84, parallelization: 3, currentLoad: 42 }, example, resto3);
    expect(d).toMatchObject({ accept: true, etaMinutes: 84 });
  });

  test("an item the kitchen does not make is rejected", () => {
    const d = decideTicket(
      { capacity: 80, parallelization: 3, currentLoad: 0 },
      [{ sku: "PIZZA_VEGGIE", quantity: 1 }],
      resto3,
    );
    expect(d).toMatchObject({ accept: false, reason: "unknown_item", missing: ["PIZZA_VEGGIE"] });
  });

  test("fractional loads are kept to 4 decimals", () => {
    expect(orderLoad([{ sku: "BURGER_CHEESE", quantity: 1 }], resto3, 3)).toBe(17);
    expect(orderLoad([{ sku: "FRIES_REGULAR", quantity: 1 }], new Map([["FRIES_REGULAR", 10]]), 3)).toBe(
      3.3333,
    );
  });

  test("time scale turns minutes into ms", () => {
    expect(minutesToMs(42, 100)).toBe(4200);
    expect(minutesToMs(42, 0)).toBe(0);
  });
});

describe("reservation maths", () => {
  const stock = [
    { sku: "BURGER_CLASSIC", available: 2 },
    { sku: "FRIES_REGULAR", available: 0 },
  ];

  test("normalises: merges duplicate SKUs and sorts (a fixed lock order)", () => {
    expect(
      normaliseItems([
        { sku: "Z", quantity: 1 },
        { sku: "A", quantity: 2 },
        { sku: "Z", quantity: 3 },
      ]),
    ).toEqual([
      { sku: "A", quantity: 2 },
      { sku: "Z", quantity: 4 },
    ]);
  });

  test("unknown SKUs win over shortages", () => {
    expect(
      checkReservation(
        [
          { sku: "NOPE", quantity: 1 },
          { sku: "FRIES_REGULAR", quantity: 1 },
        ],
        stock,
      ),
    ).toEqual({
      ok: false,
      reason: "unknown_sku",
      skus: ["NOPE"],
    });
  });

  test("shortages name the SKUs", () => {
    expect(checkReservation(example, stock)).toEqual({
      ok: false,
      reason: "out_of_stock",
      skus: ["FRIES_REGULAR"],
    });
  });

  test("enough stock passes", () => {
    expect(checkReservation([{ sku: "BURGER_CLASSIC", quantity: 2 }], stock)).toMatchObject({ ok: true });
  });
});

describe("payment decisions", () => {
  const ok = { id: "pm-111", behavior: "authorize" as const, limitCents: 100_000 };
  test("seeded behaviours are deterministic", () => {
    expect(decidePayment(ok, 2500, 0)).toEqual({ ok: true });
    expect(decidePayment({ ...ok, behavior: "decline" }, 2500, 0)).toEqual({ ok: false, reason: "declined" });
    expect(decidePayment({ ...ok, limitCents: 1000 }, 2500, 0)).toEqual({
      ok: false,
      reason: "limit_exceeded",
    });
    expect(decidePayment(undefined, 2500, 0)).toEqual({ ok: false, reason: "unknown_payment_method" });
  });
  test("the failure rate declines with the given probability", () => {
    expect(decidePayment(ok, 1, 0.5, () => 0.4)).toEqual({ ok: false, reason: "processor_declined" });
    expect(decidePayment(ok, 1, 0.5, () => 0.6)).toEqual({ ok: true });
  });
});

describe("backoff", () => {
  test("doubles from the base and caps", () => {
    expect(backoffSchedule(6, { baseMs: 100, maxMs: 2000 })).toEqual([100, 200, 400, 800, 1600, 2000]);
  });
  test("jitter stays within ±jitter of the delay and under the cap", () => {
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const d = backoffDelay(3, { baseMs: 100, maxMs: 5000, jitter: 0.2 }, () => r);
      expect(d).toBeGreaterThanOrEqual(320);
      expect(d).toBeLessThanOrEqual(480);
    }
    expect(backoffDelay(0, { baseMs: 100, maxMs: 5000, jitter: 0 })).toBe(0);
  });
});

describe("retention durations", () => {
  test("parses s, m, h, d and refuses anything else", async () => {
    const { parseDuration } = await import("../../src/core/retention.ts");
    expect([parseDuration("90s"), parseDuration("15m"), parseDuration("24h"), parseDuration("7d")]).toEqual([
      90_000, 900_000, 86_400_000, 604_800_000,
    ]);
    for (const bad of ["", "24", "1w", "-1h", "1.5h", "h"]) expect(parseDuration(bad)).toBeUndefined();
  });
});
