/** Snapshots for the dashboard's unit and frame tests: a busy healthy stack, and variations. */
import { ROLE_NAMES } from "../../src/services/runtime.ts";
import { shapeGroupLag } from "../../src/tui/snapshot/kafka-shape.ts";
import type { DlqLatest, PartitionLag, Snapshot } from "../../src/tui/snapshot/types.ts";

const wave = (n: number, scale: number) =>
  Array.from({ length: n }, (_, i) => Math.round((Math.sin(i / 4) + 1) * scale * 10) / 10);

function partitions(topic: string, lags: readonly number[]): PartitionLag[] {
  return lags.map((lag, partition) => ({
    topic: `t1.${topic}`,
    partition,
    committed: 100 - lag,
    high: 100,
    lag,
  }));
}

export const DLQ_ENTRIES: readonly DlqLatest[] = [
  {
    id: "6f1c2f3e-0000-4000-8000-000000000002",
    at: "2026-11-24T10:15:02.000Z",
    service: "payment",
    errorCode: "POISON_MESSAGE",
    reason: "payload failed validation: items must be a non-empty array of positive quantities",
    originTopic: "t1.inventory.events",
    eventType: "ItemsReserved",
    orderId: "0b1e5d7a-1111-4111-8111-111111111111",
  },
  {
    id: "6f1c2f3e-0000-4000-8000-000000000001",
    at: "2026-11-24T10:14:55.000Z",
    service: "inventory",
    errorCode: "PG_23514",
    reason: "new row violates check constraint",
    originTopic: "t1.order.events",
    eventType: "OrderPlaced",
    orderId: null,
  },
];

export function healthySnapshot(): Snapshot {
  const up = (address: string, detail: string | null) => ({
    up: true,
    address,
    detail,
    error: null,
    latencyMs: 3,
  });
  return {
    version: 1,
    takenAt: "2026-11-24T10:15:07.000Z",
    collectMs: 42,
    topicPrefix: "t1.",
    health: {
      postgres: up("127.0.0.1:5432/saga", "pg 16.4"),
      redis: up("127.0.0.1:6379", null),
      kafka: up("127.0.0.1:9092", "1 broker"),
    },
    roles: {
      ok: true,
      groups: ROLE_NAMES.map((role) => ({
        role,
        groupId: `t1.saga.${role}`,
        state: role === "payment" ? "PreparingRebalance" : "Stable",
        members: role === "restaurant" ? 0 : role === "inventory" ? 2 : 1,
        instances: role === "restaurant" ? [] : [{ clientId: `saga-${role}`, host: "127.0.0.1" }],
      })),
    },
    funnel: {
      ok: true,
      byStatus: { PENDING: 3, RESERVED: 2, AUTHORIZED: 1, ACCEPTED: 7, COMPLETED: 1180, CANCELED: 41 },
      totals: { placed: 1234, completed: 1180, canceled: 41, open: 13 },
      cancelReasons: [
        { reason: "out_of_stock", count: 20 },
        { reason: "payment_declined", count: 15 },
        { reason: "restaurant_rejected", count: 6 },
      ],
      rates: { placed: 12.5, completed: 11.9, canceled: 0.4 },
      history: { placed: wave(60, 10), completed: wave(60, 9), canceled: wave(60, 0.5) },
    },
    latency: {
      ok: true,
      windowMs: 300_000,
      decision: { count: 1190, p50: 38.2, p90: 95, p99: 410.5, max: 1250 },
      completion: { count: 1150, p50: 2150, p90: 4100, p99: 9800, max: 65_000 },
    },
    outbox: {
      ok: true,
      services: [
        { schema: "gateway", unpublished: 0, oldestAgeMs: 0, published: 1234 },
        { schema: "inventory", unpublished: 3, oldestAgeMs: 120, published: 1250 },
        { schema: "payment", unpublished: 0, oldestAgeMs: 0, published: 1180 },
        { schema: "restaurant", unpublished: 12, oldestAgeMs: 45_000, published: 2300 },
      ],
    },
    consumerLag: {
      ok: true,
      groups: [
        shapeGroupLag("gateway", "t1.saga.gateway", partitions("inventory.events", [0, 0, 0, 0, 0, 0])),
        shapeGroupLag("inventory", "t1.saga.inventory", partitions("order.events", [0, 4, 0, 0, 17, 0])),
        shapeGroupLag("payment", "t1.saga.payment", partitions("inventory.events", [0, 0, 2500, 0, 0, 0])),
        shapeGroupLag("restaurant", "t1.saga.restaurant", partitions("payment.events", [1, 0, 0, 0, 0, 0])),
      ],
    },
    dlq: { ok: true, total: 2, latest: DLQ_ENTRIES, readerError: null },
    restaurants: {
      ok: true,
      restaurants: [
        { id: "resto-1", name: "Trattoria Uno", capacity: 50, load: 12.5, preparing: 2 },
        { id: "resto-2", name: "Green Fork", capacity: 30, load: 28, preparing: 4 },
        { id: "resto-3", name: "Burger Barn", capacity: 80, load: 0, preparing: 0 },
      ],
    },
  };
}

export function postgresDownSnapshot(): Snapshot {
  const s = healthySnapshot();
  const error = "Postgres unreachable: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432";
  const down = { ok: false, error } as const;
  return {
    ...s,
    health: {
      ...s.health,
      postgres: {
        up: false,
        address: "127.0.0.1:5432/saga",
        detail: null,
        error: "ECONNREFUSED",
        latencyMs: null,
      },
    },
    funnel: down,
    latency: down,
    outbox: down,
    restaurants: down,
  };
}

export function emptyDlqSnapshot(): Snapshot {
  return { ...healthySnapshot(), dlq: { ok: true, total: 0, latest: [], readerError: null } };
}

export function everythingDownSnapshot(): Snapshot {
  const s = postgresDownSnapshot();
  const kafkaDown = {
    ok: false,
    error: "Kafka unreachable: Connection error: connect ECONNREFUSED 127.0.0.1:9092",
  } as const;
  return {
    ...s,
    health: {
      postgres: s.health.postgres,
      redis: {
        up: false,
        address: "127.0.0.1:6379",
        detail: null,
        error: "connect ECONNREFUSED 127.0.0.1:6379",
        latencyMs: null,
      },
      kafka: {
        up: false,
        address: "127.0.0.1:9092",
        detail: null,
        error: "Connection error",
        latencyMs: null,
      },
    },
    roles: kafkaDown,
    consumerLag: kafkaDown,
    dlq: kafkaDown,
  };
}
