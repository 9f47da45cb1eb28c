/** Inventory's SQL: stock lines and reservations, all inside the consumer's transaction. */
import type { Item } from "../../contracts/events.ts";
import type { TxSql } from "../../infra/db/client.ts";
import type { StockLine } from "../../domain/reservation.ts";

export type ReservationStatus = "RESERVED" | "RELEASED" | "FAILED";

export async function findReservation(
  tx: TxSql,
  orderId: string,
): Promise<{ status: ReservationStatus; restaurantId: string } | undefined> {
  const [row] = await tx`
    SELECT status, restaurant_id FROM inventory.reservations WHERE order_id = ${orderId} FOR UPDATE`;
  return row
    ? { status: row.status as ReservationStatus, restaurantId: row.restaurant_id as string }
    : undefined;
}

export async function stockLines(
  tx: TxSql,
  restaurantId: string,
  skus: readonly string[],
): Promise<StockLine[]> {
  const rows = await tx`
    SELECT sku, available FROM inventory.stock
    WHERE restaurant_id = ${restaurantId} AND sku = ANY(${tx.array([...skus])}::text[])`;
  return rows.map((r) => ({ sku: r.sku as string, available: Number(r.available) }));
}

/**
 * Takes `quantity` units if (and only if) that many are available. The condition is evaluated
 * under the row lock the UPDATE takes, so racing orders cannot both take the last units.
 */
export async function takeStock(tx: TxSql, restaurantId: string, item: Item): Promise<boolean> {
  const rows = await tx`
    UPDATE inventory.stock SET available = available - ${item.quantity}
    WHERE restaurant_id = ${restaurantId} AND sku = ${item.sku} AND available >= ${item.quantity}
    RETURNING sku`;
  return rows.length === 1;
}

export async function returnStock(tx: TxSql, restaurantId: string, item: Item): Promise<void> {
  await tx`
    UPDATE inventory.stock SET available = available + ${item.quantity}
    WHERE restaurant_id = ${restaurantId} AND sku = ${item.sku}`;
}

export async function insertReservation(
  tx: TxSql,
  orderId: string,
  restaurantId: string,
  status: ReservationStatus,
  reason: string | null,
  items: readonly Item[],
): Promise<void> {
  await tx`
    INSERT INTO inventory.reservations (order_id, restaurant_id, status, reason)
    VALUES (${orderId}, ${restaurantId}, ${status}, ${reason})`;
  if (items.length === 0) return;
  await tx`
    INSERT INTO inventory.reserved_items ${tx(
      items.map((it) => ({ order_id: orderId, sku: it.sku, quantity: it.quantity })),
      "order_id",
      "sku",
      "quantity",
    )}`;
}

export async function reservedItems(tx: TxSql, orderId: string): Promise<Item[]> {
  const rows =
    await tx`SELECT sku, quantity FROM inventory.reserved_items WHERE order_id = ${orderId} ORDER BY sku`;
  return rows.map((r) => ({ sku: r.sku as string, quantity: Number(r.quantity) }));
}

export async function markReleased(tx: TxSql, orderId: string, reason: string): Promise<void> {
  await tx`
    UPDATE inventory.reservations SET status = 'RELEASED', reason = ${reason}, released_at = now()
    WHERE order_id = ${orderId}`;
}

/** Turns a just-written reservation into a failed one (its items were not all available). */
export async function failReservation(tx: TxSql, orderId: string, reason: string): Promise<void> {
  await tx`DELETE FROM inventory.reserved_items WHERE order_id = ${orderId}`;
  await tx`UPDATE inventory.reservations SET status = 'FAILED', reason = ${reason} WHERE order_id = ${orderId}`;
}
