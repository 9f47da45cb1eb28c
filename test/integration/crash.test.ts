/**
 * Crash recovery with real processes: each role runs as `saga-cli run <role>` in its own
 * process; while orders flow, each role in turn is SIGKILLed and restarted. Nothing may be
 * lost or applied twice, and a restaurant restarted with tickets in the oven still fires them.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Subprocess } from "bun";
import { join } from "node:path";
import { projectRoot } from "../../src/config.ts";
import { auditInvariants } from "../../src/services/audit/invariants.ts";
import { waitForQuiet } from "../../src/services/audit/wait.ts";
import { createKafka } from "../../src/infra/kafka.ts";
import { type RoleName, groupId } from "../../src/services/runtime.ts";
import { exampleOrder, placeOrder, waitTerminal } from "../support/saga.ts";
import { type TestStack, createTestStack, freePort, waitFor } from "../support/stack.ts";

setDefaultTimeout(180_000);

const ROLES: readonly RoleName[] = ["gateway", "inventory", "payment", "restaurant"];
let stack: TestStack;
let port: number;
const procs = new Map<RoleName, Subprocess>();

function spawnRole(role: RoleName, extra = false): Subprocess {
  const c = stack.config;
  const proc = Bun.spawn([process.execPath, join(projectRoot, "src/cli/main.ts"), "run", role], {
    env: {
      ...process.env,
      DATABASE_URL: c.databaseUrl,
      KAFKA_BROKERS: c.kafkaBrokers.join(","),
      SAGA_TOPIC_PREFIX: c.topicPrefix,
      SAGA_REDIS_PREFIX: c.redisPrefix,
      SAGA_HTTP_PORT: String(port),
      SAGA_TIME_SCALE: String(c.timeScaleMsPerMinute),
      SAGA_RELAY_POLL_MS: "100",
      SAGA_CONSUMER_SESSION_MS: "6000",
      SAGA_LOG_LEVEL: "error",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  if (!extra) procs.set(role, proc);
  return proc;
}

async function kill(role: RoleName): Promise<void> {
  const p = procs.get(role);
  if (!p) return;
  p.kill("SIGKILL");
  await p.exited;
  procs.delete(role);
}

const base = () => `http://127.0.0.1:${port}`;

async function gatewayUp(): Promise<void> {
  await waitFor(async () => (await fetch(`${base()}/health`).catch(() => undefined))?.ok === true, {
    timeoutMs: 30_000,
    what: "the gateway to answer",
  });
}

beforeAll(async () => {
  // 30 ms per prep minute: a ticket is in the oven for ~1–3 s, long enough to kill the kitchen mid-prep.
  stack = await createTestStack({ timeScaleMsPerMinute: 30 });
  port = freePort();
  for (const r of ROLES) spawnRole(r);
  await gatewayUp();
});

afterAll(async () => {
  for (const r of [...procs.keys()]) await kill(r);
  await stack?.cleanup();
});

/** Places `n` orders over ~`spreadMs`, keeping the ids the gateway accepted (it may be down). */
async function flow(n: number, spreadMs: number): Promise<string[]> {
  const ids: string[] = [];
  const bodies = [
    exampleOrder({ items: [{ sku: "BURGER_CHEESE", quantity: 1 }] }),
    exampleOrder({ restaurant_id: "resto-1", items: [{ sku: "PIZZA_MARGHERITA", quantity: 1 }] }),
    exampleOrder({ restaurant_id: "resto-2", items: [{ sku: "SALAD_GREEK", quantity: 1 }], pm_id: "pm-222" }),
  ];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await Bun.sleep((spreadMs * i) / n);
      const id = await placeOrder(base(), bodies[i % bodies.length]!).catch(() => undefined);
      if (id) ids.push(id);
    }),
  );
  return ids;
}

describe("SIGKILL each role while orders flow", () => {
  test("every accepted order ends terminal, nothing doubled, invariants hold", async () => {
    const accepted: string[] = [];
    for (const role of ROLES) {
      const orders = flow(12, 1500);
      await Bun.sleep(500);
      await kill(role);
      await Bun.sleep(700);
      spawnRole(role);
      if (role === "gateway") await gatewayUp();
      accepted.push(...(await orders));
    }
    expect(accepted.length).toBeGreaterThan(30);
    for (const id of accepted) {
      const o = await waitTerminal(base(), id, { timeoutMs: 90_000 });
      expect(["COMPLETED", "CANCELED"]).toContain(o.status);
    }
    const quiet = await waitForQuiet(stack.db.sql, 60_000);
    expect(quiet.quiet).toBe(true);
    const results = await auditInvariants(stack.db.sql);
    for (const r of results)
      expect({ id: r.id, offenders: r.offenders, ok: r.ok }).toEqual({ id: r.id, offenders: [], ok: true });
    // No double authorization: at most one PaymentAuthorized per order in payment's outbox.
    const doubled = await stack.db.sql`
      SELECT message_key FROM payment.outbox WHERE event_type = 'PaymentAuthorized'
      GROUP BY message_key HAVING count(*) > 1`;
    expect(doubled.length).toBe(0);
  });

  test("a restaurant killed with tickets in the oven fires them after a restart", async () => {
    const ids = await flow(4, 200);
    await waitFor(
      async () => {
        const [r] = await stack.db
          .sql`SELECT count(*)::int AS n FROM restaurant.tickets WHERE status = 'PREPARING'`;
        return (r?.n ?? 0) >= 1;
      },
      { what: "a preparing ticket", timeoutMs: 20_000 },
    );
    await kill("restaurant");
    const [pending] = await stack.db
      .sql`SELECT count(*)::int AS n FROM restaurant.tickets WHERE status = 'PREPARING'`;
    expect(pending?.n).toBeGreaterThanOrEqual(1);
    await Bun.sleep(3000); // every ticket is now overdue
    spawnRole("restaurant");
    for (const id of ids) await waitTerminal(base(), id, { timeoutMs: 60_000 });
    const [left] = await stack.db
      .sql`SELECT count(*)::int AS n FROM restaurant.tickets WHERE status = 'PREPARING'`;
    expect(left?.n).toBe(0);
    const results = await auditInvariants(stack.db.sql);
    expect(results.every((r) => r.ok)).toBe(true);
  });
});

describe("several instances of a role", () => {
  test("two of each worker role share the partitions; every order ends right", async () => {
    const extras = (["inventory", "payment", "restaurant"] as const).map((r) => spawnRole(r, true));
    try {
      const admin = createKafka(stack.config, "test-groups").admin();
      await admin.connect();
      try {
        await waitFor(
          async () => {
            const { groups } = await admin.describeGroups(
              ["inventory", "payment", "restaurant"].map((r) => groupId(stack.config, r as RoleName)),
            );
            return groups.every((g) => g.state === "Stable" && g.members.length === 2);
          },
          { what: "two stable members in each worker group", timeoutMs: 60_000 },
        );
      } finally {
        await admin.disconnect();
      }
      const ids = await flow(30, 1500);
      expect(ids.length).toBe(30);
      for (const id of ids) await waitTerminal(base(), id, { timeoutMs: 60_000 });
      const quiet = await waitForQuiet(stack.db.sql, 60_000);
      expect(quiet.quiet).toBe(true);
      const results = await auditInvariants(stack.db.sql);
      for (const r of results)
        expect({ id: r.id, offenders: r.offenders, ok: r.ok }).toEqual({ id: r.id, offenders: [], ok: true });
    } finally {
      for (const p of extras) p.kill("SIGTERM");
      await Promise.all(extras.map((p) => p.exited));
    }
  });
});
