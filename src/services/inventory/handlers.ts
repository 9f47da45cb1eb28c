/**
 * Inventory: reserves an order's items against its restaurant's stock, and releases them when
 * the saga compensates (payment failed, restaurant rejected).
 */
import type { Envelope } from "../../contracts/events.ts";
import { Dispatcher, type HandlerContext } from "../../core/consumer/dispatcher.ts";
import { checkReservation, normaliseItems } from "../../domain/reservation.ts";
import type { Logger } from "../../infra/log.ts";
import * as q from "./queries.ts";

class OutOfStock extends Error {
  constructor(readonly sku: string) {
    super(`out of stock: ${sku}`);
  }
}

export function createInventoryHandlers(deps: { log: Logger }): Dispatcher {
  return new Dispatcher()
    .on("OrderPlaced", (event, ctx) => reserve(event, ctx))
    .on("PaymentFailed", (event, ctx) => release(event.orderId, "payment_failed", ctx, deps.log))
    .on("RestaurantRejected", (event, ctx) => release(event.orderId, "restaurant_rejected", ctx, deps.log));
}

async function reserve(event: Envelope<"OrderPlaced">, ctx: HandlerContext): Promise<void> {
  const { tx } = ctx;
  const p = event.payload;
  // A reservation exists already: this order was decided before (e.g. a replay with a new event id).
  if (await q.findReservation(tx, event.orderId)) return;
  const items = normaliseItems(p.items);
  const snapshot = await q.stockLines(
    tx,
    p.restaurantId,
    items.map((i) => i.sku),
  );
  const check = checkReservation(items, snapshot);
  if (!check.ok && check.reason === "unknown_sku") {
    await q.insertReservation(tx, event.orderId, p.restaurantId, "FAILED", check.reason, []);
    ctx.emit("ItemsReservationFailed", { restaurantId: p.restaurantId, reason: "unknown_sku", skus: [...check.skus] });
    return;
  }
  try {
    // Sorted SKU order (normaliseItems) keeps concurrent multi-item reservations deadlock-free.
    await tx.savepoint(async (sp) => {
      for (const item of items) {
        if (!(await q.takeStock(sp, p.restaurantId, item))) throw new OutOfStock(item.sku);
      }
    });
  } catch (err) {
    if (!(err instanceof OutOfStock)) throw err;
    const skus = new Set([err.sku, ...(check.ok ? [] : check.skus)]);
    await q.insertReservation(tx, event.orderId, p.restaurantId, "FAILED", "out_of_stock", []);
    ctx.emit("ItemsReservationFailed", { restaurantId: p.restaurantId, reason: "out_of_stock", skus: [...skus].sort() });
    return;
  }
  await q.insertReservation(tx, event.orderId, p.restaurantId, "RESERVED", null, items);
  ctx.emit("ItemsReserved", {
    restaurantId: p.restaurantId,
    items,
    customerId: p.customerId,
    pmId: p.pmId,
    amountCents: p.amountCents,
    currency: p.currency,
  });
}

/** Returns a reservation's items to stock once; a second release changes nothing. */
async function release(
  orderId: string,
  reason: "payment_failed" | "restaurant_rejected",
  ctx: HandlerContext,
  log: Logger,
): Promise<void> {
  const { tx } = ctx;
  const reservation = await q.findReservation(tx, orderId);
  if (!reservation) {
    log.warn("release for an order with no reservation; nothing to return", { order: orderId, reason });
    return;
  }
  if (reservation.status !== "RESERVED") return;
  const items = await q.reservedItems(tx, orderId);
  for (const item of items) await q.returnStock(tx, reservation.restaurantId, item);
  await q.markReleased(tx, orderId, reason);
  ctx.emit("ItemsReleased", { restaurantId: reservation.restaurantId, items, reason });
}
