import { describe, expect, test } from "bun:test";
import type { DlqEntry } from "../../src/core/dlq/entry.ts";
import {
  keepLatest,
  latestFromValues,
  parseDlqValue,
  partitionLags,
  retainedCount,
  shapeGroupLag,
  shapeRoleGroup,
  worstPartitions,
} from "../../src/tui/snapshot/kafka-shape.ts";
import type { DlqLatest } from "../../src/tui/snapshot/types.ts";

describe("consumer lag", () => {
  test("high − committed per partition; no commit counts from the log start", () => {
    const lags = partitionLags(
      "order.events",
      [
        { partition: 0, high: "10", low: "0" },
        { partition: 1, high: "7", low: "0" },
        { partition: 2, high: "5", low: "2" },
        { partition: 3, high: "0", low: "0" },
      ],
      [
        { partition: 0, offset: "10" },
        { partition: 1, offset: "3" },
        { partition: 2, offset: "-1" },
      ],
    );
    expect(lags).toEqual([
      { topic: "order.events", partition: 0, committed: 10, high: 10, lag: 0 },
      { topic: "order.events", partition: 1, committed: 3, high: 7, lag: 4 },
      { topic: "order.events", partition: 2, committed: null, high: 5, lag: 3 },
      { topic: "order.events", partition: 3, committed: null, high: 0, lag: 0 },
    ]);
  });

  test("a commit below the log start (retention deleted it) counts from the log start", () => {
    const [p] = partitionLags(
      "t",
      [{ partition: 0, high: "100", low: "90" }],
      [{ partition: 0, offset: "50" }],
    );
    expect(p?.lag).toBe(10);
  });

  test("a commit past the high watermark never gives negative lag", () => {
    const [p] = partitionLags("t", [{ partition: 0, high: "5", low: "0" }], [{ partition: 0, offset: "9" }]);
    expect(p?.lag).toBe(0);
  });

  test("group totals, worst partitions first, across groups", () => {
    const a = shapeGroupLag("inventory", "saga.inventory", [
      { topic: "b", partition: 1, committed: 0, high: 2, lag: 2 },
      { topic: "a", partition: 0, committed: 0, high: 9, lag: 9 },
      { topic: "a", partition: 1, committed: 0, high: 0, lag: 0 },
    ]);
    const b = shapeGroupLag("payment", "saga.payment", [
      { topic: "c", partition: 0, committed: 0, high: 5, lag: 5 },
    ]);
    expect(a.total).toBe(11);
    expect(a.partitions.map((p) => p.lag)).toEqual([9, 2, 0]);
    expect(worstPartitions([a, b]).map((p) => `${p.role}:${p.topic}/${p.partition}=${p.lag}`)).toEqual([
      "inventory:a/0=9",
      "payment:c/0=5",
      "inventory:b/1=2",
      "inventory:a/1=0",
    ]);
  });

  test("retained messages on a topic: Σ high − low", () => {
    expect(
      retainedCount([
        { partition: 0, high: "10", low: "4" },
        { partition: 1, high: "3", low: "0" },
        { partition: 2, high: "0", low: "0" },
      ]),
    ).toBe(9);
  });
});

describe("role groups", () => {
  test("members become instances; a missing group has none", () => {
    const g = shapeRoleGroup("payment", "saga.payment", {
      state: "Stable",
      members: [
        { clientId: "saga-b", clientHost: "/10.0.0.2" },
        { clientId: "saga-a", clientHost: "/10.0.0.1" },
      ],
    });
    expect(g).toEqual({
      role: "payment",
      groupId: "saga.payment",
      state: "Stable",
      members: 2,
      instances: [
        { clientId: "saga-a", host: "10.0.0.1" },
        { clientId: "saga-b", host: "10.0.0.2" },
      ],
    });
    expect(shapeRoleGroup("gateway", "saga.gateway", undefined)).toMatchObject({
      state: "Unknown",
      members: 0,
    });
  });
});

function entry(n: number, at: string): DlqEntry {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    deadLetteredAt: at,
    consumerGroup: "saga.payment",
    service: "payment",
    errorCode: "POISON_MESSAGE",
    errorMessage: `bad payload ${n}\nat line 2`,
    attempts: 1,
    eventId: null,
    eventType: "ItemsReserved",
    orderId: null,
    origin: {
      topic: "inventory.events",
      partition: 0,
      offset: String(n),
      timestamp: "0",
      key: null,
      value: "{}",
      valueEncoding: "utf8",
      headers: {},
    },
  };
}

const buf = (e: unknown) => Buffer.from(JSON.stringify(e));

describe("dead letters", () => {
  test("a DLQ message → its summary (first line of the reason); anything else → null", () => {
    expect(parseDlqValue(buf(entry(1, "2026-01-01T00:00:01Z")))).toEqual({
      id: "00000000-0000-4000-8000-000000000001",
      at: "2026-01-01T00:00:01Z",
      service: "payment",
      errorCode: "POISON_MESSAGE",
      reason: "bad payload 1",
      originTopic: "inventory.events",
      eventType: "ItemsReserved",
      orderId: null,
    });
    expect(parseDlqValue(null)).toBeNull();
    expect(parseDlqValue(Buffer.from("not json"))).toBeNull();
    expect(parseDlqValue(buf({ id: "x" }))).toBeNull();
  });

  test("keeps the newest N, newest first, without duplicates (a re-read after a restart)", () => {
    const values = [3, 1, 5, 2, 4, 5].map((n) => buf(entry(n, `2026-01-01T00:00:0${n}Z`)));
    const latest = latestFromValues([...values, null, Buffer.from("junk")], 3);
    expect(latest.map((e) => e.reason)).toEqual(["bad payload 5", "bad payload 4", "bad payload 3"]);
  });

  test("keepLatest ignores an entry already kept", () => {
    const e = parseDlqValue(buf(entry(7, "2026-01-01T00:00:07Z"))) as DlqLatest;
    expect(keepLatest(keepLatest([], e, 5), e, 5)).toHaveLength(1);
  });
});
