/**
 * Restaurant capacity maths (the seed's formula), pure.
 *
 * An order's load is Σ(prep minutes × quantity) ÷ parallelization. The restaurant accepts while
 * current load + order load ≤ capacity, and the ETA is current load + order load (the order
 * waits behind everything already in the kitchen). When a ticket is ready the restaurant's load
 * drops by that ticket's own load — not by the restaurant's cumulative load.
 */
import type { Item } from "../contracts/events.ts";

export interface Kitchen {
  readonly capacity: number;
  readonly parallelization: number;
  readonly currentLoad: number;
}

export type KitchenDecision =
  | { readonly accept: true; readonly load: number; readonly etaMinutes: number; readonly newLoad: number }
  | {
      readonly accept: false;
      readonly reason: "capacity_exceeded" | "unknown_item";
      readonly load: number;
      readonly missing?: readonly string[];
    };

/** Loads are kept to 4 decimals, like the numeric(12,4) columns that store them. */
export function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

export function orderLoad(
  items: readonly Item[],
  prepMinutes: ReadonlyMap<string, number>,
  parallelization: number,
): number {
  let total = 0;
  for (const it of items) total += (prepMinutes.get(it.sku) ?? 0) * it.quantity;
  return round4(total / parallelization);
}

export function decideTicket(
  kitchen: Kitchen,
  items: readonly Item[],
  prepMinutes: ReadonlyMap<string, number>,
): KitchenDecision {
  const missing = items.filter((it) => !prepMinutes.has(it.sku)).map((it) => it.sku);
  const load = orderLoad(items, prepMinutes, kitchen.parallelization);
  if (missing.length > 0) return { accept: false, reason: "unknown_item", load, missing };
  const newLoad = round4(kitchen.currentLoad + load);
  if (newLoad > kitchen.capacity) return { accept: false, reason: "capacity_exceeded", load };
  return { accept: true, load, etaMinutes: newLoad, newLoad };
}

/** Wall-clock delay for a prep time in simulated minutes. */
export function minutesToMs(minutes: number, msPerMinute: number): number {
  return Math.round(minutes * msPerMinute);
}
