import { type Role, type RoleContext, startConsumer, startRelay } from "../runtime.ts";
import { createInventoryHandlers } from "./handlers.ts";

/** Inventory consumes OrderPlaced (reserve) and PaymentFailed / RestaurantRejected (release). */
export async function startInventory(ctx: RoleContext): Promise<Role> {
  const relay = await startRelay(ctx, "inventory");
  const consumer = await startConsumer(
    ctx,
    "inventory",
    createInventoryHandlers({ log: ctx.log.child("inventory") }),
  );
  return {
    name: "inventory",
    stop: async () => {
      await consumer.stop();
      await relay.stop();
    },
  };
}
