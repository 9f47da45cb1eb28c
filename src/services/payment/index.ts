import { type Role, type RoleContext, startConsumer, startRelay } from "../runtime.ts";
import { createPaymentHandlers } from "./handlers.ts";
import { PaymentMethodCache } from "./method-cache.ts";

/** Payment consumes ItemsReserved (authorize) and RestaurantRejected (void). */
export async function startPayment(ctx: RoleContext): Promise<Role> {
  const relay = await startRelay(ctx, "payment");
  const methods = new PaymentMethodCache(ctx.redis, ctx.config.redisPrefix);
  const consumer = await startConsumer(
    ctx,
    "payment",
    createPaymentHandlers({
      methods,
      clock: ctx.clock,
      failureRate: ctx.config.paymentFailureRate,
      latencyMs: ctx.config.paymentLatencyMs,
    }),
  );
  return {
    name: "payment",
    stop: async () => {
      await consumer.stop();
      await relay.stop();
    },
  };
}
