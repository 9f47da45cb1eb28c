/**
 * The whole saga on the real stack: every role in this process (as `saga-cli run all` runs
 * them), orders placed over HTTP, outcomes read back over HTTP and audited with the invariants.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Kafka } from "kafkajs";
import { TOPICS, topicName } from "../../src/contracts/topics.ts";
import { listDlq, replayDlq } from "../../src/core/dlq/store.ts";
import { createLogger } from "../../src/infra/log.ts";
import { auditInvariants } from "../../src/services/audit/invariants.ts";
import { waitForQuiet } from "../../src/services/audit/wait.ts";
import { type RunningRoles, startRoles } from "../../src/services/process.ts";
import { ROLE_NAMES } from "../../src/services/runtime.ts";
import { type TestStack, createTestStack, readTopic } from "../support/stack.ts";
import { type Order, exampleOrder, placeOrder, waitConsumed, waitTerminal } from "../support/saga.ts";

setDefaultTimeout(90_000);

let stack: TestStack;
let running: RunningRoles;
let base: string;

beforeAll(async () => {
  // 100 ms per prep minute: the example order (load 42) is ready ~4.2 s after acceptance — ample
  // time for a second order to be decided while the first is in the oven, even on a loaded machine.
  stack = await createTestStack({ timeScaleMsPerMinute: 100 });
  running = await startRoles(stack.config, ROLE_NAMES, { log: createLogger("error", "saga-test"), port: 0 });
  base = `http://127.0.0.1:${running.httpPort}`;
});

afterAll(async () => {
  await running?.stop();
  await stack?.cleanup();
});

async function expectInvariantsHold(): Promise<void> {
  const quiet = await waitForQuiet(stack.db.sql, 30_000);
  expect(quiet.quiet).toBe(true);
  const results = await auditInvariants(stack.db.sql);
  for (const r of results)
    expect({ id: r.id, ok: r.ok, offenders: r.offenders }).toEqual({ id: r.id, ok: true, offenders: [] });
}

async function stockOf(restaurant: string, sku: string): Promise<{ initial: number; available: number }> {
  const [row] = await stack.db
    .sql`SELECT initial, available FROM inventory.stock WHERE restaurant_id = ${restaurant} AND sku = ${sku}`;
  return { initial: Number(row?.initial), available: Number(row?.available) };
}

describe("the four outcomes, end to end over HTTP", () => {
  test("the seed's example order → COMPLETED", async () => {
    const id = await placeOrder(base, exampleOrder());
    const order = await waitTerminal(base, id);
    expect(order.status).toBe("COMPLETED");
    expect(order.eta_minutes).toBe(42);
    for (const t of ["reserved_at", "authorized_at", "accepted_at", "decided_at", "completed_at"] as const) {
      expect(order[t]).not.toBeNull();
    }
    await expectInvariantsHold();
  });

  test("more than the stock → CANCELED out_of_stock", async () => {
    const id = await placeOrder(base, exampleOrder({ items: [{ sku: "FRIES_REGULAR", quantity: 301 }] }));
    const order = await waitTerminal(base, id);
    expect([order.status, order.cancel_reason]).toEqual(["CANCELED", "out_of_stock"]);
    expect(order.cancel_detail).toContain("FRIES_REGULAR");
    await expectInvariantsHold();
  });

  test("a declined payment method → CANCELED payment_declined, stock restored", async () => {
    const before = await stockOf("resto-2", "SALAD_GREEK");
    const id = await placeOrder(
      base,
      exampleOrder({
        restaurant_id: "resto-2",
        items: [{ sku: "SALAD_GREEK", quantity: 3 }],
        pm_id: "pm-222",
      }),
    );
    const order = await waitTerminal(base, id);
    expect([order.status, order.cancel_reason]).toEqual(["CANCELED", "payment_declined"]);
    await expectInvariantsHold();
    expect(await stockOf("resto-2", "SALAD_GREEK")).toEqual(before);
    const [r] = await stack.db.sql`SELECT status, reason FROM inventory.reservations WHERE order_id = ${id}`;
    expect(r).toMatchObject({ status: "RELEASED", reason: "payment_failed" });
  });

  test("a second identical resto-3 order while the first is being prepared → restaurant_rejected, voided, restored", async () => {
    const before = await stockOf("resto-3", "BURGER_CLASSIC");
    const first = await placeOrder(base, exampleOrder());
    await waitTerminal(base, first, { until: (o) => o.status === "ACCEPTED" || o.status === "COMPLETED" });
    const second = await placeOrder(base, exampleOrder());
    const rejected = await waitTerminal(base, second);
    expect([rejected.status, rejected.cancel_reason, rejected.cancel_detail]).toEqual([
      "CANCELED",
      "restaurant_rejected",
      "capacity_exceeded",
    ]);
    expect((await waitTerminal(base, first)).status).toBe("COMPLETED");
    await expectInvariantsHold();
    const [p] = await stack.db.sql`SELECT status, voided_at FROM payment.payments WHERE order_id = ${second}`;
    expect(p?.status).toBe("VOIDED");
    // Only the completed first order still holds its burgers.
    expect((await stockOf("resto-3", "BURGER_CLASSIC")).available).toBe(before.available - 2);
    const [o] = await stack.db
      .sql`SELECT payment_voided_at, items_released_at FROM gateway.orders WHERE id = ${second}`;
    expect(o?.payment_voided_at).not.toBeNull();
    expect(o?.items_released_at).not.toBeNull();
  });
});

describe("observability", () => {
  test("one order's saga is one trace: every event on every topic continues the caller's traceparent", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await fetch(`${base}/api/v1/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify(exampleOrder({ items: [{ sku: "BURGER_CHEESE", quantity: 1 }] })),
    });
    const { order_id: id } = (await res.json()) as { order_id: string };
    expect((await waitTerminal(base, id)).status).toBe("COMPLETED");
    const mine = async (t: (typeof TOPICS)[keyof typeof TOPICS], n: number) =>
      (
        await readTopic(stack.config, t, { until: (ms) => ms.filter((m) => m.key === id).length >= n })
      ).filter((m) => m.key === id);
    const events = [
      ...(await mine(TOPICS.order, 1)),
      ...(await mine(TOPICS.inventory, 1)),
      ...(await mine(TOPICS.payment, 1)),
      ...(await mine(TOPICS.restaurant, 2)),
    ];
    expect(events.map((m) => m.headers["event-type"]).sort()).toEqual(
      ["ItemsReserved", "OrderPlaced", "PaymentAuthorized", "RestaurantAccepted", "RestaurantReady"].sort(),
    );
    const spans = new Set<string>();
    for (const m of events) {
      expect(m.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      spans.add(m.headers.traceparent!.split("-")[2]!);
    }
    expect(spans.size).toBe(events.length); // a new span per hop
  });
});

describe("concurrency and redelivery", () => {
  test("50 concurrent orders for a SKU with stock 10 → exactly 10 reserved, 40 out_of_stock", async () => {
    const sql = stack.db.sql;
    await sql`UPDATE inventory.stock SET initial = 10, available = 10 WHERE restaurant_id = 'resto-1' AND sku = 'PASTA_CARBONARA'`;
    // Take the kitchen out of the picture: this test is about stock.
    await sql`UPDATE restaurant.restaurants SET capacity = 100000 WHERE id = 'resto-1'`;
    await sql`UPDATE restaurant.menu_items SET prep_minutes = 1 WHERE restaurant_id = 'resto-1'`;
    const body = exampleOrder({ restaurant_id: "resto-1", items: [{ sku: "PASTA_CARBONARA", quantity: 1 }] });
    const ids = await Promise.all(Array.from({ length: 50 }, () => placeOrder(base, body)));
    const orders = await Promise.all(ids.map((id) => waitTerminal(base, id, { timeoutMs: 60_000 })));
    const outcome = (o: Order) => o.cancel_reason ?? o.status;
    const counts: Record<string, number> = {};
    for (const o of orders) counts[outcome(o)] = (counts[outcome(o)] ?? 0) + 1;
    expect(counts).toEqual({ COMPLETED: 10, out_of_stock: 40 });
    expect(await stockOf("resto-1", "PASTA_CARBONARA")).toEqual({ initial: 10, available: 0 });
    await expectInvariantsHold();
  });

  test("the same events delivered again change nothing", async () => {
    const id = await placeOrder(base, exampleOrder({ items: [{ sku: "BURGER_CHEESE", quantity: 1 }] }));
    expect((await waitTerminal(base, id)).status).toBe("COMPLETED");
    const sql = stack.db.sql;
    const snapshot = async () => ({
      stock: await stockOf("resto-3", "BURGER_CHEESE"),
      payments: (await sql`SELECT count(*)::int AS n FROM payment.payments WHERE order_id = ${id}`)[0]?.n,
      tickets: (await sql`SELECT count(*)::int AS n FROM restaurant.tickets WHERE order_id = ${id}`)[0]?.n,
      outbox: (
        await sql`
        SELECT (SELECT count(*) FROM inventory.outbox WHERE message_key = ${id})
             + (SELECT count(*) FROM payment.outbox WHERE message_key = ${id})
             + (SELECT count(*) FROM restaurant.outbox WHERE message_key = ${id}) AS n`
      )[0]?.n,
      load: (await sql`SELECT current_load::float8 AS l FROM restaurant.restaurants WHERE id = 'resto-3'`)[0]
        ?.l,
    });
    const before = await snapshot();
    // Re-publish every event of this order, byte for byte, as a relay that crashed before marking would.
    const rows = await sql`
      SELECT topic, message_key, envelope FROM gateway.outbox WHERE message_key = ${id}
      UNION ALL SELECT topic, message_key, envelope FROM inventory.outbox WHERE message_key = ${id}
      UNION ALL SELECT topic, message_key, envelope FROM payment.outbox WHERE message_key = ${id}
      UNION ALL SELECT topic, message_key, envelope FROM restaurant.outbox WHERE message_key = ${id}`;
    expect(rows.length).toBe(5);
    const producer = new Kafka({ brokers: [...stack.config.kafkaBrokers], logLevel: 0 }).producer();
    await producer.connect();
    for (const r of rows) {
      await producer.send({
        topic: r.topic,
        messages: [{ key: r.message_key, value: JSON.stringify(r.envelope) }],
      });
    }
    await producer.disconnect();
    await waitConsumed(stack.config);
    expect(await snapshot()).toEqual(before);
    expect((await waitTerminal(base, id)).status).toBe("COMPLETED");
    await expectInvariantsHold();
  });
});

describe("poison messages", () => {
  test("bad JSON, an unknown type and an invalid payload on each input topic land in the DLQ; orders still complete", async () => {
    const inputs = [TOPICS.order, TOPICS.inventory, TOPICS.payment, TOPICS.restaurant] as const;
    // Consumer groups reading each topic: the DLQ gets one entry per group per poison message.
    const readers: Record<(typeof inputs)[number], number> = {
      "order.events": 1,
      "inventory.events": 2,
      "payment.events": 3,
      "restaurant.events": 3,
    };
    const envelope = {
      id: crypto.randomUUID(),
      version: 1,
      orderId: crypto.randomUUID(),
      occurredAt: new Date().toISOString(),
      correlationId: crypto.randomUUID(),
      causationId: null,
      producer: "gateway",
    };
    const poison = [
      "{not json",
      JSON.stringify({ ...envelope, type: "OrderTeleported", payload: {} }),
      JSON.stringify({
        ...envelope,
        id: crypto.randomUUID(),
        type: "OrderPlaced",
        payload: { items: "many" },
      }),
    ];
    const producer = new Kafka({ brokers: [...stack.config.kafkaBrokers], logLevel: 0 }).producer();
    await producer.connect();
    for (const t of inputs) {
      await producer.send({
        topic: topicName(stack.config.topicPrefix, t),
        messages: poison.map((value, i) => ({ key: `poison-${i}`, value, headers: { origin: "test" } })),
      });
    }
    await producer.disconnect();
    const expected = inputs.reduce((n, t) => n + readers[t] * poison.length, 0);

    const id = await placeOrder(base, exampleOrder({ items: [{ sku: "FRIES_REGULAR", quantity: 1 }] }));
    expect((await waitTerminal(base, id)).status).toBe("COMPLETED");

    const dlq = await readTopic(stack.config, TOPICS.dlq, { until: expected, timeoutMs: 30_000 });
    expect(dlq.length).toBe(expected);
    const codes = new Set(dlq.map((m) => (m.value as { errorCode: string }).errorCode));
    expect(codes).toEqual(new Set(["POISON_BAD_JSON", "POISON_UNKNOWN_TYPE", "POISON_INVALID_PAYLOAD"]));
    for (const m of dlq) {
      const e = m.value as {
        origin: Record<string, unknown>;
        consumerGroup: string;
        attempts: number;
        errorMessage: string;
      };
      expect(e.origin.topic).toStartWith(stack.config.topicPrefix);
      expect(typeof e.origin.partition).toBe("number");
      expect(typeof e.origin.offset).toBe("string");
      expect(e.origin.key).toStartWith("poison-");
      expect(e.origin.headers).toEqual({ origin: "test" });
      expect(poison).toContain(e.origin.value as string);
      expect(e.consumerGroup).toStartWith(`${stack.config.topicPrefix}saga.`);
      expect(e.errorMessage.length).toBeGreaterThan(0);
      expect(e.attempts).toBe(1);
    }

    // Replay re-publishes the original bytes to the original topic, meant for the group that failed:
    // payment.events has three reader groups, yet only that one handles it (still poison: one new entry).
    const kafka = new Kafka({ brokers: [...stack.config.kafkaBrokers], logLevel: 0 });
    const entries = await listDlq(kafka, stack.db.sql, stack.config.topicPrefix);
    expect(entries.length).toBe(expected);
    const target = entries.find(
      (e) => e.entry.origin.topic.endsWith(TOPICS.payment) && e.entry.service === "restaurant",
    )!;
    expect(await replayDlq(kafka, stack.db.sql, [target])).toBe(1);
    await readTopic(stack.config, TOPICS.dlq, { until: expected + 1, timeoutMs: 30_000 });
    await waitConsumed(stack.config);
    const after = await readTopic(stack.config, TOPICS.dlq, { until: expected + 3, timeoutMs: 3_000 });
    expect(after.length).toBe(expected + 1);
    const replayed = (await listDlq(kafka, stack.db.sql, stack.config.topicPrefix)).filter(
      (e) => e.replayedAt !== null,
    );
    expect(replayed.map((e) => e.entry.id)).toEqual([target.entry.id]);
    const again = after.find(
      (m) =>
        (m.value as { origin: { headers: Record<string, string> } }).origin.headers["dlq-replay-of"] ===
        target.entry.id,
    );
    expect(again?.value).toMatchObject({ consumerGroup: target.entry.consumerGroup, service: "restaurant" });
    expect(again?.headers["dlq-origin-topic"]).toBe(target.entry.origin.topic);
  });
});
