/**
 * Gateway status tracking: applies inventory, payment and restaurant events to orders through
 * the monotonic status machine (`nextStatus`), recording when each step happened.
 */
import type { AnyEnvelope, EventType } from "../../contracts/events.ts";
import { Dispatcher, type HandlerContext } from "../../core/consumer/dispatcher.ts";
import { type OrderStatus, type Transition, nextStatus } from "../../domain/order-status.ts";
import { SagaError } from "../../errors.ts";
import type { TxSql } from "../../infra/db/client.ts";

const TRACKED: readonly EventType[] = [
  "ItemsReserved",
  "ItemsReservationFailed",
  "ItemsReleased",
  "PaymentAuthorized",
  "PaymentFailed",
  "PaymentVoided",
  "RestaurantAccepted",
  "RestaurantRejected",
  "RestaurantReady",
];

export function createGatewayStatusHandlers(): Dispatcher {
  const d = new Dispatcher();
  for (const type of TRACKED) d.on(type, (event, ctx) => track(event as AnyEnvelope, ctx));
  return d;
}

async function track(event: AnyEnvelope, ctx: HandlerContext): Promise<void> {
  const { tx } = ctx;
  const [order] = await tx`SELECT status FROM gateway.orders WHERE id = ${event.orderId} FOR UPDATE`;
  if (!order) {
    // Every order's row is committed before its OrderPlaced exists, so this is an event from
    // elsewhere (another database, a reset stack): explain it in the DLQ rather than guess.
    throw new SagaError("NOT_FOUND", `${event.type} for unknown order ${event.orderId}`, {
      retryable: false,
    });
  }
  await applyTransition(tx, event.orderId, nextStatus(order.status as OrderStatus, event));
}

export async function applyTransition(tx: TxSql, orderId: string, t: Transition): Promise<void> {
  switch (t.kind) {
    case "ignore":
      return;
    case "note":
      if (t.what === "items_released") {
        await tx`UPDATE gateway.orders SET items_released_at = coalesce(items_released_at, now()) WHERE id = ${orderId}`;
      } else {
        await tx`UPDATE gateway.orders SET payment_voided_at = coalesce(payment_voided_at, now()) WHERE id = ${orderId}`;
      }
      return;
    case "cancel":
      await tx`
        UPDATE gateway.orders
        SET status = 'CANCELED', cancel_reason = ${t.reason}, cancel_detail = ${t.detail},
            canceled_at = now(), decided_at = coalesce(decided_at, now()), updated_at = now()
        WHERE id = ${orderId}`;
      return;
    case "advance":
      await advance(tx, orderId, t.to, t.etaMinutes);
  }
}

async function advance(tx: TxSql, orderId: string, to: OrderStatus, eta: number | undefined): Promise<void> {
  switch (to) {
    case "RESERVED":
      await tx`UPDATE gateway.orders SET status = 'RESERVED', reserved_at = now(), updated_at = now() WHERE id = ${orderId}`;
      return;
    case "AUTHORIZED":
      await tx`UPDATE gateway.orders SET status = 'AUTHORIZED', authorized_at = now(), updated_at = now() WHERE id = ${orderId}`;
      return;
    case "ACCEPTED":
      await tx`
        UPDATE gateway.orders
        SET status = 'ACCEPTED', accepted_at = now(), decided_at = coalesce(decided_at, now()),
            eta_minutes = ${eta ?? null}, updated_at = now()
        WHERE id = ${orderId}`;
      return;
    case "COMPLETED":
      await tx`
        UPDATE gateway.orders
        SET status = 'COMPLETED', completed_at = now(), decided_at = coalesce(decided_at, now()), updated_at = now()
        WHERE id = ${orderId}`;
      return;
    default:
      throw new SagaError("INTERNAL", `cannot advance to ${to}`);
  }
}
