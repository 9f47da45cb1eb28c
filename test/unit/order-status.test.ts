import { describe, expect, test } from "bun:test";
import { type AnyEnvelope, type EventMap, type EventType, createEvent } from "../../src/contracts/events.ts";
import { ORDER_STATUSES, type OrderStatus, nextStatus } from "../../src/domain/order-status.ts";

const orderId = crypto.randomUUID();
const meta = {
  orderId,
  correlationId: crypto.randomUUID(),
  causationId: null,
  producer: "inventory" as const,
};
const items = [{ sku: "BURGER_CLASSIC", quantity: 2 }];
const PAYLOADS: { [K in EventType]: EventMap[K] } = {
  OrderPlaced: {
    customerId: "c",
    restaurantId: "resto-3",
    items,
    pmId: "pm-111",
    amountCents: 1,
    currency: "USD",
    deliveryAddress: "x",
  },
  ItemsReserved: {
    restaurantId: "resto-3",
    items,
    customerId: "c",
    pmId: "pm-111",
    amountCents: 1,
    currency: "USD",
  },
  ItemsReservationFailed: { restaurantId: "resto-3", reason: "out_of_stock", skus: ["BURGER_CLASSIC"] },
  ItemsReleased: { restaurantId: "resto-3", items, reason: "payment_failed" },
  PaymentAuthorized: {
    paymentId: crypto.randomUUID(),
    pmId: "pm-111",
    amountCents: 1,
    currency: "USD",
    restaurantId: "resto-3",
    items,
  },
  PaymentFailed: { pmId: "pm-222", amountCents: 1, reason: "declined" },
  PaymentVoided: { paymentId: crypto.randomUUID(), amountCents: 1, reason: "restaurant_rejected" },
  RestaurantAccepted: {
    ticketId: crypto.randomUUID(),
    restaurantId: "resto-3",
    load: 42,
    etaMinutes: 42,
    readyAt: new Date().toISOString(),
  },
  RestaurantRejected: {
    restaurantId: "resto-3",
    reason: "capacity_exceeded",
    load: 42,
    currentLoad: 42,
    capacity: 80,
  },
  RestaurantReady: { ticketId: crypto.randomUUID(), restaurantId: "resto-3", load: 42 },
};
const ev = <T extends EventType>(type: T) => createEvent(type, PAYLOADS[type], meta) as AnyEnvelope;

/** Applies events in order the way the gateway does, returning the final status. */
function apply(start: OrderStatus, types: EventType[]): OrderStatus {
  let s = start;
  for (const t of types) {
    const tr = nextStatus(s, ev(t));
    if (tr.kind === "advance") s = tr.to;
    if (tr.kind === "cancel") s = "CANCELED";
  }
  return s;
}

describe("nextStatus", () => {
  test("the happy path walks every status in order", () => {
    expect(
      apply("PENDING", ["ItemsReserved", "PaymentAuthorized", "RestaurantAccepted", "RestaurantReady"]),
    ).toBe("COMPLETED");
  });

  test("PaymentAuthorized before ItemsReserved: the late event does not move the order back", () => {
    expect(apply("PENDING", ["PaymentAuthorized", "ItemsReserved"])).toBe("AUTHORIZED");
    expect(nextStatus("AUTHORIZED", ev("ItemsReserved"))).toEqual({
      kind: "ignore",
      why: "order is already past RESERVED",
    });
  });

  test("terminal states stay terminal, whatever arrives", () => {
    for (const t of Object.keys(PAYLOADS) as EventType[]) {
      for (const terminal of ["COMPLETED", "CANCELED"] as const) {
        const tr = nextStatus(terminal, ev(t));
        expect(tr.kind === "advance" || tr.kind === "cancel").toBe(false);
      }
    }
  });

  test("failures cancel with the saga's reason", () => {
    expect(nextStatus("PENDING", ev("ItemsReservationFailed"))).toMatchObject({
      kind: "cancel",
      reason: "out_of_stock",
    });
    expect(nextStatus("RESERVED", ev("PaymentFailed"))).toMatchObject({
      kind: "cancel",
      reason: "payment_declined",
      detail: "declined",
    });
    expect(nextStatus("AUTHORIZED", ev("RestaurantRejected"))).toMatchObject({
      kind: "cancel",
      reason: "restaurant_rejected",
    });
  });

  test("accepted carries the ETA; release and void are notes, not transitions", () => {
    expect(nextStatus("AUTHORIZED", ev("RestaurantAccepted"))).toEqual({
      kind: "advance",
      to: "ACCEPTED",
      etaMinutes: 42,
    });
    expect(nextStatus("CANCELED", ev("ItemsReleased"))).toEqual({ kind: "note", what: "items_released" });
    expect(nextStatus("CANCELED", ev("PaymentVoided"))).toEqual({ kind: "note", what: "payment_voided" });
  });

  test("monotonic: from any status, no event moves an order to a lower rank", () => {
    const rank = (s: OrderStatus) => ORDER_STATUSES.indexOf(s);
    for (const s of ORDER_STATUSES) {
      for (const t of Object.keys(PAYLOADS) as EventType[]) {
        const tr = nextStatus(s, ev(t));
        if (tr.kind === "advance") expect(rank(tr.to)).toBeGreaterThan(rank(s));
      }
    }
  });
});
