import { describe, expect, test } from "bun:test";
import {
  EVENT_TOPIC,
  EVENT_TYPES,
  createEvent,
  decodeEvent,
  encodeEvent,
} from "../../src/contracts/events.ts";
import { TOPICS, baseTopic, topicName } from "../../src/contracts/topics.ts";
import { orderMigrations } from "../../src/infra/db/migrate.ts";

const meta = {
  orderId: crypto.randomUUID(),
  correlationId: crypto.randomUUID(),
  causationId: null,
  producer: "gateway" as const,
};
const placed = {
  customerId: "cust-123",
  restaurantId: "resto-3",
  items: [{ sku: "BURGER_CLASSIC", quantity: 2 }],
  pmId: "pm-111",
  amountCents: 2500,
  currency: "USD",
  deliveryAddress: "Main St 1",
};

describe("event contracts", () => {
  test("every one of the ten events has a topic", () => {
    expect(EVENT_TYPES).toHaveLength(10);
    for (const t of EVENT_TYPES) expect(Object.values(TOPICS)).toContain(EVENT_TOPIC[t]);
  });

  test("encode → decode round-trips an envelope", () => {
    const e = createEvent("OrderPlaced", placed, meta);
    const d = decodeEvent(Buffer.from(encodeEvent(e)));
    expect(d).toEqual({ ok: true, event: e });
  });

  test("createEvent refuses a payload consumers would refuse", () => {
    expect(() => createEvent("OrderPlaced", { ...placed, items: [] }, meta)).toThrow();
  });

  test("poison classes are reported, never thrown", () => {
    const e = createEvent("OrderPlaced", placed, meta);
    expect(decodeEvent(null)).toMatchObject({ ok: false, reason: "BAD_JSON" });
    expect(decodeEvent("{nope")).toMatchObject({ ok: false, reason: "BAD_JSON" });
    expect(decodeEvent(JSON.stringify({ hello: 1 }))).toMatchObject({
      ok: false,
      reason: "INVALID_ENVELOPE",
    });
    expect(decodeEvent(JSON.stringify({ ...e, type: "OrderTeleported" }))).toMatchObject({
      ok: false,
      reason: "UNKNOWN_TYPE",
    });
    expect(decodeEvent(JSON.stringify({ ...e, version: 99 }))).toMatchObject({
      ok: false,
      reason: "UNSUPPORTED_VERSION",
    });
    expect(
      decodeEvent(JSON.stringify({ ...e, payload: { ...placed, items: [{ sku: "X", quantity: -1 }] } })),
    ).toMatchObject({
      ok: false,
      reason: "INVALID_PAYLOAD",
      eventId: e.id,
    });
  });

  test("topic prefixes isolate runs", () => {
    expect(topicName("t1.", TOPICS.order)).toBe("t1.order.events");
    expect(baseTopic("t1.", "t1.dlq.events")).toBe("dlq.events");
    expect(baseTopic("t1.", "t2.dlq.events")).toBeUndefined();
  });
});

describe("migration ordering", () => {
  test("orders by number, not by name or listing order", () => {
    expect(orderMigrations(["000002_b.sql", "000001_a.sql", "README.md"]).map((m) => m.version)).toEqual([
      1, 2,
    ]);
  });
  test("refuses gaps, duplicates and stray names", () => {
    expect(() => orderMigrations(["000001_a.sql", "000003_c.sql"])).toThrow(/out of sequence/);
    expect(() => orderMigrations(["000001_a.sql", "000001_b.sql"])).toThrow(/out of sequence/);
    expect(() => orderMigrations(["1_a.sql"])).toThrow(/NNNNNN_name/);
  });
});

describe("embedded migrations", () => {
  test("the binary embeds exactly the migration files, byte for byte, and the seed", async () => {
    const { loadMigrations, MIGRATIONS_DIR, SEED_FILE } = await import("../../src/infra/db/migrate.ts");
    const { EMBEDDED_SEED } = await import("../../src/infra/db/embedded.ts");
    expect(loadMigrations()).toEqual(loadMigrations(MIGRATIONS_DIR));
    expect(EMBEDDED_SEED).toBe(await Bun.file(SEED_FILE).text());
  });
});

describe("kafka storage format arguments", () => {
  test("cluster ids are 22 URL-safe characters and some start with '-' — so they must be passed as --cluster-id=…", async () => {
    const { randomClusterId } = await import("../../src/infra/stack/kafka-config.ts");
    const ids = Array.from({ length: 2000 }, () => randomClusterId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ids.some((id) => id.startsWith("-"))).toBe(true);
  });
});
