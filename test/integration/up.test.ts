/**
 * `saga-cli up` — the README's first command — as a process: without a terminal it brings the
 * stack up, runs every role as a supervised child, restarts one that is killed, and on SIGINT
 * stops them all gracefully.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../src/config.ts";
import { exampleOrder, placeOrder, waitTerminal } from "../support/saga.ts";
import { type TestStack, createTestStack, freePort, waitFor } from "../support/stack.ts";

setDefaultTimeout(120_000);

let stack: TestStack;
let home: string;
let up: Subprocess<"ignore", "pipe", "pipe"> | undefined;
let port: number;

function rolePids(): number[] {
  // The supervisor prints "roles gateway=PID inventory=PID …" once the gateway answers.
  const log = readFileSync(join(home, "up.out"), "utf8");
  return [...log.matchAll(/(gateway|inventory|payment|restaurant)=(\d+)/g)].map((m) => Number(m[2]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  stack = await createTestStack();
  home = mkdtempSync(join(tmpdir(), "saga-up-"));
  port = freePort();
  const c = stack.config;
  const out = Bun.file(join(home, "up.out"));
  up = Bun.spawn(
    [process.execPath, join(projectRoot, "src/cli/main.ts"), "up", "--no-dashboard", "--time-scale", "10"],
    {
      env: {
        ...process.env,
        SAGA_HOME: home,
        DATABASE_URL: c.databaseUrl,
        KAFKA_BROKERS: c.kafkaBrokers.join(","),
        SAGA_TOPIC_PREFIX: c.topicPrefix,
        SAGA_REDIS_PREFIX: c.redisPrefix,
        SAGA_HTTP_PORT: String(port),
        SAGA_CONSUMER_SESSION_MS: "6000",
        SAGA_LOG_LEVEL: "info", // the roles' "stopped" lines are what the last test reads
      },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  // Keep what `up` says, for the assertions and for a failing run's reader.
  const writer = out.writer();
  void (async () => {
    for await (const chunk of up.stderr) {
      writer.write(chunk);
      writer.flush();
    }
  })();
  await waitFor(async () => rolePids().length === 4, {
    timeoutMs: 90_000,
    intervalMs: 200,
    what: "`up` to report its roles",
  });
});

afterAll(async () => {
  if (up && up.exitCode === null) {
    up.kill("SIGKILL");
    await up.exited;
  }
  await stack?.cleanup();
  if (process.env.KEEP_TEST_STATE !== "1") rmSync(home, { recursive: true, force: true });
  else process.stderr.write(`KEEP_TEST_STATE: kept ${home}\n`);
});

describe("saga-cli up (no terminal)", () => {
  test("runs the saga: an order placed over HTTP completes", async () => {
    const base = `http://127.0.0.1:${port}`;
    const id = await placeOrder(base, exampleOrder());
    expect((await waitTerminal(base, id)).status).toBe("COMPLETED");
  });

  test("restarts a role killed with SIGKILL, and the saga goes on", async () => {
    const before = rolePids();
    const inventory = before[1]!;
    process.kill(inventory, "SIGKILL");
    await waitFor(
      async () =>
        readFileSync(join(home, "up.out"), "utf8").includes("inventory exited (signal SIGKILL); restarting"),
      {
        what: "the supervisor to notice",
      },
    );
    const base = `http://127.0.0.1:${port}`;
    const id = await placeOrder(base, exampleOrder({ items: [{ sku: "FRIES_REGULAR", quantity: 1 }] }));
    expect((await waitTerminal(base, id, { timeoutMs: 60_000 })).status).toBe("COMPLETED");
  });

  test("SIGINT stops every role gracefully and exits 0", async () => {
    const roleLogs = ["gateway", "inventory", "payment", "restaurant"].map((r) =>
      join(home, "logs", `role-${r}.log`),
    );
    up!.kill("SIGINT");
    expect(await up!.exited).toBe(0);
    for (const log of roleLogs) expect(readFileSync(log, "utf8")).toContain(" stopped");
    const pids = rolePids();
    await waitFor(async () => pids.every((p) => !alive(p)), { what: "every role process to be gone" });
  });
});
