/**
 * The transactional outbox relay (DESIGN §6) against real Postgres and Kafka: exactly once in
 * the normal case, per-order commit order, rows committed late with a smaller id, at-least-once
 * across a real SIGKILL between send and mark, two relays at once, the NOTIFY wake-up and the
 * outbox lag.
 *
 * One database and one set of topics for the file; each test has its own order ids (message
 * keys), and the tests whose assertions count a whole outbox (crash, two relays, lag) use a
 * schema no other test touches.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { Kafka, Producer } from "kafkajs";
import { type Envelope, createEvent } from "../../src/contracts/events.ts";
import { type BaseTopic, TOPICS, topicName } from "../../src/contracts/topics.ts";
import { insertOutbox, outboxLag } from "../../src/core/outbox/queries.ts";
import { OutboxRelay, type RelayOptions } from "../../src/core/outbox/relay.ts";
import { type Sql, connectDb } from "../../src/infra/db/client.ts";
import { readTopicToEnd } from "../../src/infra/kafka-read.ts";
import { createIdempotentProducer, createKafka } from "../../src/infra/kafka.ts";
import { createLogger } from "../../src/infra/log.ts";
import { type TestStack, createTestStack, randomId, waitFor } from "../support/stack.ts";

setDefaultTimeout(60_000);

const log = createLogger("warn", "relay-test");
let stack: TestStack;
let sql: Sql;
let kafka: Kafka;

interface RunningRelay {
  readonly relay: OutboxRelay;
  stop(): Promise<void>;
}
const running = new Set<RunningRelay>();

beforeAll(async () => {
  stack = await createTestStack();
  sql = stack.db.sql;
  kafka = createKafka(stack.config, `relay-test-${randomId(3)}`, log.child("kafka"));
});

afterAll(async () => {
  for (const r of [...running]) await r.stop().catch(() => {});
  await stack?.cleanup();
});

type RelayTuning = Partial<Pick<RelayOptions, "batchSize" | "pollIntervalMs" | "afterSend">>;

/** A relay as a role instance runs it: its own pool, its own idempotent producer. */
async function startRelay(schema: string, tuning: RelayTuning = {}): Promise<RunningRelay> {
  const pool = connectDb(stack.config, { max: 3, applicationName: `saga-test relay ${schema}` });
  const producer: Producer = createIdempotentProducer(kafka);
  const relay = new OutboxRelay({
    sql: pool,
    producer,
    schema,
    batchSize: tuning.batchSize ?? 100,
    pollIntervalMs: tuning.pollIntervalMs ?? 50,
    log: log.child(`${schema}.relay`),
    afterSend: tuning.afterSend,
  });
  let stopped = false;
  const handle: RunningRelay = {
    relay,
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(handle);
      try {
        await relay.stop();
      } finally {
        await producer.disconnect().catch(() => {});
        await pool.end({ timeout: 5 });
      }
    },
  };
  running.add(handle);
  await producer.connect();
  await relay.start();
  return handle;
}

/** An envelope for one order; `seq` rides in the payload to make a failing diff readable. */
function eventFor(orderId: string, seq: number): Envelope {
  return createEvent(
    "RestaurantReady",
    { ticketId: crypto.randomUUID(), restaurantId: "resto-1", load: seq },
    { orderId, correlationId: orderId, causationId: null, producer: "restaurant" },
  );
}

/** Commits one event in its own transaction; returns its id. */
async function commitEvent(schema: string, base: BaseTopic, orderId: string, seq: number): Promise<string> {
  const event = eventFor(orderId, seq);
  await sql.begin((tx) =>
    insertOutbox(tx, schema, [{ topic: topicName(stack.config.topicPrefix, base), event }]),
  );
  return event.id;
}

/** published_at of each event id (null while unpublished). */
async function publishedAt(schema: string, ids: readonly string[]): Promise<Map<string, Date | null>> {
  const rows =
    await sql`SELECT event_id, published_at FROM ${sql(schema)}.outbox WHERE event_id IN ${sql([...ids])}`;
  return new Map(rows.map((r) => [String(r.event_id), (r.published_at as Date | null) ?? null]));
}

async function allPublished(schema: string, ids: readonly string[]): Promise<boolean> {
  const state = await publishedAt(schema, ids);
  return state.size === ids.length && [...state.values()].every((at) => at !== null);
}

interface Seen {
  readonly key: string;
  readonly eventId: string;
  readonly partition: number;
  readonly offset: number;
}

/** Every message on the topic up to its current end, in partition/offset order. */
async function readAll(base: BaseTopic): Promise<Seen[]> {
  const messages = await readTopicToEnd(kafka, topicName(stack.config.topicPrefix, base));
  return messages.map(({ partition, offset, message }) => ({
    key: message.key?.toString("utf8") ?? "",
    eventId: message.headers?.["event-id"]?.toString() ?? "",
    partition,
    offset: Number(offset),
  }));
}

/** The event ids of each of `keys`, in the order the topic holds them; checks one partition per key. */
function eventsByKey(seen: readonly Seen[], keys: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(keys.map((k) => [k, []]));
  const partitionOf = new Map<string, number>();
  for (const m of seen) {
    const list = out.get(m.key);
    if (!list) continue;
    expect(partitionOf.get(m.key) ?? m.partition).toBe(m.partition);
    partitionOf.set(m.key, m.partition);
    list.push(m.eventId);
  }
  return out;
}

function countById(seen: readonly Seen[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of seen) counts.set(m.eventId, (counts.get(m.eventId) ?? 0) + 1);
  return counts;
}

function newOrders(n: number): string[] {
  return Array.from({ length: n }, () => crypto.randomUUID());
}

describe("outbox relay on real Postgres and Kafka", () => {
  test("committed rows reach the topic exactly once, each order's events in commit order", async () => {
    const orders = newOrders(3);
    const expected = new Map<string, string[]>(orders.map((o) => [o, []]));
    const commit = async (seq: number) => {
      for (const o of orders) expected.get(o)!.push(await commitEvent("gateway", TOPICS.order, o, seq));
    };
    // Some rows wait for the relay to start, the rest arrive while it runs.
    for (let seq = 0; seq < 3; seq++) await commit(seq);
    const r = await startRelay("gateway");
    try {
      for (let seq = 3; seq < 5; seq++) await commit(seq);
      const ids = [...expected.values()].flat();
      await waitFor(() => allPublished("gateway", ids), { what: "15 rows published" });
      expect(r.relay.stats()).toMatchObject({ published: 15, lastError: undefined });
    } finally {
      await r.stop();
    }

    const seen = (await readAll(TOPICS.order)).filter((m) => expected.has(m.key));
    const ids = [...expected.values()].flat();
    expect(seen).toHaveLength(15);
    expect([...countById(seen).entries()].sort()).toEqual(
      ids.map((id) => [id, 1] as [string, number]).sort(),
    );
    expect(eventsByKey(seen, orders)).toEqual(expected);
  });

  test("a row committed late with a smaller id is still published", async () => {
    const [lateOrder, earlyOrder] = newOrders(2) as [string, string];
    const r = await startRelay("gateway");
    const held = await sql.reserve();
    let open = false;
    try {
      await held`BEGIN`;
      open = true;
      const late = eventFor(lateOrder, 0);
      await insertOutbox(held, "gateway", [
        { topic: topicName(stack.config.topicPrefix, TOPICS.order), event: late },
      ]);
      const [lateRow] = await held`SELECT id FROM gateway.outbox WHERE event_id = ${late.id}`;

      const early = await commitEvent("gateway", TOPICS.order, earlyOrder, 0);
      const [earlyRow] = await sql`SELECT id FROM gateway.outbox WHERE event_id = ${early}`;
      expect(Number(lateRow?.id)).toBeLessThan(Number(earlyRow?.id));
      await waitFor(() => allPublished("gateway", [early]), { what: "the row committed first" });

      await held`COMMIT`;
      open = false;
      // The relay has already published a larger id; a `id > last_published_id` relay would skip this.
      await waitFor(() => allPublished("gateway", [late.id]), { what: "the late row with the smaller id" });

      const seen = (await readAll(TOPICS.order)).filter((m) => m.key === lateOrder || m.key === earlyOrder);
      expect(seen.map((m) => m.eventId).sort()).toEqual([late.id, early].sort());
    } finally {
      if (open) await held`ROLLBACK`.catch(() => {});
      held.release();
      await r.stop();
    }
  });

  test("a relay SIGKILLed between send and mark leaves rows unpublished; the next relay sends them again", async () => {
    const schema = "inventory";
    const [order] = newOrders(1) as [string];
    const ids: string[] = [];
    for (let seq = 0; seq < 5; seq++) ids.push(await commitEvent(schema, TOPICS.inventory, order, seq));

    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../fixtures/relay-crash.ts"), schema], {
      env: {
        ...process.env,
        DATABASE_URL: stack.db.url,
        KAFKA_BROKERS: stack.config.kafkaBrokers.join(","),
        SAGA_TOPIC_PREFIX: stack.config.topicPrefix,
        SAGA_LOG_LEVEL: "warn",
      },
      stdout: "pipe",
      stderr: "inherit",
    });
    try {
      const outcome = await Promise.race([proc.exited, Bun.sleep(30_000).then(() => "timeout" as const)]);
      expect(outcome).not.toBe("timeout");
      expect(proc.signalCode).toBe("SIGKILL");
      const claimed = (await new Response(proc.stdout).text()).trim().split("\n");
      expect(claimed.sort()).toEqual([...ids].sort());
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await proc.exited;
    }

    // Killed before the mark: the transaction died with its connection.
    expect([...(await publishedAt(schema, ids)).values()]).toEqual(ids.map(() => null));
    const afterCrash = (await readAll(TOPICS.inventory)).filter((m) => m.key === order);
    expect(afterCrash.map((m) => m.eventId)).toEqual(ids);

    const r = await startRelay(schema);
    try {
      await waitFor(() => allPublished(schema, ids), { what: "the crashed batch published again" });
    } finally {
      await r.stop();
    }
    // At-least-once, visibly: the whole batch again, in order, after the first copy.
    const afterRetry = (await readAll(TOPICS.inventory)).filter((m) => m.key === order);
    expect(afterRetry.map((m) => m.eventId)).toEqual([...ids, ...ids]);
    expect(await outboxLag(sql, schema)).toMatchObject({ unpublished: 0, published: 5 });
  });

  test("two relays at once: every event once, each order's events in commit order", async () => {
    const schema = "restaurant";
    // Mutual exclusion, observed: no two relays are ever between claim and mark at once.
    let inBatch = 0;
    let maxInBatch = 0;
    const afterSend = async () => {
      inBatch++;
      maxInBatch = Math.max(maxInBatch, inBatch);
      await Bun.sleep(2);
      inBatch--;
    };
    const relays = [
      await startRelay(schema, { batchSize: 7, pollIntervalMs: 20, afterSend }),
      await startRelay(schema, { batchSize: 7, pollIntervalMs: 20, afterSend }),
    ];
    const orders = newOrders(10);
    const expected = new Map<string, string[]>(orders.map((o) => [o, []]));
    try {
      // Ten writers, one per order, each committing its 20 events one transaction at a time.
      await Promise.all(
        orders.map(async (o) => {
          for (let seq = 0; seq < 20; seq++) {
            expected.get(o)!.push(await commitEvent(schema, TOPICS.restaurant, o, seq));
            await Bun.sleep(Math.floor(Math.random() * 4));
          }
        }),
      );
      const ids = [...expected.values()].flat();
      await waitFor(() => allPublished(schema, ids), { what: "200 rows published" });
      const stats = relays.map((r) => r.relay.stats());
      expect(stats.map((s) => s.lastError)).toEqual([undefined, undefined]);
      expect(stats[0]!.published + stats[1]!.published).toBe(200);
      // Both took part: each held the lock for some batches (the lead changed hands).
      for (const s of stats) expect(s.batches).toBeGreaterThan(0);
      expect(maxInBatch).toBe(1);
    } finally {
      for (const r of relays) await r.stop();
    }

    const seen = (await readAll(TOPICS.restaurant)).filter((m) => expected.has(m.key));
    expect(seen).toHaveLength(200);
    expect(new Set(seen.map((m) => m.eventId)).size).toBe(200);
    expect(eventsByKey(seen, orders)).toEqual(expected);
  });

  test("LISTEN/NOTIFY wakes an idle relay long before its poll interval", async () => {
    const pollIntervalMs = 10_000;
    const [order] = newOrders(1) as [string];
    const r = await startRelay("gateway", { pollIntervalMs });
    const started = performance.now();
    const ids: string[] = [];
    const wakeUps: number[] = [];
    try {
      // Idle for sure: its first row is published and it has gone back to waiting.
      ids.push(await commitEvent("gateway", TOPICS.payment, order, 0));
      await waitFor(() => allPublished("gateway", ids), { intervalMs: 5, what: "the first row" });
      for (let seq = 1; seq <= 3; seq++) {
        await Bun.sleep(100);
        const t0 = performance.now();
        const id = await commitEvent("gateway", TOPICS.payment, order, seq);
        ids.push(id);
        await waitFor(() => allPublished("gateway", [id]), {
          intervalMs: 2,
          timeoutMs: 5000,
          what: `row ${seq}`,
        });
        wakeUps.push(Math.round(performance.now() - t0));
      }
      // Everything happened inside one poll interval: only a notification can have woken it.
      expect(performance.now() - started).toBeLessThan(pollIntervalMs);
    } finally {
      await r.stop();
    }
    console.log(`relay NOTIFY wake-up, commit → published_at seen: ${wakeUps.join(", ")} ms`);
    for (const ms of wakeUps) expect(ms).toBeLessThan(1000);
    const seen = (await readAll(TOPICS.payment)).filter((m) => m.key === order);
    expect(seen.map((m) => m.eventId)).toEqual(ids);
  });

  test("outboxLag counts unpublished rows and the oldest one's age, then 0 once published", async () => {
    const schema = "payment";
    const [order] = newOrders(1) as [string];
    expect(await outboxLag(sql, schema)).toEqual({ schema, unpublished: 0, published: 0, oldestAgeMs: 0 });
    for (let seq = 0; seq < 4; seq++) await commitEvent(schema, TOPICS.payment, order, seq);
    await Bun.sleep(60);

    const lag = await outboxLag(sql, schema);
    expect(lag).toMatchObject({ schema, unpublished: 4, published: 0 });
    expect(lag.oldestAgeMs).toBeGreaterThanOrEqual(50);
    expect(lag.oldestAgeMs).toBeLessThan(30_000);

    const r = await startRelay(schema);
    try {
      await waitFor(async () => (await outboxLag(sql, schema)).unpublished === 0, {
        what: "an empty outbox",
      });
      expect(await r.relay.lag()).toEqual({ schema, unpublished: 0, published: 4, oldestAgeMs: 0 });
    } finally {
      await r.stop();
    }
    expect(await outboxLag(sql, schema)).toEqual({ schema, unpublished: 0, published: 4, oldestAgeMs: 0 });
  });
});
