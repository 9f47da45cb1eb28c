/**
 * Saga throughput on one machine: every role in this process (as `saga-cli run all`) or, with
 * TOPOLOGY=processes, each role in its own process (as `saga-cli up` runs them); ORDERS orders posted CONCURRENCY at a time, until every order is COMPLETED. Kitchens are made huge
 * and instant (time scale 0: a ticket is ready as soon as it is accepted) so the run measures
 * the pipeline — HTTP → outbox → Kafka → four services → readiness → gateway — not the simulated
 * kitchen. Two workloads: `hot` (every order takes the same SKU of one restaurant: every
 * reservation and acceptance contends for the same rows) and `mixed` (three restaurants).
 * Prints throughput and decision / completion latency percentiles (from the gateway's own
 * timestamps), median of RUNS runs.
 *
 *   bun bench/saga.bench.ts                       (ORDERS=600 CONCURRENCY=40 RUNS=3 by default)
 *   TOPOLOGY=processes bun bench/saga.bench.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../src/config.ts";
import { projectRoot } from "../src/config.ts";
import { createLogger } from "../src/infra/log.ts";
import { startRoles } from "../src/services/process.ts";
import { ROLE_NAMES } from "../src/services/runtime.ts";
import { type OrderBody, exampleOrder, placeOrder } from "../test/support/saga.ts";
import { createTestStack, freePort, waitFor } from "../test/support/stack.ts";

const ORDERS = Number(process.env.ORDERS ?? 600);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 40);
const RUNS = Number(process.env.RUNS ?? 3);
const TOPOLOGY = process.env.TOPOLOGY === "processes" ? "processes" : "in-process";

/** Peak resident memory (VmHWM) of a process, in MiB, from /proc. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

interface Topology {
  base: string;
  /** Peak RSS of the processes running the roles, MiB (summed). */
  peakRss(): number;
  stop(): Promise<void>;
}

/** Every role in its own `saga-cli run <role>` process; resolves to the gateway URL and a stop. */
async function startProcesses(config: Config): Promise<Topology> {
  const port = freePort();
  const procs = ROLE_NAMES.map((role) =>
    Bun.spawn([process.execPath, join(projectRoot, "src/cli/main.ts"), "run", role], {
      env: {
        ...process.env,
        DATABASE_URL: config.databaseUrl,
        KAFKA_BROKERS: config.kafkaBrokers.join(","),
        SAGA_TOPIC_PREFIX: config.topicPrefix,
        SAGA_HTTP_PORT: String(port),
        SAGA_TIME_SCALE: "0",
        SAGA_LOG_LEVEL: "error",
      },
      stdout: "ignore",
      stderr: "inherit",
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/health`).catch(() => undefined))?.ok === true, {
    timeoutMs: 30_000,
  });
  await Bun.sleep(3000); // let every consumer group settle before timing
  return {
    base,
    peakRss: () => procs.reduce((sum, p) => sum + peakRssMiB(p.pid), 0),
    stop: async () => {
      for (const p of procs) p.kill("SIGTERM");
      await Promise.all(procs.map((p) => p.exited));
    },
  };
}

async function startTopology(config: Config): Promise<Topology> {
  if (TOPOLOGY === "processes") return startProcesses(config);
  const running = await startRoles(config, ROLE_NAMES, { log: createLogger("error", "bench"), port: 0 });
  // In-process, the roles share this process with the load itself: its peak RSS bounds theirs.
  return {
    base: `http://127.0.0.1:${running.httpPort}`,
    peakRss: () => peakRssMiB(process.pid),
    stop: () => running.stop(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface RunResult {
  seconds: number;
  perSecond: number;
  decideP50: number;
  decideP99: number;
  completeP50: number;
  completeP99: number;
  peakRssMiB: number;
}

const WORKLOADS: Record<string, OrderBody[]> = {
  hot: [exampleOrder({ items: [{ sku: "FRIES_REGULAR", quantity: 1 }] })],
  mixed: [
    exampleOrder({ items: [{ sku: "FRIES_REGULAR", quantity: 1 }] }),
    exampleOrder({ restaurant_id: "resto-1", items: [{ sku: "PASTA_CARBONARA", quantity: 1 }] }),
    exampleOrder({ restaurant_id: "resto-2", items: [{ sku: "SALAD_GREEK", quantity: 1 }] }),
  ],
};

async function runOnce(bodies: OrderBody[]): Promise<RunResult> {
  const stack = await createTestStack({ timeScaleMsPerMinute: 0 });
  const { sql } = stack.db;
  await sql`UPDATE restaurant.restaurants SET capacity = 1000000`;
  await sql`UPDATE inventory.stock SET initial = 1000000, available = 1000000`;
  const running = await startTopology(stack.config);
  const base = running.base;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ORDERS) {
        next++;
        await placeOrder(base, bodies[next % bodies.length]!);
      }
    }),
  );
  for (;;) {
    const [r] =
      await sql`SELECT count(*)::int AS open FROM gateway.orders WHERE status NOT IN ('COMPLETED','CANCELED')`;
    if ((r?.open ?? 1) === 0) break;
    await Bun.sleep(20);
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRss = running.peakRss();
  const [lat] = await sql`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - placed_at)) * 1000 AS d50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - placed_at)) * 1000 AS d99,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - placed_at)) * 1000 AS c50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - placed_at)) * 1000 AS c99
    FROM gateway.orders`;
  await running.stop();
  await stack.cleanup();
  return {
    seconds,
    perSecond: ORDERS / seconds,
    decideP50: Number(lat?.d50),
    decideP99: Number(lat?.d99),
    completeP50: Number(lat?.c50),
    completeP99: Number(lat?.c99),
    peakRssMiB: peakRss,
  };
}

const lines: string[] = [];
for (const [name, bodies] of Object.entries(WORKLOADS)) {
  const results: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runOnce(bodies);
    process.stderr.write(
      `${name} run ${i + 1}: ${r.perSecond.toFixed(0)} orders/s, decide p50 ${r.decideP50.toFixed(0)} ms\n`,
    );
    results.push(r);
  }
  const m = (k: keyof RunResult) => median(results.map((r) => r[k])).toFixed(0);
  lines.push(
    `| ${name} | ${m("perSecond")} | ${m("decideP50")} | ${m("decideP99")} | ${m("completeP50")} | ${m("completeP99")} | ${m("peakRssMiB")} |`,
  );
}
console.log(
  `saga end to end (${TOPOLOGY}), ${ORDERS} orders, ${CONCURRENCY} in flight, median of ${RUNS} runs (${new Date().toISOString().slice(0, 10)})\n`,
);
console.log(
  "| workload | orders/s | decide p50 ms | decide p99 ms | complete p50 ms | complete p99 ms | peak RSS MiB |\n|---|---|---|---|---|---|---|",
);
for (const l of lines) console.log(l);
