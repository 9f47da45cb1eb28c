/**
 * The dashboard's data on the real stack: every role running in this process, an order placed
 * over HTTP, a poison message dead-lettered; then what the SnapshotCollector and
 * `saga-cli dashboard --once --json` report. And a collector pointed at nothing: every section
 * down, no throw, bounded time.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { type Config, loadConfig } from "../../src/config.ts";
import { TOPICS, topicName } from "../../src/contracts/topics.ts";
import { createLogger } from "../../src/infra/log.ts";
import { type RunningRoles, startRoles } from "../../src/services/process.ts";
import { ROLE_NAMES } from "../../src/services/runtime.ts";
import { SnapshotCollector } from "../../src/tui/snapshot/collector.ts";
import type { Snapshot } from "../../src/tui/snapshot/types.ts";
import { exampleOrder, placeOrder, waitTerminal } from "../support/saga.ts";
import { type TestStack, createTestStack, waitFor } from "../support/stack.ts";

setDefaultTimeout(60_000);

let stack: TestStack;
let running: RunningRoles;
let base: string;
let collector: SnapshotCollector;
const home = mkdtempSync(join(tmpdir(), "saga-dashboard-test-"));

beforeAll(async () => {
  // 20 ms per prep minute: the example order (load 42) is ready under a second after acceptance.
  stack = await createTestStack({ timeScaleMsPerMinute: 20 });
  running = await startRoles(stack.config, ROLE_NAMES, {
    log: createLogger("warn", "dashboard-test"),
    port: 0,
  });
  base = `http://127.0.0.1:${running.httpPort}`;
  collector = new SnapshotCollector({ config: stack.config, mode: "live" });
});

afterAll(async () => {
  await collector?.close();
  await running?.stop();
  await stack?.cleanup();
  rmSync(home, { recursive: true, force: true });
});

/** Collects until `ok` holds (the saga and Kafka's group state settle over a few seconds). */
function collectUntil(ok: (s: Snapshot) => boolean, what: string, c = collector): Promise<Snapshot> {
  return waitFor(
    async () => {
      const s = await c.collect();
      return ok(s) ? s : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200, what },
  );
}

async function sendPoison(config: Config): Promise<void> {
  const producer = new Kafka({ brokers: [...config.kafkaBrokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({
    topic: topicName(config.topicPrefix, TOPICS.order),
    messages: [{ key: "poison", value: "{not json" }],
  });
  await producer.disconnect();
}

describe("on the real stack", () => {
  test("stack up, one instance per role, an order counted, outbox and consumers caught up", async () => {
    const first = await collector.collect();
    expect([first.health.postgres.up, first.health.redis.up, first.health.kafka.up]).toEqual([
      true,
      true,
      true,
    ]);
    expect(first.topicPrefix).toBe(stack.config.topicPrefix);

    const id = await placeOrder(base, exampleOrder());
    expect((await waitTerminal(base, id)).status).toBe("COMPLETED");

    const s = await collectUntil(
      (s) =>
        s.funnel.ok &&
        s.funnel.totals.completed === 1 &&
        s.outbox.ok &&
        s.outbox.services.every((o) => o.unpublished === 0) &&
        s.consumerLag.ok &&
        s.consumerLag.groups.every((g) => g.total === 0) &&
        s.roles.ok &&
        s.roles.groups.every((g) => g.members === 1 && g.state === "Stable"),
      "the order counted, the outbox drained, consumers caught up, every group stable",
    );
    if (
      !s.funnel.ok ||
      !s.roles.ok ||
      !s.outbox.ok ||
      !s.latency.ok ||
      !s.restaurants.ok ||
      !s.consumerLag.ok
    ) {
      throw new Error("unreachable: checked above");
    }
    expect(s.funnel.totals).toEqual({ placed: 1, completed: 1, canceled: 0, open: 0 });
    expect(s.funnel.byStatus.COMPLETED).toBe(1);
    expect(s.funnel.rates).not.toBeNull();
    expect(s.funnel.history.placed.length).toBeGreaterThan(0);
    expect(s.roles.groups.map((g) => [g.role, g.groupId, g.members])).toEqual(
      ROLE_NAMES.map((r) => [r, `${stack.config.topicPrefix}saga.${r}`, 1]),
    );
    expect(s.roles.groups[0]?.instances[0]?.clientId).toContain("saga-");
    expect(s.outbox.services.map((o) => o.schema)).toEqual([...ROLE_NAMES]);
    expect(s.outbox.services.find((o) => o.schema === "gateway")?.published).toBe(1);
    expect(s.latency.decision?.count).toBe(1);
    expect(s.latency.completion?.count).toBe(1);
    expect(s.latency.completion?.p50 ?? 0).toBeGreaterThanOrEqual(s.latency.decision?.p50 ?? 0);
    expect(s.restaurants.restaurants.map((r) => r.id)).toEqual(["resto-1", "resto-2", "resto-3"]);
    expect(s.restaurants.restaurants.every((r) => r.load === 0 && r.preparing === 0)).toBe(true);
    const partitions = s.consumerLag.groups.flatMap((g) => g.partitions);
    expect(partitions.length).toBe((3 + 3 + 2 + 1) * stack.config.topicPartitions);
    expect(partitions.every((p) => p.topic.startsWith(stack.config.topicPrefix))).toBe(true);
  });

  test("a poison message shows in the DLQ count and the latest entries", async () => {
    await sendPoison(stack.config);
    const s = await collectUntil(
      (s) => s.dlq.ok && s.dlq.total >= 1 && s.dlq.latest.length >= 1,
      "the dead letter",
    );
    if (!s.dlq.ok) throw new Error("unreachable");
    expect(s.dlq.total).toBe(1);
    expect(s.dlq.readerError).toBeNull();
    expect(s.dlq.latest[0]).toMatchObject({
      service: "inventory",
      errorCode: "POISON_BAD_JSON",
      originTopic: topicName(stack.config.topicPrefix, TOPICS.order),
    });
  });

  test("`dashboard --once --json` prints the same data and exits 0", async () => {
    const proc = Bun.spawn(["bun", "src/cli/main.ts", "dashboard", "--once", "--json"], {
      env: {
        ...process.env,
        DATABASE_URL: stack.config.databaseUrl,
        KAFKA_BROKERS: stack.config.kafkaBrokers.join(","),
        REDIS_URL: stack.config.redisUrl,
        SAGA_TOPIC_PREFIX: stack.config.topicPrefix,
        SAGA_HOME: home,
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const s = JSON.parse(out) as Snapshot;
    expect(s.funnel.ok && s.funnel.totals.placed).toBe(1);
    expect(s.dlq.ok && s.dlq.latest.map((e) => e.errorCode)).toEqual(["POISON_BAD_JSON"]);
    expect(s.roles.ok && s.roles.groups.map((g) => g.members)).toEqual([1, 1, 1, 1]);
  });
});

/** A port nothing listens on: bind one, note it, release it. */
function deadPort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

describe("with nothing reachable", () => {
  const port = deadPort();
  const dead = loadConfig(
    {
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/nothing`,
      redisUrl: `redis://127.0.0.1:${port}`,
      kafkaBrokers: [`127.0.0.1:${port}`],
      topicPrefix: "dead.",
      stateDir: home,
    },
    {},
  );

  test("every section is marked down, nothing throws, each collection is bounded", async () => {
    const c = new SnapshotCollector({ config: dead, mode: "live" });
    try {
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const s = await c.collect();
        expect(Date.now() - started).toBeLessThan(5000);
        expect([s.health.postgres.up, s.health.redis.up, s.health.kafka.up]).toEqual([false, false, false]);
        expect(s.health.postgres.address).toBe(`127.0.0.1:${port}/nothing`);
        for (const section of [s.funnel, s.latency, s.outbox, s.restaurants, s.roles, s.consumerLag, s.dlq]) {
          expect(section.ok).toBe(false);
        }
        expect(!s.funnel.ok && s.funnel.error).toStartWith("Postgres unreachable");
        expect(!s.roles.ok && s.roles.error).toStartWith("Kafka unreachable");
      }
    } finally {
      const closing = Date.now();
      await c.close();
      expect(Date.now() - closing).toBeLessThan(5000);
    }
  });

  test("`dashboard --once --json` still prints the snapshot, and exits 3 with one line", async () => {
    const proc = Bun.spawn(["bun", "src/cli/main.ts", "dashboard", "--once", "--json"], {
      env: {
        ...process.env,
        DATABASE_URL: dead.databaseUrl,
        KAFKA_BROKERS: dead.kafkaBrokers.join(","),
        REDIS_URL: dead.redisUrl,
        SAGA_HOME: home,
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(code).toBe(3);
    expect(err).toStartWith("saga-cli: nothing is reachable: Postgres at");
    const s = JSON.parse(out) as Snapshot;
    expect(s.health.kafka.up).toBe(false);
    expect(s.funnel.ok).toBe(false);
  });
});
