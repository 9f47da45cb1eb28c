/**
 * The order status machine the gateway applies to downstream events.
 *
 * Events of one order travel on three topics, so they arrive in any order. Transitions are
 * therefore monotonic: an event may only move an order forward (by rank), and a terminal
 * status (COMPLETED, CANCELED) never changes. A late ItemsReserved after PaymentAuthorized is
 * ignored; the first failure cancels.
 */
import type { AnyEnvelope } from "../contracts/events.ts";

export const ORDER_STATUSES = [
  "PENDING",
  "RESERVED",
  "AUTHORIZED",
  "ACCEPTED",
  "COMPLETED",
  "CANCELED",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const CANCEL_REASONS = [
  "out_of_stock",
  "unknown_sku",
  "payment_declined",
  "restaurant_rejected",
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

const RANK: Record<OrderStatus, number> = {
  PENDING: 0,
  RESERVED: 1,
  AUTHORIZED: 2,
  ACCEPTED: 3,
  COMPLETED: 4,
  CANCELED: 4,
};

export function isTerminal(status: OrderStatus): boolean {
  return status === "COMPLETED" || status === "CANCELED";
}

export interface OrderState {
  readonly status: OrderStatus;
}

/** What applying an event does to an order: a status change, a note (release/void), or nothing. */
export type Transition =
  | {
      readonly kind: "advance";
      readonly to: Exclude<OrderStatus, "CANCELED" | "PENDING">;
      readonly etaMinutes?: number;
    }
  | { readonly kind: "cancel"; readonly reason: CancelReason; readonly detail: string }
  | { readonly kind: "note"; readonly what: "items_released" | "payment_voided" }
  | { readonly kind: "ignore"; readonly why: string };

function advance(
  current: OrderStatus,
  to: Exclude<OrderStatus, "CANCELED" | "PENDING">,
  etaMinutes?: number,
): Transition {
  if (isTerminal(current)) return { kind: "ignore", why: `order is already ${current}` };
  if (RANK[current] >= RANK[to]) return { kind: "ignore", why: `order is already past ${to}` };
  return etaMinutes === undefined ? { kind: "advance", to } : { kind: "advance", to, etaMinutes };
}

function cancel(current: OrderStatus, reason: CancelReason, detail: string): Transition {
  if (isTerminal(current)) return { kind: "ignore", why: `order is already ${current}` };
  return { kind: "cancel", reason, detail };
}

/** The transition an event causes for an order in `current` status. Pure. */
export function nextStatus(current: OrderStatus, event: AnyEnvelope): Transition {
  switch (event.type) {
    case "ItemsReserved":
      return advance(current, "RESERVED");
    case "ItemsReservationFailed":
      return cancel(
        current,
        event.payload.reason,
        `${event.payload.reason}: ${event.payload.skus.join(", ")}`,
      );
    case "PaymentAuthorized":
      return advance(current, "AUTHORIZED");
    case "PaymentFailed":
      return cancel(current, "payment_declined", event.payload.reason);
    case "RestaurantAccepted":
      return advance(current, "ACCEPTED", event.payload.etaMinutes);
    case "RestaurantRejected":
      return cancel(current, "restaurant_rejected", event.payload.reason);
    case "RestaurantReady":
      return advance(current, "COMPLETED");
    case "ItemsReleased":
      return { kind: "note", what: "items_released" };
    case "PaymentVoided":
      return { kind: "note", what: "payment_voided" };
    case "OrderPlaced":
      return { kind: "ignore", why: "the gateway produces OrderPlaced" };
  }
}
