/**
 * The HTTP gateway against real Postgres, Kafka and Redis: accepted orders are written with
 * their OrderPlaced event in one transaction and published; every refusal writes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Config } from "../../src/config.ts";
import { decodeEvent } from "../../src/contracts/events.ts";
import { TOPICS } from "../../src/contracts/topics.ts";
import { type RunningGateway, startGateway } from "../../src/services/gateway/index.ts";
import {
  type TestRoleContext,
  type TestStack,
  createTestRoleContext,
  createTestStack,
  readTopic,
} from "../support/stack.ts";
import { seedExampleBody } from "../support/fixtures.ts";

const EXAMPLE = seedExampleBody();

interface Running {
  readonly rc: TestRoleContext;
  readonly gateway: RunningGateway;
}

let stack: TestStack;
const running: Running[] = [];
let base: string;

async function startOne(config: Config): Promise<RunningGateway> {
  const rc = await createTestRoleContext(config, "gateway");
  const gateway = await startGateway(rc.ctx, { port: 0, processMetrics: false });
  running.push({ rc, gateway });
  return gateway;
}

beforeAll(async () => {
  stack = await createTestStack();
  base = (await startOne(stack.config)).url;
});

afterAll(async () => {
  for (const { rc, gateway } of running.reverse()) {
    await gateway.role.stop();
    await rc.close();
  }
  await stack?.cleanup();
});

function post(body: unknown, headers: Record<string, string> = {}, url = base): Promise<Response> {
  return fetch(`${url}/api/v1/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

interface Counts {
  orders: number;
  items: number;
  outbox: number;
  keys: number;
}

async function counts(): Promise<Counts> {
  const [row] = await stack.db.sql`
    SELECT (SELECT count(*) FROM gateway.orders)::int AS orders,
           (SELECT count(*) FROM gateway.order_items)::int AS items,
           (SELECT count(*) FROM gateway.outbox)::int AS outbox,
           (SELECT count(*) FROM gateway.idempotency_keys)::int AS keys`;
  return {
    orders: Number(row?.orders),
    items: Number(row?.items),
    outbox: Number(row?.outbox),
    keys: Number(row?.keys),
  };
}

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> | null };
}

/** Sends a request and asserts the documented refusal and that nothing was written. */
async function expectRefusal(
  send: () => Promise<Response>,
  status: number,
  code: string,
): Promise<ErrorBody> {
  const before = await counts();
  const res = await send();
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error.message).toBe("string");
  expect(body.error).toHaveProperty("details");
  expect(await counts()).toEqual(before);
  return body;
}

describe("placing an order", () => {
  test("the README's example → 202, PENDING with its items, OrderPlaced on order.events", async () => {
    const res = await post(EXAMPLE);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { order_id: string; status: string; correlation_id: string };
    expect(body.status).toBe("PENDING");
    expect(res.headers.get("location")).toBe(`/api/v1/orders/${body.order_id}`);

    const got = await fetch(`${base}/api/v1/orders/${body.order_id}`);
    expect(got.status).toBe(200);
    const order = (await got.json()) as Record<string, unknown>;
    expect(order).toMatchObject({
      id: body.order_id,
      status: "PENDING",
      cancel_reason: null,
      restaurant_id: "resto-3",
      amount_cents: 2500,
      correlation_id: body.correlation_id,
      items: [
        { sku: "BURGER_CLASSIC", quantity: 2 },
        { sku: "FRIES_REGULAR", quantity: 1 },
      ],
      reserved_at: null,
      completed_at: null,
    });
    expect(new Date(String(order.placed_at)).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const messages = await readTopic(stack.config, TOPICS.order, {
      until: (ms) => ms.some((m) => m.key === body.order_id),
    });
    const message = messages.find((m) => m.key === body.order_id);
    expect(message).toBeDefined();
    const decoded = decodeEvent(message?.raw ?? null);
    if (!decoded.ok) throw new Error(`undecodable: ${decoded.message}`);
    expect(decoded.event).toMatchObject({
      type: "OrderPlaced",
      orderId: body.order_id,
      correlationId: body.correlation_id,
      causationId: null,
      producer: "gateway",
      payload: {
        restaurantId: "resto-3",
        items: [
          { sku: "BURGER_CLASSIC", quantity: 2 },
          { sku: "FRIES_REGULAR", quantity: 1 },
        ],
      },
    });
    expect(message?.headers["event-type"]).toBe("OrderPlaced");
    const [row] = await stack.db
      .sql`SELECT published_at FROM gateway.outbox WHERE message_key = ${body.order_id}`;
    expect(row?.published_at).toBeInstanceOf(Date);
  });

  test("the array form is accepted, and unknown SKUs are left to inventory", async () => {
    const res = await post({ ...EXAMPLE, items: [{ sku: "NOT_ON_THE_MENU", quantity: 1 }] });
    expect(res.status).toBe(202);
  });
});

const TOO_MANY_ITEMS = Array.from({ length: 101 }, (_, i) => ({ sku: `SKU_${i}`, quantity: 1 }));

describe("bad input gets a 4xx and writes nothing", () => {
  const bodies: [string, unknown, number, string][] = [
    ["malformed JSON", '{"customer_id": "cust-123",', 400, "INVALID_JSON"],
    ["an empty body", "", 400, "INVALID_JSON"],
    ["a JSON array", "[]", 422, "VALIDATION_FAILED"],
    ["missing fields", {}, 422, "VALIDATION_FAILED"],
    ["a mistyped amount", { ...EXAMPLE, amount_cents: "2500" }, 422, "VALIDATION_FAILED"],
    ["a mistyped currency", { ...EXAMPLE, currency: "usd" }, 422, "VALIDATION_FAILED"],
    ["quantity 0", { ...EXAMPLE, items: { FRIES_REGULAR: { quantity: 0 } } }, 422, "VALIDATION_FAILED"],
    [
      "a negative quantity",
      { ...EXAMPLE, items: [{ sku: "FRIES_REGULAR", quantity: -3 }] },
      422,
      "VALIDATION_FAILED",
    ],
    [
      "a fractional quantity",
      { ...EXAMPLE, items: [{ sku: "FRIES_REGULAR", quantity: 1.5 }] },
      422,
      "VALIDATION_FAILED",
    ],
    [
      "an absurd quantity",
      { ...EXAMPLE, items: [{ sku: "FRIES_REGULAR", quantity: 1001 }] },
      422,
      "VALIDATION_FAILED",
    ],
    ["no items", { ...EXAMPLE, items: {} }, 422, "VALIDATION_FAILED"],
    ["more than 100 items", { ...EXAMPLE, items: TOO_MANY_ITEMS }, 422, "VALIDATION_FAILED"],
    [
      "a duplicate SKU",
      {
        ...EXAMPLE,
        items: [
          { sku: "A", quantity: 1 },
          { sku: "A", quantity: 1 },
        ],
      },
      422,
      "VALIDATION_FAILED",
    ],
    ["a key/sku mismatch", { ...EXAMPLE, items: { A: { sku: "B", quantity: 1 } } }, 422, "VALIDATION_FAILED"],
    ["an unknown restaurant", { ...EXAMPLE, restaurant_id: "resto-404" }, 422, "UNKNOWN_RESTAURANT"],
  ];
  test.each(bodies)("%s", async (_name, body, status, code) => {
    await expectRefusal(() => post(body), status, code);
  });

  test("validation details name every bad field", async () => {
    const body = await expectRefusal(
      () => post({ ...EXAMPLE, currency: 1, items: { A: { quantity: 0 } } }),
      422,
      "VALIDATION_FAILED",
    );
    expect(body.error.details?.fields).toEqual([
      { field: "items.A.quantity", message: "must be at least 1" },
      { field: "currency", message: "must be a string, got a number" },
    ]);
  });

  test("wrong or missing content type → 415", async () => {
    await expectRefusal(
      () => post(JSON.stringify(EXAMPLE), { "content-type": "text/plain" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    const bytes = () =>
      fetch(`${base}/api/v1/orders`, {
        method: "POST",
        body: new TextEncoder().encode(JSON.stringify(EXAMPLE)),
      });
    await expectRefusal(bytes, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  test("a body over 64 KiB → 413, with or without Content-Length", async () => {
    const big = JSON.stringify({ ...EXAMPLE, delivery_address: "x".repeat(70 * 1024) });
    await expectRefusal(() => post(big), 413, "PAYLOAD_TOO_LARGE");
    // Streamed (chunked, no Content-Length): the limit is enforced while reading.
    const chunk = new TextEncoder().encode(" ".repeat(8 * 1024));
    const streamed = () =>
      fetch(`${base}/api/v1/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(chunk);
            controller.close();
          },
        }),
      });
    await expectRefusal(streamed, 413, "PAYLOAD_TOO_LARGE");
  });

  test("an Idempotency-Key over 200 characters → 400", async () => {
    await expectRefusal(
      () => post(EXAMPLE, { "idempotency-key": "k".repeat(201) }),
      400,
      "INVALID_IDEMPOTENCY_KEY",
    );
  });

  test("routes: unknown → 404, wrong method → 405, bad and unknown order ids", async () => {
    await expectRefusal(() => fetch(`${base}/api/v1/nope`), 404, "NOT_FOUND");
    const body = await expectRefusal(
      () => fetch(`${base}/api/v1/orders`, { method: "DELETE" }),
      405,
      "METHOD_NOT_ALLOWED",
    );
    expect(body.error.details).toEqual({ allow: "POST" });
    await expectRefusal(() => fetch(`${base}/api/v1/orders/42`), 400, "INVALID_ORDER_ID");
    await expectRefusal(() => fetch(`${base}/api/v1/orders/${crypto.randomUUID()}`), 404, "ORDER_NOT_FOUND");
  });
});

describe("Idempotency-Key", () => {
  test("10 concurrent POSTs with one key → one order, identical responses", async () => {
    const before = await counts();
    const key = `key-${crypto.randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => post(EXAMPLE, { "idempotency-key": key })),
    );
    const answers = await Promise.all(
      responses.map(async (r) => ({ status: r.status, body: await r.text() })),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]?.status).toBe(202);
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === "true").length).toBe(9);
    expect(await counts()).toEqual({
      ...before,
      orders: before.orders + 1,
      items: before.items + 2,
      outbox: before.outbox + 1,
      keys: before.keys + 1,
    });

    const later = await post(EXAMPLE, { "idempotency-key": key });
    expect({ status: later.status, body: await later.text() }).toEqual(
      answers[0] as { status: number; body: string },
    );
  });

  test("the same key with a different body → 422 IDEMPOTENCY_KEY_REUSED", async () => {
    const key = `key-${crypto.randomUUID()}`;
    expect((await post(EXAMPLE, { "idempotency-key": key })).status).toBe(202);
    await expectRefusal(
      () => post({ ...EXAMPLE, amount_cents: 2600 }, { "idempotency-key": key }),
      422,
      "IDEMPOTENCY_KEY_REUSED",
    );
  });

  test("the same order in the other items form is the same request", async () => {
    const key = `key-${crypto.randomUUID()}`;
    const first = await (await post(EXAMPLE, { "idempotency-key": key })).text();
    const asArray = {
      ...EXAMPLE,
      items: [
        { sku: "FRIES_REGULAR", quantity: 1 },
        { sku: "BURGER_CLASSIC", quantity: 2 },
      ],
    };
    expect(await (await post(asArray, { "idempotency-key": key })).text()).toBe(first);
  });
});

describe("operations", () => {
  test("/health, /ready and /metrics", async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/ready`);
    const report = (await ready.json()) as { status: string; components: Record<string, { ok: boolean }> };
    expect({ status: ready.status, body: report.status }).toEqual({ status: 200, body: "ready" });
    expect(Object.keys(report.components).sort()).toEqual(["kafka", "postgres", "redis"]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /saga_gateway_http_requests_total\{method="POST",route="\/api\/v1\/orders",status="202"\} \d+/,
    );
    expect(metrics).toMatch(/saga_gateway_orders_placed_total \d+/);
    expect(metrics).toMatch(/saga_outbox_unpublished_rows\{schema="gateway"\} \d+/);
  });

  test("with an API key configured, /api needs X-API-Key (401 otherwise); /health stays open", async () => {
    const url = (await startOne({ ...stack.config, apiKey: "s3cret" })).url;
    await expectRefusal(() => post(EXAMPLE, {}, url), 401, "UNAUTHORIZED");
    await expectRefusal(() => post(EXAMPLE, { "x-api-key": "wrong" }, url), 401, "UNAUTHORIZED");
    await expectRefusal(() => fetch(`${url}/api/v1/orders/${crypto.randomUUID()}`), 401, "UNAUTHORIZED");
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await post(EXAMPLE, { "x-api-key": "s3cret" }, url)).status).toBe(202);
  });

  test("a graceful stop refuses new connections but answers the request in flight", async () => {
    const gateway = await startOne(stack.config);
    // A request whose body is still arriving when the stop begins: it must still get its 202.
    const text = JSON.stringify(EXAMPLE);
    let body!: ReadableStreamDefaultController<Uint8Array>;
    const inFlight = fetch(`${gateway.url}/api/v1/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          body = controller;
          controller.enqueue(new TextEncoder().encode(text.slice(0, 20)));
        },
      }),
    });
    await Bun.sleep(100);
    const stopped = gateway.role.stop();
    await Bun.sleep(50);
    await expect(fetch(`${gateway.url}/health`)).rejects.toThrow();
    body.enqueue(new TextEncoder().encode(text.slice(20)));
    body.close();
    const res = await inFlight;
    expect(res.status).toBe(202);
    await stopped;
    const { order_id } = (await res.json()) as { order_id: string };
    const [row] = await stack.db.sql`SELECT status FROM gateway.orders WHERE id = ${order_id}`;
    expect(row?.status).toBe("PENDING");
  });
});
