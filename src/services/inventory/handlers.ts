/**
 * Inventory: reserves an order's items against its restaurant's stock, and releases them when
 * the saga compensates (payment failed, restaurant rejected).
 */
import type { Envelope } from "../../contracts/events.ts";
import { Dispatcher, type HandlerContext } from "../../core/consumer/dispatcher.ts";
import { checkReservation, normaliseItems } from "../../domain/reservation.ts";
import type { Logger } from "../../infra/log.ts";
import * as q from "./queries.ts";

export function createInventoryHandlers(deps: { log: Logger }): Dispatcher {
  return new Dispatcher()
    .on("OrderPlaced", (event, ctx) => reserve(event, ctx))
    .on("PaymentFailed", (event, ctx) => release(event.orderId, "payment_failed", ctx, deps.log))
    .on("RestaurantRejected", (event, ctx) => release(event.orderId, "restaurant_rejected", ctx, deps.log));
}

async function reserve(event: Envelope<"OrderPlaced">, ctx: HandlerContext): Promise<void> {
  const { tx } = ctx;
  const p = event.payload;
  const items = normaliseItems(p.items);
  // Reads first, pipelined (one round trip); none of them touches the contended stock rows.
  const [existing, snapshot] = await Promise.all([
    q.findReservation(tx, event.orderId),
    q.stockLines(
      tx,
      p.restaurantId,
      items.map((i) => i.sku),
    ),
  ]);
  // A reservation exists already: this order was decided before (e.g. a replay with a new event id).
  if (existing) return;
  const check = checkReservation(items, snapshot);
  if (!check.ok && check.reason === "unknown_sku") {
    await q.insertReservation(tx, event.orderId, p.restaurantId, "FAILED", check.reason, []);
    ctx.emit("ItemsReservationFailed", {
      restaurantId: p.restaurantId,
      reason: "unknown_sku",
      skus: [...check.skus],
    });
    return;
  }
  // Write the reservation before taking stock: stock rows are what concurrent orders contend
  // for, so their row locks should be held for as little of the transaction as possible.
  await q.insertReservation(tx, event.orderId, p.restaurantId, "RESERVED", null, items);
  // One conditional update per SKU, pipelined in sorted SKU order (a fixed lock order keeps
  // concurrent multi-item reservations deadlock-free). `available >= qty` is evaluated under the
  // row lock, so racing orders can never oversell.
  const taken = await Promise.all(items.map((item) => q.takeStock(tx, p.restaurantId, item)));
  if (taken.every(Boolean)) {
    ctx.emit("ItemsReserved", {
      restaurantId: p.restaurantId,
      items,
      customerId: p.customerId,
      pmId: p.pmId,
      amountCents: p.amountCents,
      currency: p.currency,
    });
    return;
  }
  // All or nothing: give back what was taken (the row locks are still ours) and record the failure.
  await Promise.all(items.filter((_, i) => taken[i]).map((item) => q.returnStock(tx, p.restaurantId, item)));
  await q.failReservation(tx, event.orderId, "out_of_stock");
  const skus = new Set([
    ...items.filter((_, i) => !taken[i]).map((i) => i.sku),
    ...(check.ok ? [] : check.skus),
  ]);
  ctx.emit("ItemsReservationFailed", {
    restaurantId: p.restaurantId,
    reason: "out_of_stock",
    skus: [...skus].sort(),
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
