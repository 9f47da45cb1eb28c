/**
 * The gateway's status tracking against a real Postgres: events applied through the gateway's
 * dispatcher in any order end in the right status, with the right timestamps.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AnyEnvelope, type EventMap, type EventType, createEvent } from "../../src/contracts/events.ts";
import type { HandlerContext } from "../../src/core/consumer/dispatcher.ts";
import { createGatewayStatusHandlers } from "../../src/services/gateway/status.ts";
import { type TestDatabase, createTestDatabase } from "../support/database.ts";

let db: TestDatabase;
const dispatcher = createGatewayStatusHandlers();
const items = [{ sku: "BURGER_CLASSIC", quantity: 2 }];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  if (process.env.KEEP_TEST_STATE !== "1") await db.drop();
});

async function newOrder(): Promise<string> {
  const id = crypto.randomUUID();
  await db.sql`
    INSERT INTO gateway.orders (id, customer_id, restaurant_id, pm_id, amount_cents, currency, delivery_address, status, correlation_id)
    VALUES (${id}, 'c', 'resto-3', 'pm-111', 2500, 'USD', 'Main St 1', 'PENDING', ${crypto.randomUUID()})`;
  return id;
}

function event<T extends EventType>(type: T, orderId: string, payload: EventMap[T]): AnyEnvelope {
  return createEvent(type, payload, {
    orderId,
    correlationId: crypto.randomUUID(),
    causationId: null,
    producer: "inventory",
  }) as AnyEnvelope;
}

const reserved = (id: string) =>
  event("ItemsReserved", id, {
    restaurantId: "resto-3",
    items,
    customerId: "c",
    pmId: "pm-111",
    amountCents: 2500,
    currency: "USD",
  });
const authorized = (id: string) =>
  event("PaymentAuthorized", id, {
    paymentId: crypto.randomUUID(),
    pmId: "pm-111",
    amountCents: 2500,
    currency: "USD",
    restaurantId: "resto-3",
    items,
  });

async function deliver(e: AnyEnvelope): Promise<void> {
  await db.sql.begin(async (tx) => {
    const ctx: HandlerContext = {
      tx,
      message: { topic: "t", partition: 0, offset: "0", key: e.orderId, attempt: 1, headers: {} },
      emit: () => {
        throw new Error("the gateway emits nothing from status tracking");
      },
      afterCommit: () => {},
    };
    await dispatcher.dispatch(e, ctx);
  });
}

async function order(id: string) {
  const [row] = await db.sql`SELECT * FROM gateway.orders WHERE id = ${id}`;
  return row!;
}

describe("gateway status tracking (real Postgres)", () => {
  test("PaymentAuthorized before ItemsReserved ends AUTHORIZED, not RESERVED", async () => {
    const id = await newOrder();
    await deliver(authorized(id));
    await deliver(reserved(id));
    const o = await order(id);
    expect(o.status).toBe("AUTHORIZED");
    expect(o.authorized_at).not.toBeNull();
  });

  test("the full path records placed, decided and completed times", async () => {
    const id = await newOrder();
    await deliver(reserved(id));
    await deliver(authorized(id));
    await deliver(
      event("RestaurantAccepted", id, {
        ticketId: crypto.randomUUID(),
        restaurantId: "resto-3",
        load: 42,
        etaMinutes: 42,
        readyAt: new Date().toISOString(),
      }),
    );
    await deliver(
      event("RestaurantReady", id, { ticketId: crypto.randomUUID(), restaurantId: "resto-3", load: 42 }),
    );
    const o = await order(id);
    expect(o.status).toBe("COMPLETED");
    expect(Number(o.eta_minutes)).toBe(42);
    for (const col of [
      "placed_at",
      "reserved_at",
      "authorized_at",
      "accepted_at",
      "decided_at",
      "completed_at",
    ]) {
      expect(o[col]).not.toBeNull();
    }
  });

  test("a cancel is terminal: a late success does not revive the order", async () => {
    const id = await newOrder();
    await deliver(event("PaymentFailed", id, { pmId: "pm-222", amountCents: 2500, reason: "declined" }));
    await deliver(reserved(id));
    await deliver(event("ItemsReleased", id, { restaurantId: "resto-3", items, reason: "payment_failed" }));
    const o = await order(id);
    expect(o.status).toBe("CANCELED");
    expect(o.cancel_reason).toBe("payment_declined");
    expect(o.cancel_detail).toBe("declined");
    expect(o.items_released_at).not.toBeNull();
    expect(o.reserved_at).toBeNull();
  });

  test("an event for an unknown order is refused (not retryable: it goes to the DLQ)", async () => {
    await expect(deliver(reserved(crypto.randomUUID()))).rejects.toMatchObject({
      code: "NOT_FOUND",
      retryable: false,
    });
  });
});
