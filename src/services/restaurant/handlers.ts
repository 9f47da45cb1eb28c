/**
 * Restaurant: on PaymentAuthorized, computes the order's prep load and accepts it (ticket with
 * an ETA and a durable `ready_at`) or rejects it (capacity, unknown item or restaurant).
 */
import type { Envelope } from "../../contracts/events.ts";
import type { Clock } from "../../core/clock.ts";
import { Dispatcher, type HandlerContext } from "../../core/consumer/dispatcher.ts";
import { decideTicket, minutesToMs } from "../../domain/kitchen.ts";
import * as q from "./queries.ts";

export interface RestaurantDeps {
  readonly clock: Clock;
  readonly msPerMinute: number;
  /** Arms the in-memory timer once the ticket is committed. */
  readonly schedule: (orderId: string, readyAt: number) => void;
}

export function createRestaurantHandlers(deps: RestaurantDeps): Dispatcher {
  return new Dispatcher().on("PaymentAuthorized", (event, ctx) => decide(event, ctx, deps));
}

async function decide(
  event: Envelope<"PaymentAuthorized">,
  ctx: HandlerContext,
  deps: RestaurantDeps,
): Promise<void> {
  const { tx } = ctx;
  const p = event.payload;
  // Unlocked reads first, pipelined; the restaurant row lock (contended) comes last.
  const [ticketed, prep] = await Promise.all([
    q.hasTicket(tx, event.orderId),
    q.prepTimes(tx, p.restaurantId),
  ]);
  if (ticketed) return;
  const kitchen = await q.lockKitchen(tx, p.restaurantId);
  if (!kitchen) {
    ctx.emit("RestaurantRejected", {
      restaurantId: p.restaurantId,
      reason: "unknown_restaurant",
      load: 0,
      currentLoad: 0,
      capacity: 0,
    });
    return;
  }
  const decision = decideTicket(kitchen, p.items, prep);
  const ticketId = crypto.randomUUID();
  const base = {
    orderId: event.orderId,
    ticketId,
    restaurantId: p.restaurantId,
    correlationId: event.correlationId,
    traceparent: ctx.message.headers.traceparent ?? null,
  };
  if (!decision.accept) {
    await q.insertTicket(tx, {
      ...base,
      load: decision.load,
      etaMinutes: 0,
      status: "REJECTED",
      reason: decision.reason,
      acceptedEventId: null,
      readyAt: null,
    });
    ctx.emit("RestaurantRejected", {
      restaurantId: p.restaurantId,
      reason: decision.reason,
      load: decision.load,
      currentLoad: kitchen.currentLoad,
      capacity: kitchen.capacity,
    });
    return;
  }
  const readyAt = deps.clock.now() + minutesToMs(decision.etaMinutes, deps.msPerMinute);
  const accepted = ctx.emit("RestaurantAccepted", {
    ticketId,
    restaurantId: p.restaurantId,
    load: decision.load,
    etaMinutes: decision.etaMinutes,
    readyAt: new Date(readyAt).toISOString(),
  });
  // Pipelined: the new load and the ticket in one round trip while the row lock is held.
  const insertTicket = q.insertTicket(tx, {
    ...base,
    load: decision.load,
    etaMinutes: decision.etaMinutes,
    status: "PREPARING",
    reason: null,
    acceptedEventId: accepted.id,
    readyAt: new Date(readyAt),
  });
  await Promise.all([q.setLoad(tx, p.restaurantId, decision.newLoad), insertTicket]);
  ctx.afterCommit(() => deps.schedule(event.orderId, readyAt));
}
