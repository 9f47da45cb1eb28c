/** `POST /api/v1/orders` and `GET /api/v1/orders/:id`. */
import { childTraceparent } from "../../contracts/trace.ts";
import { parseOrderRequest } from "../../domain/order-request.ts";
import type { Sql } from "../../infra/db/client.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { HttpError, json, parseJsonText, readBodyText, requireJsonContentType } from "./http-io.ts";
import { MAX_IDEMPOTENCY_KEY_LENGTH, placeOrder } from "./place-order.ts";
import { findOrder } from "./queries.ts";

export const ORDERS_PATH = "/api/v1/orders";

export interface OrdersApiDeps {
  readonly sql: Sql;
  readonly orderTopic: string;
  readonly metrics: GatewayMetrics;
  readonly maxBodyBytes?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.headers.get("idempotency-key");
  if (key === null) return undefined;
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new HttpError(
      400,
      "INVALID_IDEMPOTENCY_KEY",
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      { length: key.length },
    );
  }
  return key;
}

/**
 * Kafka headers for the OrderPlaced event: the request id, and a `traceparent` continuing the
 * caller's trace if it sent one (a new trace otherwise), so the whole saga is one trace.
 */
function eventHeaders(req: Request, requestId: string): Record<string, string> {
  return { "request-id": requestId, traceparent: childTraceparent(req.headers.get("traceparent")) };
}

export async function postOrder(deps: OrdersApiDeps, req: Request, requestId: string): Promise<Response> {
  const idempotencyKey = idempotencyKeyOf(req);
  requireJsonContentType(req);
  const body = parseJsonText(await readBodyText(req, deps.maxBodyBytes));
  const parsed = parseOrderRequest(body);
  if (!parsed.ok) {
    throw new HttpError(422, "VALIDATION_FAILED", "the order is not valid", { fields: parsed.issues });
  }
  const outcome = await placeOrder(
    { sql: deps.sql, orderTopic: deps.orderTopic },
    { request: parsed.order, idempotencyKey, headers: eventHeaders(req, requestId) },
  );
  switch (outcome.kind) {
    case "unknown_restaurant":
      throw new HttpError(422, "UNKNOWN_RESTAURANT", `restaurant ${outcome.restaurantId} does not exist`, {
        restaurant_id: outcome.restaurantId,
      });
    case "idempotency_key_reused":
      throw new HttpError(
        422,
        "IDEMPOTENCY_KEY_REUSED",
        "this Idempotency-Key was used for a different request: use a new key for a new order",
      );
    case "accepted": {
      if (outcome.replayed) deps.metrics.idempotentReplay();
      else deps.metrics.orderPlaced();
      const headers: Record<string, string> = { location: `${ORDERS_PATH}/${String(outcome.body.order_id)}` };
      if (outcome.replayed) headers["idempotent-replayed"] = "true";
      return json(outcome.statusCode, outcome.body, headers);
    }
  }
}

export async function getOrder(deps: OrdersApiDeps, id: string): Promise<Response> {
  if (!UUID.test(id))
    throw new HttpError(400, "INVALID_ORDER_ID", "order id must be a UUID", { order_id: id });
  const order = await findOrder(deps.sql, id.toLowerCase());
  if (!order) throw new HttpError(404, "ORDER_NOT_FOUND", `order ${id} does not exist`, { order_id: id });
  return json(200, order);
}
