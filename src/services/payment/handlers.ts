/**
 * Payment: authorizes an order's amount once items are reserved (mock processor), and voids the
 * authorization when the restaurant rejects the order.
 */
import type { Envelope } from "../../contracts/events.ts";
import type { Clock } from "../../core/clock.ts";
import { Dispatcher, type HandlerContext } from "../../core/consumer/dispatcher.ts";
import { decidePayment } from "../../domain/payment.ts";
import type { PaymentMethodCache } from "./method-cache.ts";

export interface PaymentDeps {
  readonly methods: PaymentMethodCache;
  readonly clock: Clock;
  /** Probability that the processor declines a valid payment. */
  readonly failureRate: number;
  /** Simulated processor latency. */
  readonly latencyMs: number;
  readonly random?: () => number;
}

export function createPaymentHandlers(deps: PaymentDeps): Dispatcher {
  return new Dispatcher()
    .on("ItemsReserved", (event, ctx) => authorize(event, ctx, deps))
    .on("RestaurantRejected", (event, ctx) => voidPayment(event, ctx));
}

async function authorize(
  event: Envelope<"ItemsReserved">,
  ctx: HandlerContext,
  deps: PaymentDeps,
): Promise<void> {
  const { tx } = ctx;
  const p = event.payload;
  // At most one payment per order: a row (any status) means this order was decided already.
  const [existing] =
    await tx`SELECT status FROM payment.payments WHERE order_id = ${event.orderId} FOR UPDATE`;
  if (existing) return;
  const method = await deps.methods.get(tx, p.pmId);
  if (deps.latencyMs > 0) await deps.clock.sleep(deps.latencyMs);
  const decision = decidePayment(method, p.amountCents, deps.failureRate, deps.random);
  const paymentId = crypto.randomUUID();
  // ON CONFLICT: two instances racing on a redelivered event cannot both authorize.
  const inserted = await tx`
    INSERT INTO payment.payments (order_id, payment_id, pm_id, amount_cents, currency, status, failure_reason, authorized_at)
    VALUES (${event.orderId}, ${paymentId}, ${p.pmId}, ${p.amountCents}, ${p.currency},
            ${decision.ok ? "AUTHORIZED" : "FAILED"}, ${decision.ok ? null : decision.reason},
            ${decision.ok ? new Date(deps.clock.now()) : null})
    ON CONFLICT (order_id) DO NOTHING
    RETURNING payment_id`;
  if (inserted.length === 0) return;
  if (decision.ok) {
    ctx.emit("PaymentAuthorized", {
      paymentId,
      pmId: p.pmId,
      amountCents: p.amountCents,
      currency: p.currency,
      restaurantId: p.restaurantId,
      items: p.items,
    });
  } else {
    ctx.emit("PaymentFailed", { pmId: p.pmId, amountCents: p.amountCents, reason: decision.reason });
  }
}

async function voidPayment(event: Envelope<"RestaurantRejected">, ctx: HandlerContext): Promise<void> {
  const { tx } = ctx;
  const [payment] = await tx`
    SELECT payment_id, amount_cents, status FROM payment.payments WHERE order_id = ${event.orderId} FOR UPDATE`;
  if (!payment) {
    // Cannot happen in the saga's order (the restaurant acts on PaymentAuthorized), but if it does,
    // leave a tombstone so a late ItemsReserved can never authorize a rejected order.
    await tx`
      INSERT INTO payment.payments (order_id, payment_id, pm_id, amount_cents, currency, status, failure_reason, voided_at)
      VALUES (${event.orderId}, ${crypto.randomUUID()}, '', 0, 'XXX', 'VOIDED', 'rejected_before_payment', now())`;
    return;
  }
  if (payment.status !== "AUTHORIZED") return;
  await tx`UPDATE payment.payments SET status = 'VOIDED', voided_at = now() WHERE order_id = ${event.orderId}`;
  ctx.emit("PaymentVoided", {
    paymentId: payment.payment_id as string,
    amountCents: Number(payment.amount_cents),
    reason: "restaurant_rejected",
  });
}
