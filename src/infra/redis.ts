/**
 * The Redis client. Redis is a cache here, never the system of record, so commands must fail
 * fast while it is down (no offline queue, no per-command retries) and callers fall back to
 * Postgres; the client keeps reconnecting in the background.
 */
import Redis from "ioredis";
import type { Config } from "../config.ts";
import type { Logger } from "./log.ts";

export type RedisClient = Redis;

export function connectRedis(config: Pick<Config, "redisUrl">, log?: Logger): RedisClient {
  const client = new Redis(config.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  let down = false;
  client.on("error", (err: Error) => {
    // One line per outage, not one per reconnect attempt.
    if (!down) log?.warn("redis unavailable; using Postgres until it is back", { error: err.message });
    down = true;
  });
  client.on("ready", () => {
    if (down) log?.info("redis is back");
    down = false;
  });
  client.connect().catch(() => {});
  return client;
}

/** Redis key names, built in one place. */
export const redisKeys = {
  paymentMethod: (prefix: string, pmId: string) => `${prefix}payment:method:${pmId}`,
} as const;
