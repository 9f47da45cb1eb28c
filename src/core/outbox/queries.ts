/**
 * The SQL of the outbox, for any service schema. Schema names come from a fixed list, never
 * from input, so interpolating them as identifiers is safe.
 */
import type { Envelope } from "../../contracts/events.ts";
import type { Sql, TxSql } from "../../infra/db/client.ts";

export interface OutboxRow {
  id: number;
  event_id: string;
  event_type: string;
  topic: string;
  message_key: string;
  envelope: Envelope;
  headers: Record<string, string>;
  created_at: Date;
}

export interface OutboxEntry {
  readonly topic: string;
  readonly event: Envelope;
  readonly headers?: Record<string, string>;
}

/** Writes events into the outbox inside the caller's transaction. */
export async function insertOutbox(
  tx: TxSql | Sql,
  schema: string,
  entries: readonly OutboxEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    event_id: e.event.id,
    event_type: e.event.type,
    topic: e.topic,
    message_key: e.event.orderId,
    envelope: e.event as unknown as Record<string, unknown>,
    headers: e.headers ?? {},
  }));
  // postgres.js serialises objects given to a jsonb column in a multi-row insert as JSON text.
  await tx`
    INSERT INTO ${tx(schema)}.outbox ${tx(
      rows.map((r) => ({ ...r, envelope: tx.json(r.envelope as never), headers: tx.json(r.headers) })),
      "event_id",
      "event_type",
      "topic",
      "message_key",
      "envelope",
      "headers",
    )}`;
}

/**
 * Claims the oldest unpublished rows in id order, locking them for this transaction.
 * Rows whose transaction commits later with a smaller id are simply still unpublished: we
 * select by `published_at IS NULL`, never by `id > last_published_id`. No SKIP LOCKED: should
 * anything else ever hold an older row, waiting for it keeps an order's events in order, where
 * skipping it would publish a newer event first.
 */
export async function claimBatch(tx: TxSql, schema: string, limit: number): Promise<OutboxRow[]> {
  return (await tx`
    SELECT id, event_id, event_type, topic, message_key, envelope, headers, created_at
    FROM ${tx(schema)}.outbox
    WHERE published_at IS NULL
    ORDER BY id
    LIMIT ${limit}
    FOR UPDATE`) as unknown as OutboxRow[];
}

export async function markPublished(tx: TxSql, schema: string, ids: readonly number[]): Promise<void> {
  await tx`UPDATE ${tx(schema)}.outbox SET published_at = clock_timestamp() WHERE id = ANY(${tx.array([...ids])}::bigint[])`;
}

export interface OutboxLag {
  readonly schema: string;
  readonly unpublished: number;
  readonly oldestAgeMs: number;
  readonly published: number;
}

/** Unpublished rows and the age of the oldest: the outbox lag the dashboard shows. */
export async function outboxLag(sql: Sql, schema: string): Promise<OutboxLag> {
  const [row] = await sql`
    SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished,
           count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published,
           coalesce(extract(epoch FROM (clock_timestamp() - min(created_at) FILTER (WHERE published_at IS NULL))) * 1000, 0)::float8 AS age
    FROM ${sql(schema)}.outbox`;
  return {
    schema,
    unpublished: Number(row?.unpublished ?? 0),
    published: Number(row?.published ?? 0),
    oldestAgeMs: Math.max(0, Math.round(Number(row?.age ?? 0))),
  };
}

/** Deletes published rows older than the retention window; returns how many. */
export async function pruneOutbox(sql: Sql, schema: string, olderThanMs: number): Promise<number> {
  const rows = await sql`
    DELETE FROM ${sql(schema)}.outbox
    WHERE published_at IS NOT NULL AND published_at < clock_timestamp() - ${`${olderThanMs} milliseconds`}::interval`;
  return rows.count;
}
