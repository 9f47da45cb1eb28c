/**
 * Placing an order: the order (PENDING), its items and its OrderPlaced event commit in ONE
 * transaction — the relay publishes the event later. Nothing is written for a refused request.
 *
 * Idempotency: with a key, the key row (holding the response this request will give) is claimed
 * in the same transaction. A retry with the same key waits for the first transaction, then reads
 * its stored response and commits nothing of its own.
 */
import { createHash } from "node:crypto";
import { createEvent } from "../../contracts/events.ts";
import { SagaError } from "../../errors.ts";
import { canonicalOrderRequest, type OrderRequest } from "../../domain/order-request.ts";
import type { Sql, TxSql } from "../../infra/db/client.ts";
import { insertOutbox } from "../../core/outbox/queries.ts";
import { claimIdempotencyKey, findIdempotencyKey, insertOrder, restaurantExists } from "./queries.ts";

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export interface PlaceOrderDeps {
  readonly sql: Sql;
  /** The real topic of order events (prefix applied). */
  readonly orderTopic: string;
}

export interface PlaceOrderInput {
  readonly request: OrderRequest;
  readonly idempotencyKey?: string;
  /** Copied into the event's Kafka headers (request id, W3C traceparent). */
  readonly headers?: Record<string, string>;
}

export type PlaceOrderOutcome =
  | {
      readonly kind: "accepted";
      readonly statusCode: number;
      readonly body: Record<string, unknown>;
      /** True when this is the stored answer to an earlier request with the same key. */
      readonly replayed: boolean;
    }
  | { readonly kind: "unknown_restaurant"; readonly restaurantId: string }
  | { readonly kind: "idempotency_key_reused" };

export function requestHash(request: OrderRequest): string {
  return createHash("sha256").update(canonicalOrderRequest(request)).digest("hex");
}

export async function placeOrder(deps: PlaceOrderDeps, input: PlaceOrderInput): Promise<PlaceOrderOutcome> {
  // A stored key can only vanish if someone deletes it between our wait and our read; try again then.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const outcome = await deps.sql.begin((tx) => placeInTx(tx, deps, input));
    if (outcome) return outcome;
  }
  throw new SagaError("INTERNAL", `idempotency key ${input.idempotencyKey} keeps disappearing`);
}

async function placeInTx(
  tx: TxSql,
  deps: PlaceOrderDeps,
  input: PlaceOrderInput,
): Promise<PlaceOrderOutcome | undefined> {
  const { request, idempotencyKey } = input;
  // Restaurants are never deleted (orders reference them), so checking first is safe and keeps
  // doomed requests from taking the key's lock.
  if (!(await restaurantExists(tx, request.restaurantId))) {
    return { kind: "unknown_restaurant", restaurantId: request.restaurantId };
  }
  const orderId = crypto.randomUUID();
  const correlationId = crypto.randomUUID();
  const body = acceptedBody(orderId, "PENDING", correlationId);
  const hash = requestHash(request);
  if (idempotencyKey !== undefined) {
    const claimed = await claimIdempotencyKey(tx, idempotencyKey, orderId, {
      requestHash: hash,
      statusCode: 202,
      body,
    });
    if (!claimed) return replay(tx, idempotencyKey, hash);
  }
  await insertOrder(tx, { id: orderId, correlationId, request });
  const event = createEvent(
    "OrderPlaced",
    {
      customerId: request.customerId,
      restaurantId: request.restaurantId,
      items: request.items.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      pmId: request.pmId,
      amountCents: request.amountCents,
      currency: request.currency,
      deliveryAddress: request.deliveryAddress,
    },
    { orderId, correlationId, causationId: null, producer: "gateway" },
  );
  await insertOutbox(tx, "gateway", [{ topic: deps.orderTopic, event, headers: input.headers }]);
  return { kind: "accepted", statusCode: 202, body, replayed: false };
}

async function replay(tx: TxSql, key: string, hash: string): Promise<PlaceOrderOutcome | undefined> {
  const stored = await findIdempotencyKey(tx, key);
  if (!stored) return undefined;
  if (stored.requestHash !== hash) return { kind: "idempotency_key_reused" };
  // jsonb reorders keys: rebuild the body so a replay is byte-for-byte the first answer.
  const b = stored.body;
  return {
    kind: "accepted",
    statusCode: stored.statusCode,
    body: acceptedBody(b.order_id, b.status, b.correlation_id),
    replayed: true,
  };
}

function acceptedBody(orderId: unknown, status: unknown, correlationId: unknown): Record<string, unknown> {
  return { order_id: orderId, status, correlation_id: correlationId };
}
