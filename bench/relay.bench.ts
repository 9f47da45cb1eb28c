/**
 * Outbox relay throughput: rows committed to gateway.outbox → published to Kafka and marked,
 * for a few batch sizes. Runs against the real local stack (saga-cli stack up) in a throwaway
 * database and topic prefix; prints a Markdown table of medians over `RUNS` runs.
 *
 *   bun bench/relay.bench.ts            (ROWS=5000 RUNS=3 by default)
 */
import { createEvent } from "../src/contracts/events.ts";
import { TOPICS, topicName } from "../src/contracts/topics.ts";
import { insertOutbox } from "../src/core/outbox/queries.ts";
import { OutboxRelay } from "../src/core/outbox/relay.ts";
import { createIdempotentProducer, createKafka } from "../src/infra/kafka.ts";
import { createLogger } from "../src/infra/log.ts";
import { createTestStack } from "../test/support/stack.ts";

const ROWS = Number(process.env.ROWS ?? 5000);
const RUNS = Number(process.env.RUNS ?? 3);
const BATCHES = [50, 200, 1000];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const stack = await createTestStack();
const { sql } = stack.db;
const topic = topicName(stack.config.topicPrefix, TOPICS.order);
const kafka = createKafka(stack.config, "bench-relay");
const producer = createIdempotentProducer(kafka);
await producer.connect();

async function fill(n: number): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    const entries = Array.from({ length: Math.min(500, n - i) }, () => {
      const orderId = crypto.randomUUID();
      const event = createEvent(
        "OrderPlaced",
        {
          customerId: "bench",
          restaurantId: "resto-3",
          items: [{ sku: "FRIES_REGULAR", quantity: 1 }],
          pmId: "pm-111",
          amountCents: 100,
          currency: "USD",
          deliveryAddress: "bench",
        },
        { orderId, correlationId: orderId, causationId: null, producer: "gateway" },
      );
      return { topic, event };
    });
    await sql.begin((tx) => insertOutbox(tx, "gateway", entries));
  }
}

const rows: string[] = [];
for (const batchSize of BATCHES) {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await fill(ROWS);
    const relay = new OutboxRelay({
      sql,
      producer,
      schema: "gateway",
      batchSize,
      pollIntervalMs: 1000,
      log: createLogger("warn"),
    });
    const started = performance.now();
    await relay.start();
    for (;;) {
      const lag = await relay.lag();
      if (lag.unpublished === 0) break;
      await Bun.sleep(5);
    }
    times.push(performance.now() - started);
    await relay.stop();
  }
  const ms = median(times);
  rows.push(`| ${batchSize} | ${ROWS} | ${ms.toFixed(0)} | ${Math.round((ROWS / ms) * 1000)} |`);
  process.stderr.write(`batch ${batchSize}: runs ${times.map((t) => t.toFixed(0)).join(", ")} ms\n`);
}

/**
 * Wake-up latency: an idle relay whose poll is 10 s, one row committed at a time; the time from
 * COMMIT returning to the relay having published and marked it can only be NOTIFY's doing.
 */
async function wakeLatencies(samples: number): Promise<number[]> {
  const relay = new OutboxRelay({
    sql,
    producer,
    schema: "gateway",
    batchSize: 200,
    pollIntervalMs: 10_000,
    log: createLogger("warn"),
  });
  await relay.start();
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const before = relay.stats().published;
    await fill(1);
    const committed = performance.now();
    while (relay.stats().published === before) await Bun.sleep(1);
    out.push(performance.now() - committed);
    await Bun.sleep(50); // idle again before the next sample
  }
  await relay.stop();
  return out.sort((a, b) => a - b);
}

const WAKE_SAMPLES = 30;
const wake = await wakeLatencies(WAKE_SAMPLES);
const pct = (p: number) => wake[Math.min(wake.length - 1, Math.floor(p * wake.length))]!.toFixed(1);

await producer.disconnect();
await stack.cleanup();
console.log(`relay throughput, median of ${RUNS} runs (${new Date().toISOString().slice(0, 10)})\n`);
console.log("| batch size | rows | median ms | rows/s |\n|---|---|---|---|");
for (const r of rows) console.log(r);
console.log(
  `\nNOTIFY wake-up, commit → published and marked, ${WAKE_SAMPLES} single-row commits, poll 10 s\n`,
);
console.log("| p50 ms | p90 ms | max ms |\n|---|---|---|");
console.log(`| ${pct(0.5)} | ${pct(0.9)} | ${wake.at(-1)!.toFixed(1)} |`);
