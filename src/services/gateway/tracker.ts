import { type Role, type RoleContext, startConsumer } from "../runtime.ts";
import { createGatewayStatusHandlers } from "./status.ts";

/** The gateway's consumer: moves order status from inventory, payment and restaurant events. */
export async function startGatewayTracker(ctx: RoleContext): Promise<Role> {
  const consumer = await startConsumer(ctx, "gateway", createGatewayStatusHandlers());
  return { name: "gateway", stop: () => consumer.stop() };
}
