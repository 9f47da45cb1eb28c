/**
 * The saga's invariants (DESIGN §8), audited over all four schemas. This is the one place that
 * reads across services' tables: an auditor, not a participant.
 */
import type { Sql } from "../../infra/db/client.ts";

export interface InvariantResult {
  readonly id: number;
  readonly name: string;
  readonly ok: boolean;
  /** Counts that explain the verdict. */
  readonly counts: Record<string, number>;
  /** First offending orders / rows, as short strings. */
  readonly offenders: readonly string[];
}

const LIMIT = 5;

async function terminal(sql: Sql): Promise<InvariantResult> {
  const [c] = await sql`
    SELECT count(*)::int AS orders,
           count(*) FILTER (WHERE status NOT IN ('COMPLETED','CANCELED'))::int AS open
    FROM gateway.orders`;
  const rows = await sql`
    SELECT id, status, round(extract(epoch FROM now() - placed_at))::int AS age
    FROM gateway.orders WHERE status NOT IN ('COMPLETED','CANCELED') ORDER BY placed_at LIMIT ${LIMIT}`;
  return {
    id: 1,
    name: "every order reached a terminal state",
    ok: (c?.open ?? 0) === 0,
    counts: { orders: c?.orders ?? 0, notTerminal: c?.open ?? 0 },
    offenders: rows.map((r) => `${r.id} ${r.status} (${r.age}s old)`),
  };
}

async function stock(sql: Sql): Promise<InvariantResult> {
  const unbalanced = await sql`
    SELECT s.restaurant_id, s.sku, s.initial, s.available, coalesce(h.held, 0)::int AS held
    FROM inventory.stock s
    LEFT JOIN (
      SELECT r.restaurant_id, i.sku, sum(i.quantity) AS held
      FROM inventory.reservations r JOIN inventory.reserved_items i USING (order_id)
      WHERE r.status = 'RESERVED' GROUP BY 1, 2
    ) h USING (restaurant_id, sku)
    WHERE s.initial <> s.available + coalesce(h.held, 0) OR s.available < 0`;
  const leaked = await sql`
    SELECT o.id FROM gateway.orders o JOIN inventory.reservations r ON r.order_id = o.id
    WHERE o.status = 'CANCELED' AND r.status = 'RESERVED' LIMIT ${LIMIT}`;
  const [c] = await sql`
    SELECT count(*)::int AS lines, coalesce(sum(initial - available), 0)::int AS taken FROM inventory.stock`;
  return {
    id: 2,
    name: "stock is conserved (initial = available + held), nothing oversold, canceled orders released",
    ok: unbalanced.length === 0 && leaked.length === 0,
    counts: {
      stockLines: c?.lines ?? 0,
      unitsHeld: c?.taken ?? 0,
      unbalanced: unbalanced.length,
      canceledStillHolding: leaked.length,
    },
    offenders: [
      ...unbalanced
        .slice(0, LIMIT)
        .map(
          (r) =>
            `${r.restaurant_id}/${r.sku}: initial ${r.initial} ≠ available ${r.available} + held ${r.held}`,
        ),
      ...leaked.map((r) => `order ${r.id} CANCELED but still holds stock`),
    ],
  };
}

async function money(sql: Sql): Promise<InvariantResult> {
  const notVoided = await sql`
    SELECT o.id FROM gateway.orders o JOIN payment.payments p ON p.order_id = o.id
    WHERE o.status = 'CANCELED' AND p.status = 'AUTHORIZED' LIMIT ${LIMIT}`;
  const unpaid = await sql`
    SELECT o.id, o.status FROM gateway.orders o LEFT JOIN payment.payments p ON p.order_id = o.id
    WHERE o.status IN ('ACCEPTED','COMPLETED') AND (p.status IS DISTINCT FROM 'AUTHORIZED') LIMIT ${LIMIT}`;
  const [c] = await sql`
    SELECT (SELECT count(*) FROM payment.payments WHERE status = 'AUTHORIZED')::int AS authorized,
           (SELECT count(*) FROM payment.payments WHERE status = 'VOIDED')::int AS voided,
           (SELECT count(*) FROM gateway.orders WHERE status IN ('ACCEPTED','COMPLETED'))::int AS accepted`;
  const authorized = c?.authorized ?? 0;
  const accepted = c?.accepted ?? 0;
  return {
    id: 3,
    name: "money: one authorization per order, canceled ones voided, authorized = accepted/completed",
    ok: notVoided.length === 0 && unpaid.length === 0 && authorized === accepted,
    counts: {
      authorized,
      voided: c?.voided ?? 0,
      acceptedOrCompleted: accepted,
      canceledNotVoided: notVoided.length,
    },
    offenders: [
      ...notVoided.map((r) => `order ${r.id} CANCELED but its payment is still AUTHORIZED`),
      ...unpaid.map((r) => `order ${r.id} ${r.status} without an authorized payment`),
    ],
  };
}

async function capacity(sql: Sql): Promise<InvariantResult> {
  const rows = await sql`
    SELECT r.id, r.capacity::float8 AS capacity, r.current_load::float8 AS load,
           coalesce(t.load, 0)::float8 AS preparing, coalesce(t.n, 0)::int AS tickets
    FROM restaurant.restaurants r
    LEFT JOIN (SELECT restaurant_id, sum(load) AS load, count(*) AS n FROM restaurant.tickets
               WHERE status = 'PREPARING' GROUP BY 1) t ON t.restaurant_id = r.id`;
  const bad = rows.filter((r) => r.load > r.capacity + 1e-6 || Math.abs(r.load - r.preparing) > 0.01);
  return {
    id: 4,
    name: "restaurant capacity never exceeded; load = Σ preparing tickets (0 when all ready)",
    ok: bad.length === 0,
    counts: {
      restaurants: rows.length,
      preparingTickets: rows.reduce((a, r) => a + Number(r.tickets), 0),
      inconsistent: bad.length,
    },
    offenders: bad
      .slice(0, LIMIT)
      .map(
        (r) => `${r.id}: load ${r.load} (capacity ${r.capacity}) but preparing tickets sum to ${r.preparing}`,
      ),
  };
}

/** Which service must have handled each event type (by inbox), per producing schema. */
const CONSUMERS: Record<string, Record<string, readonly string[]>> = {
  gateway: { OrderPlaced: ["inventory"] },
  inventory: {
    ItemsReserved: ["payment", "gateway"],
    ItemsReservationFailed: ["gateway"],
    ItemsReleased: ["gateway"],
  },
  payment: {
    PaymentAuthorized: ["restaurant", "gateway"],
    PaymentFailed: ["inventory", "gateway"],
    PaymentVoided: ["gateway"],
  },
  restaurant: {
    RestaurantAccepted: ["gateway"],
    RestaurantRejected: ["inventory", "payment", "gateway"],
    RestaurantReady: ["gateway"],
  },
};

async function delivery(sql: Sql): Promise<InvariantResult> {
  let unpublished = 0;
  let missing = 0;
  let events = 0;
  const offenders: string[] = [];
  for (const [producer, types] of Object.entries(CONSUMERS)) {
    const [u] =
      await sql`SELECT count(*)::int AS n, count(*)::int AS total FROM ${sql(producer)}.outbox WHERE published_at IS NULL`;
    unpublished += u?.n ?? 0;
    for (const [type, consumers] of Object.entries(types)) {
      for (const consumer of consumers) {
        const rows = await sql`
          SELECT o.event_id, o.message_key FROM ${sql(producer)}.outbox o
          WHERE o.event_type = ${type} AND o.published_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM ${sql(consumer)}.inbox i WHERE i.consumer = ${consumer} AND i.event_id = o.event_id)`;
        missing += rows.length;
        for (const r of rows.slice(0, LIMIT - offenders.length)) {
          offenders.push(`${type} ${r.event_id} (order ${r.message_key}) not handled by ${consumer}`);
        }
      }
    }
    const [n] = await sql`SELECT count(*)::int AS n FROM ${sql(producer)}.outbox`;
    events += n?.n ?? 0;
  }
  return {
    id: 5,
    name: "no event lost: every outbox row published and handled by each consumer",
    ok: unpublished === 0 && missing === 0,
    counts: { events, unpublished, notHandled: missing },
    offenders,
  };
}

export async function auditInvariants(sql: Sql): Promise<InvariantResult[]> {
  return [await terminal(sql), await stock(sql), await money(sql), await capacity(sql), await delivery(sql)];
}

/** A cheap "is the system quiet?" probe: nothing unpublished, nothing open, nothing preparing. */
export async function activity(
  sql: Sql,
): Promise<{ open: number; unpublished: number; preparing: number; fingerprint: string }> {
  const [r] = await sql`
    SELECT (SELECT count(*) FROM gateway.orders WHERE status NOT IN ('COMPLETED','CANCELED'))::int AS open,
           ((SELECT count(*) FROM gateway.outbox WHERE published_at IS NULL)
          + (SELECT count(*) FROM inventory.outbox WHERE published_at IS NULL)
          + (SELECT count(*) FROM payment.outbox WHERE published_at IS NULL)
          + (SELECT count(*) FROM restaurant.outbox WHERE published_at IS NULL))::int AS unpublished,
           (SELECT count(*) FROM restaurant.tickets WHERE status = 'PREPARING')::int AS preparing,
           ((SELECT count(*) FROM gateway.inbox) + (SELECT count(*) FROM inventory.inbox)
          + (SELECT count(*) FROM payment.inbox) + (SELECT count(*) FROM restaurant.inbox))::int AS handled`;
  return {
    open: r?.open ?? 0,
    unpublished: r?.unpublished ?? 0,
    preparing: r?.preparing ?? 0,
    fingerprint: `${r?.open}/${r?.unpublished}/${r?.preparing}/${r?.handled}`,
  };
}
