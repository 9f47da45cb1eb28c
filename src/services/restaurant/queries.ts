/** Restaurant's SQL: kitchens (capacity, load), menus, tickets with a durable `ready_at`. */
import type { Sql, TxSql } from "../../infra/db/client.ts";
import type { Kitchen } from "../../domain/kitchen.ts";

/** Locks the restaurant row: acceptance decisions for one restaurant are serialised. */
export async function lockKitchen(tx: TxSql, restaurantId: string): Promise<Kitchen | undefined> {
  const [row] = await tx`
    SELECT capacity, parallelization, current_load FROM restaurant.restaurants
    WHERE id = ${restaurantId} FOR UPDATE`;
  if (!row) return undefined;
  return {
    capacity: Number(row.capacity),
    parallelization: Number(row.parallelization),
    currentLoad: Number(row.current_load),
  };
}

export async function prepTimes(tx: TxSql, restaurantId: string): Promise<Map<string, number>> {
  const rows =
    await tx`SELECT sku, prep_minutes FROM restaurant.menu_items WHERE restaurant_id = ${restaurantId}`;
  return new Map(rows.map((r) => [r.sku as string, Number(r.prep_minutes)]));
}

export async function hasTicket(tx: TxSql, orderId: string): Promise<boolean> {
  const rows = await tx`SELECT 1 FROM restaurant.tickets WHERE order_id = ${orderId}`;
  return rows.length > 0;
}

export async function setLoad(tx: TxSql, restaurantId: string, load: number): Promise<void> {
  await tx`UPDATE restaurant.restaurants SET current_load = ${load} WHERE id = ${restaurantId}`;
}

export interface NewTicket {
  readonly orderId: string;
  readonly ticketId: string;
  readonly restaurantId: string;
  readonly load: number;
  readonly etaMinutes: number;
  readonly status: "PREPARING" | "REJECTED";
  readonly reason: string | null;
  readonly correlationId: string;
  readonly acceptedEventId: string | null;
  readonly readyAt: Date | null;
  /** Trace context of the order's saga, for the RestaurantReady fired later. */
  readonly traceparent: string | null;
}

export async function insertTicket(tx: TxSql, t: NewTicket): Promise<void> {
  await tx`
    INSERT INTO restaurant.tickets
      (order_id, ticket_id, restaurant_id, load, eta_minutes, status, reason, correlation_id, accepted_event_id, ready_at, traceparent)
    VALUES (${t.orderId}, ${t.ticketId}, ${t.restaurantId}, ${t.load}, ${t.etaMinutes}, ${t.status}, ${t.reason},
            ${t.correlationId}, ${t.acceptedEventId}, ${t.readyAt}, ${t.traceparent})`;
}

export interface ReadyTicket {
  readonly orderId: string;
  readonly ticketId: string;
  readonly restaurantId: string;
  readonly load: number;
  readonly correlationId: string;
  readonly acceptedEventId: string | null;
  readonly traceparent: string | null;
}

/**
 * Marks a preparing ticket ready. The status condition makes it fire once, whichever instance
 * gets there first: a second caller blocks on the row lock, then matches no row.
 */
export async function markReady(tx: TxSql, orderId: string): Promise<ReadyTicket | undefined> {
  const [row] = await tx`
    UPDATE restaurant.tickets SET status = 'READY', readied_at = now()
    WHERE order_id = ${orderId} AND status = 'PREPARING'
    RETURNING order_id, ticket_id, restaurant_id, load, correlation_id, accepted_event_id, traceparent`;
  if (!row) return undefined;
  return {
    orderId: row.order_id as string,
    ticketId: row.ticket_id as string,
    restaurantId: row.restaurant_id as string,
    load: Number(row.load),
    correlationId: row.correlation_id as string,
    acceptedEventId: (row.accepted_event_id as string | null) ?? null,
    traceparent: (row.traceparent as string | null) ?? null,
  };
}

/** Releases exactly this ticket's load (never below zero: numeric rounding must not fail the CHECK). */
export async function releaseLoad(tx: TxSql, restaurantId: string, load: number): Promise<void> {
  await tx`
    UPDATE restaurant.restaurants SET current_load = greatest(0, current_load - ${load})
    WHERE id = ${restaurantId}`;
}

export async function preparingTickets(sql: Sql): Promise<{ orderId: string; readyAt: Date }[]> {
  const rows = await sql`
    SELECT order_id, ready_at FROM restaurant.tickets WHERE status = 'PREPARING' ORDER BY ready_at`;
  return rows.map((r) => ({ orderId: r.order_id as string, readyAt: r.ready_at as Date }));
}

export async function dueTickets(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows = await sql`
    SELECT order_id FROM restaurant.tickets
    WHERE status = 'PREPARING' AND ready_at <= ${now}
    ORDER BY ready_at LIMIT ${limit}`;
  return rows.map((r) => r.order_id as string);
}
