/**
 * Retention: the outbox, the inbox and the gateway's idempotency keys grow with every order.
 * `saga-cli db prune` deletes what is older than a window — only published outbox rows, inbox
 * rows (their duplicates can no longer arrive once offsets are committed past them) and old keys.
 * Nothing runs automatically: `saga-cli check` audits only what is still there (invariant 5 looks
 * at retained outbox rows), so pruning is the operator's explicit choice.
 */
import type { Sql } from "../infra/db/client.ts";
import { SERVICE_SCHEMAS } from "../infra/db/migrate.ts";
import { pruneOutbox } from "./outbox/queries.ts";

export interface PruneCounts {
  readonly schema: string;
  readonly outbox: number;
  readonly inbox: number;
  readonly idempotencyKeys: number;
}

/** Parses `90s`, `15m`, `24h`, `7d` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}

async function countOld(sql: Sql, schema: string, olderThanMs: number): Promise<PruneCounts> {
  const age = `${olderThanMs} milliseconds`;
  const [o] = await sql`
    SELECT count(*)::int AS n FROM ${sql(schema)}.outbox
    WHERE published_at IS NOT NULL AND published_at < clock_timestamp() - ${age}::interval`;
  const [i] = await sql`
    SELECT count(*)::int AS n FROM ${sql(schema)}.inbox WHERE processed_at < clock_timestamp() - ${age}::interval`;
  const [k] =
    schema === "gateway"
      ? await sql`SELECT count(*)::int AS n FROM gateway.idempotency_keys WHERE created_at < clock_timestamp() - ${age}::interval`
      : [{ n: 0 }];
  return { schema, outbox: o?.n ?? 0, inbox: i?.n ?? 0, idempotencyKeys: k?.n ?? 0 };
}

async function deleteOld(sql: Sql, schema: string, olderThanMs: number): Promise<PruneCounts> {
  const age = `${olderThanMs} milliseconds`;
  const outbox = await pruneOutbox(sql, schema, olderThanMs);
  const inbox = (
    await sql`DELETE FROM ${sql(schema)}.inbox WHERE processed_at < clock_timestamp() - ${age}::interval`
  ).count;
  const idempotencyKeys =
    schema === "gateway"
      ? (
          await sql`DELETE FROM gateway.idempotency_keys WHERE created_at < clock_timestamp() - ${age}::interval`
        ).count
      : 0;
  return { schema, outbox, inbox, idempotencyKeys };
}

/** Deletes (or, with `dryRun`, counts) what is older than the window, per service schema. */
export async function prune(sql: Sql, olderThanMs: number, dryRun: boolean): Promise<PruneCounts[]> {
  const out: PruneCounts[] = [];
  for (const schema of SERVICE_SCHEMAS) {
    out.push(dryRun ? await countOld(sql, schema, olderThanMs) : await deleteOld(sql, schema, olderThanMs));
  }
  return out;
}
