/**
 * Payment methods, read through a Redis cache and loaded from Postgres on a miss. When Redis is
 * down every read goes to Postgres: payments keep authorizing.
 */
import type { PaymentMethod } from "../../domain/payment.ts";
import type { Sql, TxSql } from "../../infra/db/client.ts";
import { type RedisClient, redisKeys } from "../../infra/redis.ts";

export interface MethodCacheStats {
  hits: number;
  misses: number;
  redisErrors: number;
}

export class PaymentMethodCache {
  readonly stats: MethodCacheStats = { hits: 0, misses: 0, redisErrors: 0 };

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlSeconds = 300,
  ) {}

  async get(sql: Sql | TxSql, pmId: string): Promise<PaymentMethod | undefined> {
    const key = redisKeys.paymentMethod(this.prefix, pmId);
    const cached = await this.redis.get(key).catch(() => {
      this.stats.redisErrors++;
      return undefined;
    });
    if (cached) {
      this.stats.hits++;
      return JSON.parse(cached) as PaymentMethod;
    }
    this.stats.misses++;
    const [row] = await sql`SELECT id, behavior, limit_cents FROM payment.methods WHERE id = ${pmId}`;
    if (!row) return undefined;
    const method: PaymentMethod = {
      id: row.id as string,
      behavior: row.behavior as PaymentMethod["behavior"],
      limitCents: Number(row.limit_cents),
    };
    if (cached === null) {
      // Only when Redis answered (a miss, not an outage): no point writing to a server that is down.
      await this.redis.set(key, JSON.stringify(method), "EX", this.ttlSeconds).catch(() => {
        this.stats.redisErrors++;
      });
    }
    return method;
  }
}
