import { type Role, type RoleContext, startConsumer, startRelay } from "../runtime.ts";
import { createRestaurantHandlers } from "./handlers.ts";
import { ReadinessScheduler } from "./readiness.ts";

/** Restaurant consumes PaymentAuthorized (accept/reject) and fires readiness from its durable queue. */
export async function startRestaurant(ctx: RoleContext): Promise<Role> {
  const relay = await startRelay(ctx, "restaurant");
  const readiness = new ReadinessScheduler({
    sql: ctx.sql,
    config: ctx.config,
    clock: ctx.clock,
    log: ctx.log.child("restaurant.readiness"),
    sweepIntervalMs: Math.max(50, Math.min(1000, ctx.config.timeScaleMsPerMinute * 5)),
  });
  await readiness.start();
  const consumer = await startConsumer(
    ctx,
    "restaurant",
    createRestaurantHandlers({
      clock: ctx.clock,
      msPerMinute: ctx.config.timeScaleMsPerMinute,
      schedule: (orderId, readyAt) => readiness.schedule(orderId, readyAt),
    }),
  );
  return {
    name: "restaurant",
    stop: async () => {
      await consumer.stop();
      await readiness.stop();
      await relay.stop();
    },
  };
}
