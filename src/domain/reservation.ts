/**
 * Inventory decisions, pure. The actual reservation is a conditional UPDATE per SKU
 * (`available >= qty`) so concurrent orders can never oversell; this module decides what to
 * try and how to explain a failure.
 */
import type { Item } from "../contracts/events.ts";

export interface StockLine {
  readonly sku: string;
  readonly available: number;
}

export type ReservationCheck =
  | { readonly ok: true; readonly items: readonly Item[] }
  | { readonly ok: false; readonly reason: "unknown_sku" | "out_of_stock"; readonly skus: readonly string[] };

/** Merges duplicate SKUs and sorts by SKU: a fixed lock order keeps concurrent reservations deadlock-free. */
export function normaliseItems(items: readonly Item[]): Item[] {
  const merged = new Map<string, number>();
  for (const it of items) merged.set(it.sku, (merged.get(it.sku) ?? 0) + it.quantity);
  return [...merged]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Checks an order against a snapshot of stock. Unknown SKUs win over shortages (the order
 * can never succeed). A passing check is advisory only: the conditional update decides.
 */
export function checkReservation(items: readonly Item[], stock: readonly StockLine[]): ReservationCheck {
  const bySku = new Map(stock.map((s) => [s.sku, s.available]));
  const wanted = normaliseItems(items);
  const unknown = wanted.filter((it) => !bySku.has(it.sku)).map((it) => it.sku);
  if (unknown.length > 0) return { ok: false, reason: "unknown_sku", skus: unknown };
  const short = wanted.filter((it) => (bySku.get(it.sku) ?? 0) < it.quantity).map((it) => it.sku);
  if (short.length > 0) return { ok: false, reason: "out_of_stock", skus: short };
  return { ok: true, items: wanted };
}
