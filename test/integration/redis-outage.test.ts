/**
 * Redis is a cache, not a dependency: with the payment method cache's Redis killed, payments
 * still authorize (and decline) from Postgres. Uses a private redis-server so the machine's
 * Redis is never touched.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { createLogger } from "../../src/infra/log.ts";
import { redisKeys } from "../../src/infra/redis.ts";
import { type RunningRoles, startRoles } from "../../src/services/process.ts";
import { ROLE_NAMES } from "../../src/services/runtime.ts";
import { exampleOrder, placeOrder, waitTerminal } from "../support/saga.ts";
import { type TestStack, createTestStack, freePort, waitFor } from "../support/stack.ts";

setDefaultTimeout(60_000);

let stack: TestStack;
let running: RunningRoles;
let redis: Subprocess;
let redisPort: number;
let dir: string;

beforeAll(async () => {
  redisPort = freePort();
  dir = mkdtempSync(join(tmpdir(), "saga-redis-"));
  redis = Bun.spawn(
    [
      "redis-server",
      "--port",
      String(redisPort),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ],
    {
      stdout: "ignore",
      stderr: "inherit",
    },
  );
  const probe = new Redis(redisPort, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 }).on(
    "error",
    () => {},
  );
  await waitFor(async () => (await probe.ping().catch(() => undefined)) === "PONG", {
    what: "redis-server to start",
  });
  probe.disconnect();
  stack = await createTestStack({ timeScaleMsPerMinute: 5, redisUrl: `redis://127.0.0.1:${redisPort}` });
  running = await startRoles(stack.config, ROLE_NAMES, { log: createLogger("error", "redis-test"), port: 0 });
});

afterAll(async () => {
  await running?.stop();
  redis?.kill("SIGKILL");
  await stack?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe("payment with Redis down", () => {
  test("authorizes through the cache while Redis is up, and from Postgres once it is killed", async () => {
    const base = `http://127.0.0.1:${running.httpPort}`;
    const first = await placeOrder(base, exampleOrder({ items: [{ sku: "FRIES_REGULAR", quantity: 1 }] }));
    expect((await waitTerminal(base, first)).status).toBe("COMPLETED");
    const client = new Redis(redisPort, "127.0.0.1", { maxRetriesPerRequest: 0 }).on("error", () => {});
    expect(await client.get(redisKeys.paymentMethod(stack.config.redisPrefix, "pm-111"))).toContain(
      '"behavior":"authorize"',
    );
    client.disconnect();

    redis.kill("SIGKILL");
    await redis.exited;

    const second = await placeOrder(base, exampleOrder({ items: [{ sku: "FRIES_REGULAR", quantity: 1 }] }));
    const declined = await placeOrder(
      base,
      exampleOrder({ items: [{ sku: "FRIES_REGULAR", quantity: 1 }], pm_id: "pm-222" }),
    );
    expect((await waitTerminal(base, second)).status).toBe("COMPLETED");
    const d = await waitTerminal(base, declined);
    expect([d.status, d.cancel_reason, d.cancel_detail]).toEqual([
      "CANCELED",
      "payment_declined",
      "declined",
    ]);
    // The gateway's readiness names Redis as the broken part, while serving on.
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain("redis");
  });
});
