/**
 * The consumer core on real Kafka and Postgres: transient failures retry with growing delays
 * and apply once; non-retryable and exhausted failures are dead-lettered and the consumer moves on.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { EVENT_TOPIC, createEvent } from "../../src/contracts/events.ts";
import { TOPICS, topicName } from "../../src/contracts/topics.ts";
import { ServiceConsumer } from "../../src/core/consumer/consumer.ts";
import { Dispatcher } from "../../src/core/consumer/dispatcher.ts";
import { SagaError } from "../../src/errors.ts";
import {
  type TestRoleContext,
  type TestStack,
  createTestRoleContext,
  createTestStack,
  readTopic,
  waitFor,
} from "../support/stack.ts";

setDefaultTimeout(60_000);

let stack: TestStack;
let role: TestRoleContext;

beforeAll(async () => {
  stack = await createTestStack({ consumer: { maxAttempts: 4, backoffBaseMs: 50, backoffMaxMs: 1000 } });
  role = await createTestRoleContext(stack.config, "consumer-test");
});

afterAll(async () => {
  await role?.close();
  await stack?.cleanup();
});

const placed = (orderId: string) =>
  createEvent(
    "OrderPlaced",
    {
      customerId: "c",
      restaurantId: "resto-3",
      items: [{ sku: "FRIES_REGULAR", quantity: 1 }],
      pmId: "pm-111",
      amountCents: 100,
      currency: "USD",
      deliveryAddress: "x",
    },
    { orderId, correlationId: crypto.randomUUID(), causationId: null, producer: "gateway" },
  );

async function publish(events: ReturnType<typeof placed>[]): Promise<void> {
  const producer = role.ctx.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topicName(stack.config.topicPrefix, EVENT_TOPIC.OrderPlaced),
    messages: events.map((e) => ({ key: e.orderId, value: JSON.stringify(e) })),
  });
  await producer.disconnect();
}

function consumer(dispatcher: Dispatcher, group: string, onRetry?: (delay: number) => void): ServiceConsumer {
  return new ServiceConsumer({
    kafka: role.ctx.kafka,
    sql: role.ctx.sql,
    log: role.ctx.log,
    service: "inventory",
    groupId: `${stack.config.topicPrefix}${group}`,
    topics: [topicName(stack.config.topicPrefix, TOPICS.order)],
    dispatcher,
    dlq: role.ctx.dlq,
    config: stack.config,
    concurrency: 3,
    onFatal: (err) => {
      throw err;
    },
    onRetry: (info) => onRetry?.(info.delayMs),
  });
}

async function outboxRows(orderId: string): Promise<number> {
  const [r] = await stack.db
    .sql`SELECT count(*)::int AS n FROM inventory.outbox WHERE message_key = ${orderId}`;
  return r?.n ?? 0;
}

describe("ServiceConsumer", () => {
  test("a handler that fails twice with a transient error then succeeds → one effect, growing delays", async () => {
    const orderId = crypto.randomUUID();
    let calls = 0;
    const delays: number[] = [];
    const d = new Dispatcher().on("OrderPlaced", async (event, ctx) => {
      calls++;
      if (calls <= 2) throw new SagaError("DB_TRANSIENT", `simulated outage ${calls}`);
      ctx.emit("ItemsReservationFailed", {
        restaurantId: event.payload.restaurantId,
        reason: "unknown_sku",
        skus: ["X"],
      });
    });
    const c = consumer(d, "retry", (ms) => delays.push(ms));
    await c.start();
    try {
      await publish([placed(orderId)]);
      await waitFor(async () => c.stats.applied === 1, { what: "the event to be applied" });
      expect(calls).toBe(3);
      expect(delays.length).toBe(2);
      // 50 ms then 100 ms, each ±20 % jitter: the second wait is longer than the first.
      expect(delays[0]!).toBeGreaterThanOrEqual(40);
      expect(delays[0]!).toBeLessThanOrEqual(60);
      expect(delays[1]!).toBeGreaterThan(delays[0]!);
      expect(await outboxRows(orderId)).toBe(1);
      expect(c.stats).toMatchObject({ applied: 1, retries: 2, deadLettered: 0 });
    } finally {
      await c.stop();
    }
  });

  test("exhausted retries and non-retryable errors go to the DLQ with attempts; later messages still flow", async () => {
    const flaky = crypto.randomUUID();
    const broken = crypto.randomUUID();
    const fine = crypto.randomUUID();
    const d = new Dispatcher().on("OrderPlaced", async (event, ctx) => {
      if (event.orderId === flaky) throw new SagaError("DB_TRANSIENT", "never recovers");
      if (event.orderId === broken) throw new TypeError("a bug in the handler");
      ctx.emit("ItemsReservationFailed", { restaurantId: "resto-3", reason: "unknown_sku", skus: ["X"] });
    });
    const c = consumer(d, "dlq");
    await c.start();
    try {
      await publish([placed(flaky), placed(broken), placed(fine)]);
      await waitFor(async () => c.stats.deadLettered === 2 && c.stats.applied === 1, {
        what: "two dead letters and one success",
      });
      expect(await outboxRows(fine)).toBe(1);
      expect(await outboxRows(flaky)).toBe(0);
      const dlq = await readTopic(stack.config, TOPICS.dlq, {
        until: (ms) =>
          ms.filter((m) => [flaky, broken].includes((m.value as { orderId: typeof flaky }).orderId))
            .length === 2,
      });
      const byOrder = new Map(
        dlq.map((m) => [(m.value as { orderId: string }).orderId, m.value as Record<string, unknown>]),
      );
      expect(byOrder.get(flaky)).toMatchObject({
        errorCode: "DB_TRANSIENT",
        attempts: 4,
        service: "inventory",
        eventType: "OrderPlaced",
      });
      expect(byOrder.get(broken)).toMatchObject({
        errorCode: "TypeError",
        attempts: 1,
        errorMessage: "a bug in the handler",
      });
      // Nothing was half-applied: the failed transactions left no inbox rows.
      const inbox = await stack.db.sql`SELECT event_id FROM inventory.inbox WHERE consumer = 'inventory'`;
      expect(inbox.length).toBe(2);
    } finally {
      await c.stop();
    }
  });
});
