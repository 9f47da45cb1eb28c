/**
 * `GET /ready`: can this gateway do its job right now? Postgres (it writes orders), Kafka (its
 * relay publishes them) and Redis (the saga's cache) must answer. Each probe has a short
 * deadline and they run in parallel, so a dead component costs one timeout, not a hang.
 */
import type { Admin, Kafka } from "kafkajs";
import { errorMessage } from "../../errors.ts";
import type { Sql } from "../../infra/db/client.ts";
import type { RedisClient } from "../../infra/redis.ts";

export interface ComponentReadiness {
  readonly ok: boolean;
  readonly latency_ms: number;
  readonly detail?: string;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly components: {
    readonly postgres: ComponentReadiness;
    readonly kafka: ComponentReadiness;
    readonly redis: ComponentReadiness;
  };
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  close(): Promise<void>;
}

export interface ReadinessOptions {
  readonly sql: Sql;
  readonly kafka: Kafka;
  /** The process's shared client: it reconnects in the background and fails fast while down. */
  readonly redis: RedisClient;
  readonly timeoutMs?: number;
}

async function probe(timeoutMs: number, fn: () => Promise<unknown>): Promise<ComponentReadiness> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([fn(), deadline]);
    return { ok: true, latency_ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latency_ms: Math.round(performance.now() - started), detail: errorMessage(err) };
  } finally {
    clearTimeout(timer);
  }
}

export function createReadiness(opts: ReadinessOptions): Readiness {
  const timeoutMs = opts.timeoutMs ?? 2000;
  let admin: Promise<Admin> | undefined;

  const pingRedis = async () => {
    if (opts.redis.status !== "ready") throw new Error(`not connected (${opts.redis.status})`);
    await opts.redis.ping();
  };
  const connectAdmin = async (): Promise<Admin> => {
    const a = opts.kafka.admin({ retry: { retries: 0 } });
    try {
      await a.connect();
      return a;
    } catch (err) {
      await a.disconnect().catch(() => {});
      throw err;
    }
  };
  const describeKafka = async () => {
    // Concurrent probes share one admin connection (or one attempt to open it).
    admin ??= connectAdmin();
    const current = admin;
    try {
      await (await current).describeCluster();
    } catch (err) {
      if (admin === current) admin = undefined;
      current.then((a) => a.disconnect()).catch(() => {});
      throw err;
    }
  };

  return {
    async check() {
      const [postgres, kafka, redisState] = await Promise.all([
        probe(timeoutMs, () => opts.sql`SELECT 1`),
        probe(timeoutMs, describeKafka),
        probe(timeoutMs, pingRedis),
      ]);
      return {
        ready: postgres.ok && kafka.ok && redisState.ok,
        components: { postgres, kafka, redis: redisState },
      };
    },
    async close() {
      const current = admin;
      admin = undefined;
      await current?.then((a) => a.disconnect()).catch(() => {});
    },
  };
}
