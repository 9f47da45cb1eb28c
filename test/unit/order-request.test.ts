import { describe, expect, test } from "bun:test";
import {
  MAX_ITEMS,
  type OrderRequestResult,
  canonicalOrderRequest,
  parseOrderRequest,
} from "../../src/domain/order-request.ts";
import { seedExampleBody } from "../support/fixtures.ts";

/** The README's example order. */
const example = seedExampleBody;

function issuesOf(result: OrderRequestResult): Record<string, string> {
  if (result.ok) throw new Error("expected the request to be refused");
  return Object.fromEntries(result.issues.map((i) => [i.field, i.message]));
}

function refused(patch: Record<string, unknown>): Record<string, string> {
  return issuesOf(parseOrderRequest({ ...example(), ...patch }));
}

describe("parseOrderRequest: accepted", () => {
  test("the README example normalises to camelCase with items sorted by SKU", () => {
    const result = parseOrderRequest(example());
    expect(result).toEqual({
      ok: true,
      order: {
        customerId: "cust-123",
        restaurantId: "resto-3",
        items: [
          { sku: "BURGER_CLASSIC", quantity: 2 },
          { sku: "FRIES_REGULAR", quantity: 1 },
        ],
        pmId: "pm-111",
        amountCents: 2500,
        currency: "USD",
        deliveryAddress: "Main St 1",
      },
    });
  });

  test("map and array forms normalise the same, whatever the order of lines or keys", () => {
    const map = parseOrderRequest(example());
    const array = parseOrderRequest({
      delivery_address: "Main St 1",
      ...example(),
      items: [
        { sku: "FRIES_REGULAR", quantity: 1 },
        { sku: "BURGER_CLASSIC", quantity: 2 },
      ],
    });
    expect(array).toEqual(map);
    if (!map.ok || !array.ok) throw new Error("unreachable");
    expect(canonicalOrderRequest(array.order)).toBe(canonicalOrderRequest(map.order));
  });

  test("the map form may leave out the inner sku", () => {
    const result = parseOrderRequest({ ...example(), items: { FRIES_REGULAR: { quantity: 3 } } });
    expect(result.ok && result.order.items).toEqual([{ sku: "FRIES_REGULAR", quantity: 3 }]);
  });

  test("unknown SKUs pass (inventory decides), limits are inclusive, extra fields are ignored", () => {
    const items = Array.from({ length: MAX_ITEMS }, (_, i) => ({ sku: `NOT_ON_MENU_${i}`, quantity: 1000 }));
    const result = parseOrderRequest({ ...example(), items, amount_cents: 0, note: "ring twice" });
    expect(result.ok).toBe(true);
  });

  test("strings are trimmed", () => {
    const result = parseOrderRequest({
      ...example(),
      customer_id: "  cust-123 ",
      delivery_address: "Main St 1\n",
    });
    expect(result.ok && [result.order.customerId, result.order.deliveryAddress]).toEqual([
      "cust-123",
      "Main St 1",
    ]);
  });

  test("different orders have different canonical forms", () => {
    const a = parseOrderRequest(example());
    const b = parseOrderRequest({ ...example(), amount_cents: 2501 });
    if (!a.ok || !b.ok) throw new Error("unreachable");
    expect(canonicalOrderRequest(a.order)).not.toBe(canonicalOrderRequest(b.order));
  });
});

describe("parseOrderRequest: refused", () => {
  test.each([[null], [[]], ["order"], [42], [true]])("a body that is not an object (%p)", (body: unknown) => {
    expect(Object.keys(issuesOf(parseOrderRequest(body)))).toEqual(["(body)"]);
  });

  test("every missing field is reported at once", () => {
    expect(issuesOf(parseOrderRequest({}))).toEqual({
      customer_id: "is required",
      restaurant_id: "is required",
      items: "is required",
      pm_id: "is required",
      amount_cents: "is required",
      currency: "is required",
      delivery_address: "is required",
    });
  });

  test("wrong types", () => {
    expect(refused({ customer_id: 123 })).toEqual({ customer_id: "must be a string, got a number" });
    expect(refused({ restaurant_id: null })).toEqual({ restaurant_id: "must be a string, got null" });
    expect(refused({ amount_cents: "2500" })).toEqual({ amount_cents: "must be a number, got a string" });
    expect(refused({ currency: 840 })).toEqual({ currency: "must be a string, got a number" });
    expect(refused({ items: "BURGER_CLASSIC" })).toHaveProperty("items");
    expect(refused({ items: 3 })).toHaveProperty("items");
  });

  test("empty and oversized strings", () => {
    expect(refused({ pm_id: "   " })).toEqual({ pm_id: "must not be empty" });
    expect(refused({ delivery_address: "x".repeat(501) })).toEqual({
      delivery_address: "must be at most 500 characters",
    });
    expect(refused({ customer_id: "c".repeat(129) })).toEqual({
      customer_id: "must be at most 128 characters",
    });
  });

  test("amount: negative, fractional, absurd", () => {
    expect(refused({ amount_cents: -1 })).toEqual({ amount_cents: "must not be negative" });
    expect(refused({ amount_cents: 10.5 })).toEqual({ amount_cents: "must be a whole number of cents" });
    expect(refused({ amount_cents: 1e12 })).toHaveProperty("amount_cents");
  });

  test.each(["usd", "US", "USDX", "U$D"])("currency %p", (currency) => {
    expect(refused({ currency })).toHaveProperty("currency");
  });

  test("empty items, in both forms", () => {
    expect(refused({ items: {} })).toEqual({ items: "must contain at least one item" });
    expect(refused({ items: [] })).toEqual({ items: "must contain at least one item" });
  });

  test("more than 100 items", () => {
    const items = Array.from({ length: MAX_ITEMS + 1 }, (_, i) => ({ sku: `SKU_${i}`, quantity: 1 }));
    expect(refused({ items })).toEqual({ items: "must contain at most 100 items" });
  });

  test.each([
    [0, "must be at least 1"],
    [-2, "must be at least 1"],
    [1.5, "must be a whole number"],
    [1001, "must be at most 1000"],
    ["2", "must be a number, got a string"],
    [null, "must be a number, got null"],
    [undefined, "is required"],
  ])("quantity %p in the map form", (quantity, message) => {
    expect(refused({ items: { BURGER_CLASSIC: { sku: "BURGER_CLASSIC", quantity } } })).toEqual({
      "items.BURGER_CLASSIC.quantity": message,
    });
  });

  test.each([0, -1, 2.5, 100_000])("quantity %p in the array form", (quantity) => {
    expect(refused({ items: [{ sku: "BURGER_CLASSIC", quantity }] })).toHaveProperty(["items[0].quantity"]);
  });

  test("map: the inner sku must match its key", () => {
    expect(refused({ items: { BURGER_CLASSIC: { sku: "FRIES_REGULAR", quantity: 1 } } })).toEqual({
      "items.BURGER_CLASSIC.sku": 'must equal its key "BURGER_CLASSIC" (or be left out)',
    });
  });

  test("map: a line that is not an object", () => {
    expect(refused({ items: { BURGER_CLASSIC: 2 } })).toEqual({
      "items.BURGER_CLASSIC": "must be an object {sku, quantity}, got a number",
    });
  });

  test("malformed SKUs, in both forms", () => {
    expect(refused({ items: { "burger classic": { quantity: 1 } } })).toHaveProperty([
      "items.burger classic",
    ]);
    expect(refused({ items: [{ sku: "burger", quantity: 1 }] })).toHaveProperty(["items[0].sku"]);
    expect(refused({ items: [{ sku: "", quantity: 1 }] })).toHaveProperty(["items[0].sku"]);
    expect(refused({ items: [{ quantity: 1 }] })).toEqual({ "items[0].sku": "is required" });
    expect(refused({ items: [null] })).toEqual({ "items[0]": "must be an object {sku, quantity}, got null" });
  });

  test("array: duplicate SKUs are refused with where the first one was", () => {
    const issues = refused({
      items: [
        { sku: "FRIES_REGULAR", quantity: 1 },
        { sku: "BURGER_CLASSIC", quantity: 1 },
        { sku: "FRIES_REGULAR", quantity: 2 },
      ],
    });
    expect(Object.keys(issues)).toEqual(["items[2].sku"]);
    expect(issues["items[2].sku"]).toContain("duplicate SKU FRIES_REGULAR (first at items[0])");
  });

  test("several problems are all reported", () => {
    const issues = refused({ currency: "usd", amount_cents: -5, items: [{ sku: "A", quantity: 0 }] });
    expect(Object.keys(issues).sort()).toEqual(["amount_cents", "currency", "items[0].quantity"]);
  });
});
