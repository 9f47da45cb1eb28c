import { describe, expect, test } from "bun:test";
import {
  displayAddress,
  emptyHistory,
  nothingReachable,
  pushHistory,
  ratesFromDeltas,
  shapeFunnelCounts,
  shapePercentiles,
  shortError,
} from "../../src/tui/snapshot/shape.ts";
import { everythingDownSnapshot, healthySnapshot, postgresDownSnapshot } from "./tui-fixture.ts";

const totals = (placed: number, completed: number, canceled: number) => ({
  placed,
  completed,
  canceled,
  open: placed - completed - canceled,
});

describe("funnel counts", () => {
  test("every status is present, totals add up, cancel reasons most frequent first", () => {
    const f = shapeFunnelCounts([
      { status: "COMPLETED", cancel_reason: null, count: 10 },
      { status: "CANCELED", cancel_reason: "payment_declined", count: 2 },
      { status: "CANCELED", cancel_reason: "out_of_stock", count: 5 },
      { status: "CANCELED", cancel_reason: null, count: 1 },
      { status: "PENDING", cancel_reason: null, count: 3 },
    ]);
    expect(f.byStatus).toEqual({
      PENDING: 3,
      RESERVED: 0,
      AUTHORIZED: 0,
      ACCEPTED: 0,
      COMPLETED: 10,
      CANCELED: 8,
    });
    expect(f.totals).toEqual({ placed: 21, completed: 10, canceled: 8, open: 3 });
    expect(f.cancelReasons).toEqual([
      { reason: "out_of_stock", count: 5 },
      { reason: "payment_declined", count: 2 },
      { reason: "unknown", count: 1 },
    ]);
  });

  test("an empty table and an unknown status", () => {
    expect(shapeFunnelCounts([]).totals).toEqual(totals(0, 0, 0));
    expect(shapeFunnelCounts([{ status: "WEIRD", cancel_reason: null, count: 4 }]).totals.placed).toBe(0);
  });
});

describe("rates from deltas", () => {
  test("per second between two samples", () => {
    const rates = ratesFromDeltas(
      { totals: totals(100, 80, 10), atMs: 10_000 },
      { totals: totals(120, 90, 11), atMs: 12_000 },
    );
    expect(rates).toEqual({ placed: 10, completed: 5, canceled: 0.5 });
  });

  test("no previous sample or no elapsed time → null", () => {
    const now = { totals: totals(1, 0, 0), atMs: 5 };
    expect(ratesFromDeltas(null, now)).toBeNull();
    expect(ratesFromDeltas(now, now)).toBeNull();
    expect(ratesFromDeltas({ ...now, atMs: 10 }, now)).toBeNull();
  });

  test("a counter that went down (database reset) gives zero, not a negative rate", () => {
    const rates = ratesFromDeltas(
      { totals: totals(50, 40, 5), atMs: 0 },
      { totals: totals(2, 1, 0), atMs: 1000 },
    );
    expect(rates).toEqual({ placed: 0, completed: 0, canceled: 0 });
  });

  test("history keeps the last N samples, oldest first, and skips unknown rates", () => {
    let h = emptyHistory();
    for (let i = 0; i < 5; i++) h = pushHistory(h, { placed: i, completed: i * 2, canceled: 0 }, 3);
    h = pushHistory(h, null, 3);
    expect(h).toEqual({ placed: [2, 3, 4], completed: [4, 6, 8], canceled: [0, 0, 0] });
  });
});

describe("percentile shaping", () => {
  test("a percentile_cont row → rounded ms", () => {
    expect(shapePercentiles({ count: 12, p: [10.04, "95.55", 400.123], max: "1250.0" })).toEqual({
      count: 12,
      p50: 10,
      p90: 95.6,
      p99: 400.1,
      max: 1250,
    });
  });

  test("no sample → null", () => {
    expect(shapePercentiles(undefined)).toBeNull();
    expect(shapePercentiles({ count: 0, p: null, max: null })).toBeNull();
    expect(shapePercentiles({ count: "0", p: [null, null, null], max: null })).toBeNull();
  });

  test("clock skew never shows a negative latency", () => {
    expect(shapePercentiles({ count: 1, p: [-3, -3, -3], max: -3 })?.p50).toBe(0);
  });
});

describe("addresses and errors", () => {
  test("credentials never reach the screen", () => {
    expect(displayAddress("postgres://user:secret@db.local:5433/saga")).toBe("db.local:5433/saga");
    expect(displayAddress("redis://:pw@127.0.0.1:6379/0")).toBe("127.0.0.1:6379");
    expect(displayAddress("not a url")).toBe("(invalid url)");
  });

  test("one line, with the error code when the message lacks it", () => {
    expect(shortError(Object.assign(new Error("connection refused\nstack"), { code: "ECONNREFUSED" }))).toBe(
      "ECONNREFUSED: connection refused",
    );
    expect(
      shortError(Object.assign(new Error("connect ECONNREFUSED 1.2.3.4:5"), { code: "ECONNREFUSED" })),
    ).toBe("connect ECONNREFUSED 1.2.3.4:5");
    expect(shortError("plain")).toBe("plain");
  });

  test("nothing reachable only when all three are down", () => {
    expect(nothingReachable(healthySnapshot())).toBe(false);
    expect(nothingReachable(postgresDownSnapshot())).toBe(false);
    expect(nothingReachable(everythingDownSnapshot())).toBe(true);
  });
});
