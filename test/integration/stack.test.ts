/**
 * `stack up|status|down` against real processes, isolated from the developer's stack: its own
 * SAGA_HOME under /tmp and free ports for Kafka, Postgres and Redis, so everything it needs is
 * started by the code under test. The jar cache is the shared one (a cold cache costs one Maven
 * run, ~25 s). afterAll stops whatever the test started and removes its state dir.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { type Config, loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/infra/log.ts";
import {
  deleteTopics,
  ensureStack,
  ensureTopics,
  listTopics,
  type StackUpReport,
  silentProgress,
  stackStatus,
  stopStack,
} from "../../src/infra/stack/index.ts";
import { isAlive, pidPath, portOpen } from "../../src/infra/stack/processes.ts";
import { findPgBinaries } from "../../src/infra/stack/tools.ts";

const EXTERNAL_PG = "postgres://postgres@127.0.0.1:5432";

/** A port with its neighbour free too (Kafka's controller listens on port + 1). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the ephemeral range (32768+), which outgoing connections draw from.
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!(await portOpen("127.0.0.1", port, 200)) && !(await portOpen("127.0.0.1", port + 1, 200)))
      return port;
  }
  throw new Error("no free port pair found");
}

function hasPgBinaries(): boolean {
  try {
    findPgBinaries();
    return true;
  } catch {
    return false;
  }
}

/** Postgres from the machine's binaries when present (the path `stack up` takes without a server). */
const startsOwnPostgres = hasPgBinaries();
const stateDir = mkdtempSync(join(tmpdir(), "saga-stack-test-"));
const log = createLogger("warn", "stack-test");
let config: Config;
let first: StackUpReport;
const database = `saga_stack_test_${process.pid}`;

beforeAll(async () => {
  const [kafkaPort, pgPort, redisPort] = [await freePortPair(), await freePortPair(), await freePortPair()];
  config = loadConfig({
    stateDir,
    kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
    databaseUrl: startsOwnPostgres
      ? `postgres://postgres@127.0.0.1:${pgPort}/saga`
      : `${EXTERNAL_PG}/${database}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    redisPrefix: "stack-test:",
    topicPartitions: 3,
  });
});

afterAll(async () => {
  if (config) await stopStack(config, { progress: silentProgress }).catch(() => {});
  if (config && !startsOwnPostgres) {
    const admin = postgres(`${EXTERNAL_PG}/postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe("stack up / status / down", () => {
  test("up from nothing starts Kafka and Redis (and Postgres), creates topics, migrates and seeds", async () => {
    first = await ensureStack(config, log, { progress: silentProgress });
    expect(first.startedNow).toContain("kafka");
    expect(first.startedNow).toContain("redis");
    if (startsOwnPostgres) expect(first.startedNow).toContain("postgres");
    const kafka = first.components.find((c) => c.name === "kafka");
    expect(kafka?.managedBy).toBe("saga-cli");
    expect(kafka?.pid).toBeDefined();
    expect(isAlive(kafka?.pid ?? -1)).toBe(true);
    expect(existsSync(pidPath(stateDir, "kafka"))).toBe(true);
    expect(first.topics.map((t) => t.name).sort()).toEqual([
      "dlq.events",
      "inventory.events",
      "order.events",
      "payment.events",
      "restaurant.events",
    ]);
    expect(first.topics.every((t) => t.partitions === 3 && t.created === true)).toBe(true);
    expect(first.migrations.length).toBeGreaterThan(0);
  }, 180_000);

  test("status shows every component up with a version, and the topics", async () => {
    const status = await stackStatus(config);
    const byName = new Map(status.components.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(["kafka", "postgres", "redis"]);
    expect(status.components.every((c) => c.up)).toBe(true);
    expect(byName.get("kafka")?.version).toBe(config.kafkaVersion);
    expect(byName.get("postgres")?.version).toMatch(/^\d+/);
    expect(byName.get("redis")?.version).toMatch(/^\d+\.\d+/);
    expect(byName.get("redis")?.managedBy).toBe("saga-cli");
    expect(byName.get("postgres")?.managedBy).toBe(startsOwnPostgres ? "saga-cli" : "external");
    expect(status.topics).toHaveLength(5);
    expect(status.missingTopics).toEqual([]);
  }, 30_000);

  test("up again is harmless: nothing started, nothing downloaded, same processes", async () => {
    const again = await ensureStack(config, log, { progress: silentProgress });
    expect(again.downloaded).toBe(false);
    expect(again.startedNow).toEqual([]);
    expect(again.migrations).toEqual([]);
    const pids = (r: StackUpReport) => r.components.map((c) => c.pid);
    expect(pids(again)).toEqual(pids(first));
    expect(again.topics.every((t) => t.created === false && t.partitions === 3)).toBe(true);
  }, 60_000);

  test("ensureTopics and deleteTopics work on a prefix of their own", async () => {
    const prefix = `t${process.pid}.`;
    const created = await ensureTopics(config, { prefix, partitions: 2 });
    expect(created.map((t) => [t.name.startsWith(prefix), t.partitions, t.created])).toEqual(
      Array(5).fill([true, 2, true]),
    );
    expect((await ensureTopics(config, { prefix })).every((t) => t.created === false)).toBe(true);
    expect((await deleteTopics(config, prefix)).sort()).toEqual(created.map((t) => t.name).sort());
    expect((await listTopics(config, prefix)).missing).toHaveLength(5);
    // The stack's own topics are untouched.
    expect((await listTopics(config)).topics).toHaveLength(5);
  }, 60_000);

  test("down stops exactly what up started and removes the PID files", async () => {
    const pids = first.components.filter((c) => c.managedBy === "saga-cli").map((c) => c.pid ?? -1);
    const report = await stopStack(config, { progress: silentProgress });
    expect(report.stopped.map((s) => s.pid).sort()).toEqual(pids.sort());
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    for (const name of ["kafka", "postgres", "redis"])
      expect(existsSync(pidPath(stateDir, name))).toBe(false);
    const status = await stackStatus(config);
    expect(status.components.find((c) => c.name === "kafka")?.up).toBe(false);
    expect(status.components.find((c) => c.name === "postgres")?.up).toBe(!startsOwnPostgres);
  }, 90_000);

  test("up after down starts the broker again from the cache, keeping topics and data", async () => {
    const warm = await ensureStack(config, log, { progress: silentProgress });
    expect(warm.downloaded).toBe(false);
    expect(warm.startedNow).toContain("kafka");
    expect(warm.topics.every((t) => t.created === false)).toBe(true);
    expect(warm.migrations).toEqual([]);
    expect(warm.components.every((c) => c.up)).toBe(true);
  }, 120_000);
});
