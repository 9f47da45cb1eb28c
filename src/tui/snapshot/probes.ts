/**
 * Is each stack component answering? Every probe is bounded (≤ `timeoutMs`) and never throws:
 * a down component is an answer, shown in red, not a failure of the dashboard.
 */
import type { Admin } from "kafkajs";
import type { Sql } from "../../infra/db/client.ts";
import type { RedisClient } from "../../infra/redis.ts";
import { withTimeout } from "../../infra/stack/processes.ts";
import { queryServerVersion } from "./db-sections.ts";
import { queryBrokerCount } from "./kafka-sections.ts";
import { shortError } from "./shape.ts";
import type { Probe } from "./types.ts";

async function probe(address: string, timeoutMs: number, ask: () => Promise<string | null>): Promise<Probe> {
  const started = performance.now();
  try {
    const detail = await withTimeout(ask(), timeoutMs, `no answer within ${timeoutMs} ms`);
    return { up: true, address, detail, error: null, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { up: false, address, detail: null, error: shortError(err), latencyMs: null };
  }
}

export function probePostgres(sql: Sql, address: string, timeoutMs: number): Promise<Probe> {
  return probe(address, timeoutMs, async () => `pg ${await queryServerVersion(sql)}`);
}

/**
 * The Redis client fails commands at once while disconnected (no offline queue), with a
 * message about its queue; `lastError()` gives the reason that matters (e.g. ECONNREFUSED).
 * Before its first connection attempt has settled there is no answer yet, so wait for one.
 */
export function probeRedis(
  redis: RedisClient,
  address: string,
  timeoutMs: number,
  lastError: () => string | null,
): Promise<Probe> {
  return probe(address, timeoutMs, async () => {
    if (redis.status !== "ready") {
      const known = lastError();
      if (known) throw new Error(known);
      await settled(redis);
    }
    await redis.ping();
    return null;
  });
}

function settled(redis: RedisClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onReady = () => {
      redis.off("error", onError);
      resolve();
    };
    const onError = (err: Error) => {
      redis.off("ready", onReady);
      reject(err);
    };
    redis.once("ready", onReady);
    redis.once("error", onError);
  });
}

export function probeKafka(admin: () => Promise<Admin>, address: string, timeoutMs: number): Promise<Probe> {
  return probe(address, timeoutMs, async () => {
    const brokers = await queryBrokerCount(await admin());
    return `${brokers} broker${brokers === 1 ? "" : "s"}`;
  });
}
