/**
 * The body of `POST /api/v1/orders`, validated and normalised. Pure: no I/O, no clock.
 *
 * Accepted shapes for `items` (both normalise to the same list, sorted by SKU):
 * - a map SKU → { sku?, quantity } (the README's form); `sku`, when present, must equal the key;
 * - an array of { sku, quantity }; a SKU may appear once (duplicates are refused, not merged,
 *   so a client bug that sends the same line twice is not silently turned into a bigger order).
 *
 * What is NOT decided here: whether the restaurant exists (the gateway's table) and whether the
 * SKUs are on its menu (inventory decides; an unknown SKU is a saga outcome, not a 4xx).
 */
import { SKU } from "../contracts/events.ts";

export const MAX_ITEMS = 100;
export const MAX_QUANTITY = 1000;
export const MAX_AMOUNT_CENTS = 100_000_000;
export const MAX_ID_LENGTH = 128;
export const MAX_ADDRESS_LENGTH = 500;

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface OrderRequest {
  readonly customerId: string;
  readonly restaurantId: string;
  readonly items: readonly OrderLine[];
  readonly pmId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly deliveryAddress: string;
}

/** One problem with one field; `field` is a dotted path in the request body (`items.FRIES.quantity`). */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export type OrderRequestResult =
  | { readonly ok: true; readonly order: OrderRequest }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function text(body: Fields, field: string, max: number, issues: FieldIssue[]): string {
  const v = body[field];
  if (v === undefined) {
    issues.push({ field, message: "is required" });
    return "";
  }
  if (typeof v !== "string") {
    issues.push({ field, message: `must be a string, got ${describe(v)}` });
    return "";
  }
  const trimmed = v.trim();
  if (trimmed === "") issues.push({ field, message: "must not be empty" });
  else if (trimmed.length > max) issues.push({ field, message: `must be at most ${max} characters` });
  return trimmed;
}

function amount(body: Fields, issues: FieldIssue[]): number {
  const field = "amount_cents";
  const v = body[field];
  if (v === undefined) issues.push({ field, message: "is required" });
  else if (typeof v !== "number") issues.push({ field, message: `must be a number, got ${describe(v)}` });
  else if (!Number.isInteger(v)) issues.push({ field, message: "must be a whole number of cents" });
  else if (v < 0) issues.push({ field, message: "must not be negative" });
  else if (v > MAX_AMOUNT_CENTS) issues.push({ field, message: `must be at most ${MAX_AMOUNT_CENTS}` });
  else return v;
  return 0;
}

function currency(body: Fields, issues: FieldIssue[]): string {
  const field = "currency";
  const v = body[field];
  if (v === undefined) issues.push({ field, message: "is required" });
  else if (typeof v !== "string") issues.push({ field, message: `must be a string, got ${describe(v)}` });
  else if (!/^[A-Z]{3}$/.test(v))
    issues.push({ field, message: "must be a 3-letter upper-case ISO code, e.g. USD" });
  else return v;
  return "";
}

function quantity(v: unknown, field: string, issues: FieldIssue[]): number | undefined {
  if (v === undefined) issues.push({ field, message: "is required" });
  else if (typeof v !== "number") issues.push({ field, message: `must be a number, got ${describe(v)}` });
  else if (!Number.isInteger(v)) issues.push({ field, message: "must be a whole number" });
  else if (v < 1) issues.push({ field, message: "must be at least 1" });
  else if (v > MAX_QUANTITY) issues.push({ field, message: `must be at most ${MAX_QUANTITY}` });
  else return v;
  return undefined;
}

function sku(v: unknown, field: string, issues: FieldIssue[]): string | undefined {
  if (typeof v !== "string") {
    issues.push({ field, message: v === undefined ? "is required" : `must be a string, got ${describe(v)}` });
    return undefined;
  }
  const checked = SKU.safeParse(v);
  if (checked.success) return checked.data;
  issues.push({ field, message: checked.error.issues[0]?.message ?? "is not a valid SKU" });
  return undefined;
}

function mapLine(key: string, value: unknown, issues: FieldIssue[]): OrderLine | undefined {
  const at = `items.${key}`;
  const keySku = sku(key, at, issues);
  if (!isObject(value)) {
    issues.push({ field: at, message: `must be an object {sku, quantity}, got ${describe(value)}` });
    return undefined;
  }
  if (value.sku !== undefined && value.sku !== key) {
    issues.push({
      field: `${at}.sku`,
      message: `must equal its key ${JSON.stringify(key)} (or be left out)`,
    });
    return undefined;
  }
  const qty = quantity(value.quantity, `${at}.quantity`, issues);
  return keySku !== undefined && qty !== undefined ? { sku: keySku, quantity: qty } : undefined;
}

function arrayLine(
  index: number,
  value: unknown,
  seen: Map<string, number>,
  issues: FieldIssue[],
): OrderLine | undefined {
  const at = `items[${index}]`;
  if (!isObject(value)) {
    issues.push({ field: at, message: `must be an object {sku, quantity}, got ${describe(value)}` });
    return undefined;
  }
  const lineSku = sku(value.sku, `${at}.sku`, issues);
  const qty = quantity(value.quantity, `${at}.quantity`, issues);
  if (lineSku === undefined || qty === undefined) return undefined;
  const first = seen.get(lineSku);
  if (first !== undefined) {
    issues.push({
      field: `${at}.sku`,
      message: `duplicate SKU ${lineSku} (first at items[${first}]); send one line per SKU with the total quantity`,
    });
    return undefined;
  }
  seen.set(lineSku, index);
  return { sku: lineSku, quantity: qty };
}

function lines(raw: unknown, issues: FieldIssue[]): OrderLine[] {
  const entries: [string | number, unknown][] = Array.isArray(raw)
    ? raw.map((v, i) => [i, v])
    : isObject(raw)
      ? Object.entries(raw)
      : [];
  if (raw === undefined) issues.push({ field: "items", message: "is required" });
  else if (!Array.isArray(raw) && !isObject(raw)) {
    issues.push({
      field: "items",
      message: `must be an object (SKU → {sku, quantity}) or an array, got ${describe(raw)}`,
    });
  } else if (entries.length === 0) issues.push({ field: "items", message: "must contain at least one item" });
  else if (entries.length > MAX_ITEMS)
    issues.push({ field: "items", message: `must contain at most ${MAX_ITEMS} items` });
  if (entries.length === 0 || entries.length > MAX_ITEMS) return [];
  const seen = new Map<string, number>();
  const out: OrderLine[] = [];
  for (const [k, v] of entries) {
    const line = typeof k === "number" ? arrayLine(k, v, seen, issues) : mapLine(k, v, issues);
    if (line) out.push(line);
  }
  return out.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/** Validates a parsed JSON body. Every problem is reported at once, one issue per field. */
export function parseOrderRequest(body: unknown): OrderRequestResult {
  if (!isObject(body)) {
    return {
      ok: false,
      issues: [{ field: "(body)", message: `must be a JSON object, got ${describe(body)}` }],
    };
  }
  const issues: FieldIssue[] = [];
  const order: OrderRequest = {
    customerId: text(body, "customer_id", MAX_ID_LENGTH, issues),
    restaurantId: text(body, "restaurant_id", MAX_ID_LENGTH, issues),
    items: lines(body.items, issues),
    pmId: text(body, "pm_id", MAX_ID_LENGTH, issues),
    amountCents: amount(body, issues),
    currency: currency(body, issues),
    deliveryAddress: text(body, "delivery_address", MAX_ADDRESS_LENGTH, issues),
  };
  return issues.length > 0 ? { ok: false, issues } : { ok: true, order };
}

/**
 * A stable text form of a normalised request: equal orders (map or array form, any key order)
 * give equal strings. The gateway hashes it to tell an idempotent retry from a reused key.
 */
export function canonicalOrderRequest(order: OrderRequest): string {
  return JSON.stringify([
    order.customerId,
    order.restaurantId,
    order.items.map((l) => [l.sku, l.quantity]),
    order.pmId,
    order.amountCents,
    order.currency,
    order.deliveryAddress,
  ]);
}
