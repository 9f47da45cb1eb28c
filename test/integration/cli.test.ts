/**
 * The CLI as a person meets it: expected failures print one clear line (what, why, what to do),
 * exit with a documented code, never a stack trace — and change nothing.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { projectRoot } from "../../src/config.ts";
import { withDatabase } from "../../src/infra/db/client.ts";
import {
  type TestStack,
  createTestStack,
  dropTestDatabase,
  randomId,
  testServerUrl,
} from "../support/stack.ts";
import postgres from "postgres";

setDefaultTimeout(60_000);

let stack: TestStack;
let emptyDb: string;

beforeAll(async () => {
  stack = await createTestStack();
  emptyDb = `saga_test_${randomId()}`;
  const admin = postgres(withDatabase(testServerUrl(), "postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${emptyDb}"`);
  await admin.end();
});

afterAll(async () => {
  await dropTestDatabase(emptyDb).catch(() => {});
  await stack?.cleanup();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const proc = Bun.spawn([process.execPath, join(projectRoot, "src/cli/main.ts"), ...args], {
    env: {
      ...process.env,
      DATABASE_URL: stack.config.databaseUrl,
      KAFKA_BROKERS: stack.config.kafkaBrokers.join(","),
      SAGA_TOPIC_PREFIX: stack.config.topicPrefix,
      SAGA_LOG_LEVEL: "error",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

function expectOneClearError(r: Run, code: number, what: RegExp): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split("\n");
  expect(lines[0]).toMatch(/^saga-cli: /);
  expect(lines[0]).toMatch(what);
  expect(lines.length).toBeLessThanOrEqual(2); // the error, and at most one "→ what to do" line
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe("expected failures: one line, a documented exit code, nothing changed", () => {
  test("an unknown role → exit 2 naming the roles", async () => {
    const r = await cli(["run", "kitchen"]);
    expectOneClearError(r, 2, /unknown role "kitchen"/);
    expect(r.stderr).toContain("gateway, inventory, payment, restaurant");
  });

  test("a bad flag value → exit with commander's message, not a trace", async () => {
    const r = await cli(["run", "all", "--payment-failure-rate", "7"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("expected a number in [0, 1]");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("Kafka unreachable → exit 3 within seconds, with what to do", async () => {
    const started = Date.now();
    const r = await cli(["run", "inventory"], { KAFKA_BROKERS: "127.0.0.1:1" });
    expectOneClearError(r, 3, /Kafka at 127\.0\.0\.1:1 is unreachable/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.stderr).toContain("saga-cli stack up");
  });

  test("Postgres unreachable → exit 3 for run and check", async () => {
    const env = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/saga" };
    expectOneClearError(await cli(["run", "payment"], env), 3, /Postgres at 127\.0\.0\.1:1 is unreachable/);
    expectOneClearError(await cli(["check"], env), 3, /Postgres at 127\.0\.0\.1:1 is unreachable/);
  });

  test("a database without the schema → exit 3 saying to migrate, and nothing is created", async () => {
    const env = { DATABASE_URL: withDatabase(testServerUrl(), emptyDb) };
    expectOneClearError(await cli(["run", "all", "--port", "0"], env), 3, /has no saga schema/);
    expectOneClearError(await cli(["check"], env), 3, /has no saga schema/);
    const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
    const schemas =
      await sql`SELECT nspname FROM pg_namespace WHERE nspname IN ('gateway','inventory','payment','restaurant','saga_meta')`;
    await sql.end();
    expect(schemas.length).toBe(0);
  });

  test("up on a port already in use → exit 2 before touching anything", async () => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("not saga") });
    try {
      const r = await cli(["up", "--no-dashboard", "--port", String(server.port)]);
      expectOneClearError(r, 2, new RegExp(`port ${server.port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      server.stop(true);
    }
  });

  test("dlq replay without an id or --all → exit 2", async () => {
    expectOneClearError(await cli(["dlq", "replay"]), 2, /give an entry id or --all/);
  });

  test("dlq show of an unknown id → a clear not-found line", async () => {
    const r = await cli(["dlq", "show", "deadbeef"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^saga-cli: no DLQ entry deadbeef/);
  });

  test("check on a healthy, empty saga → all invariants hold, exit 0", async () => {
    const r = await cli(["check", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
  });

  test("events: an unknown topic → exit 2; a known one lists what is there", async () => {
    expectOneClearError(await cli(["events", "kitchen"]), 2, /unknown topic "kitchen"/);
    const r = await cli(["events", "order"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${stack.config.topicPrefix}order.events: 0 of 0 message(s)`);
  });

  test("db prune: a bad duration → exit 2; --dry-run counts and deletes nothing; prune deletes only what is old", async () => {
    expectOneClearError(await cli(["db", "prune", "--older-than", "soon"]), 2, /is not a duration/);
    const sql = stack.db.sql;
    const id = crypto.randomUUID();
    await sql`
      INSERT INTO payment.inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset, processed_at)
      VALUES ('payment', ${id}, 'ItemsReserved', 't', 0, 0, now() - interval '2 days'),
             ('payment', ${crypto.randomUUID()}, 'ItemsReserved', 't', 0, 1, now())`;
    const dry = await cli(["db", "prune", "--older-than", "1d", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would delete/);
    expect(dry.stdout).toMatch(/payment\s+0\s+1\s+0/);
    expect((await sql`SELECT count(*)::int AS n FROM payment.inbox`)[0]?.n).toBe(2);
    const real = await cli(["db", "prune", "--older-than", "1d"]);
    expect(real.code).toBe(0);
    const left = await sql`SELECT event_id FROM payment.inbox`;
    expect(left.length).toBe(1);
    expect(left[0]?.event_id).not.toBe(id);
  });

  test("every command has --help", async () => {
    for (const args of [
      ["--help"],
      ["up", "--help"],
      ["stack", "up", "--help"],
      ["run", "--help"],
      ["check", "--help"],
      ["dlq", "replay", "--help"],
      ["dashboard", "--help"],
      ["order", "place", "--help"],
      ["db", "--help"],
      ["gateway", "--help"],
      ["events", "--help"],
    ]) {
      const r = await cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.stdout).toContain("Usage: saga-cli");
    }
  });
});
