/** The gateway's SQL: orders, their items, known restaurants and idempotency keys (schema `gateway`). */
import type { OrderRequest } from "../../domain/order-request.ts";
import type { Sql, TxSql } from "../../infra/db/client.ts";

type Db = Sql | TxSql;

export interface NewOrder {
  readonly id: string;
  readonly correlationId: string;
  readonly request: OrderRequest;
}

export async function restaurantExists(db: Db, id: string): Promise<boolean> {
  const rows = await db`SELECT 1 FROM gateway.restaurants WHERE id = ${id}`;
  return rows.length > 0;
}

export async function insertOrder(tx: TxSql, order: NewOrder): Promise<void> {
  const r = order.request;
  await tx`
    INSERT INTO gateway.orders
      (id, customer_id, restaurant_id, pm_id, amount_cents, currency, delivery_address, status, correlation_id)
    VALUES
      (${order.id}, ${r.customerId}, ${r.restaurantId}, ${r.pmId}, ${r.amountCents}, ${r.currency},
       ${r.deliveryAddress}, 'PENDING', ${order.correlationId})`;
  const items = r.items.map((l) => ({ order_id: order.id, sku: l.sku, quantity: l.quantity }));
  await tx`INSERT INTO gateway.order_items ${tx(items, "order_id", "sku", "quantity")}`;
}

export interface StoredResponse {
  readonly requestHash: string;
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}

/**
 * Claims an idempotency key with the response this request will give. Returns false when the
 * key is taken. If another transaction holds the key uncommitted, this waits on the unique index
 * until that one commits (→ false) or rolls back (→ this one claims it): that wait is what makes
 * concurrent retries see exactly one winner.
 */
export async function claimIdempotencyKey(
  tx: TxSql,
  key: string,
  orderId: string,
  stored: StoredResponse,
): Promise<boolean> {
  const rows = await tx`
    INSERT INTO gateway.idempotency_keys (key, request_hash, order_id, status_code, response)
    VALUES (${key}, ${stored.requestHash}, ${orderId}, ${stored.statusCode}, ${tx.json(stored.body as never)})
    ON CONFLICT (key) DO NOTHING
    RETURNING key`;
  return rows.length > 0;
}

/** Reads a committed key. Under READ COMMITTED each statement takes a fresh snapshot, so after
 * `claimIdempotencyKey` waited for the winner's commit, this sees the winner's row. */
export async function findIdempotencyKey(db: Db, key: string): Promise<StoredResponse | undefined> {
  const [row] = await db`
    SELECT request_hash, status_code, response FROM gateway.idempotency_keys WHERE key = ${key}`;
  if (!row) return undefined;
  return {
    requestHash: String(row.request_hash),
    statusCode: Number(row.status_code),
    body: row.response as Record<string, unknown>,
  };
}

export interface OrderView {
  readonly id: string;
  readonly status: string;
  readonly cancel_reason: string | null;
  readonly cancel_detail: string | null;
  readonly customer_id: string;
  readonly restaurant_id: string;
  readonly pm_id: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly delivery_address: string;
  readonly eta_minutes: number | null;
  readonly correlation_id: string;
  readonly items: readonly { sku: string; quantity: number }[];
  readonly placed_at: string | null;
  readonly reserved_at: string | null;
  readonly authorized_at: string | null;
  readonly accepted_at: string | null;
  readonly decided_at: string | null;
  readonly completed_at: string | null;
  readonly canceled_at: string | null;
  readonly updated_at: string | null;
}

const TIMESTAMPS = [
  "placed_at",
  "reserved_at",
  "authorized_at",
  "accepted_at",
  "decided_at",
  "completed_at",
  "canceled_at",
  "updated_at",
] as const;

function iso(v: unknown): string | null {
  return v instanceof Date ? v.toISOString() : v == null ? null : String(v);
}

/** The order as the API shows it, or undefined. */
export async function findOrder(db: Db, id: string): Promise<OrderView | undefined> {
  const [row] = await db`
    SELECT o.*, coalesce(
      (SELECT json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity) ORDER BY i.sku)
       FROM gateway.order_items i WHERE i.order_id = o.id), '[]'::json) AS items
    FROM gateway.orders o WHERE o.id = ${id}`;
  if (!row) return undefined;
  const times = Object.fromEntries(TIMESTAMPS.map((k) => [k, iso(row[k])])) as Record<
    (typeof TIMESTAMPS)[number],
    string | null
  >;
  return {
    id: String(row.id),
    status: String(row.status),
    cancel_reason: (row.cancel_reason as string | null) ?? null,
    cancel_detail: (row.cancel_detail as string | null) ?? null,
    customer_id: String(row.customer_id),
    restaurant_id: String(row.restaurant_id),
    pm_id: String(row.pm_id),
    amount_cents: Number(row.amount_cents),
    currency: String(row.currency),
    delivery_address: String(row.delivery_address),
    eta_minutes: row.eta_minutes == null ? null : Number(row.eta_minutes),
    correlation_id: String(row.correlation_id),
    items: row.items as { sku: string; quantity: number }[],
    ...times,
  };
}
