/**
 * Pure shaping of what the database answers into snapshot sections, and the funnel's rates
 * and history. No I/O here: the collectors call these, the unit tests drive them directly.
 */
import { ORDER_STATUSES, type OrderStatus } from "../../domain/order-status.ts";
import type {
  Funnel,
  FunnelHistory,
  FunnelRates,
  FunnelTotals,
  Percentiles,
  RateKey,
  Snapshot,
} from "./types.ts";

export const HISTORY_LENGTH = 60;
const RATE_KEYS: readonly RateKey[] = ["placed", "completed", "canceled"];

export interface StatusCountRow {
  readonly status: string;
  readonly cancel_reason: string | null;
  readonly count: number;
}

export type FunnelCounts = Pick<Funnel, "byStatus" | "totals" | "cancelReasons">;

/** Counts by status (every status present, zero when absent), totals and cancel reasons. */
export function shapeFunnelCounts(rows: readonly StatusCountRow[]): FunnelCounts {
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  const reasons = new Map<string, number>();
  for (const row of rows) {
    const status = row.status as OrderStatus;
    if (!(status in byStatus)) continue;
    byStatus[status] += row.count;
    if (status === "CANCELED") {
      const reason = row.cancel_reason ?? "unknown";
      reasons.set(reason, (reasons.get(reason) ?? 0) + row.count);
    }
  }
  const placed = ORDER_STATUSES.reduce((sum, s) => sum + byStatus[s], 0);
  const totals: FunnelTotals = {
    placed,
    completed: byStatus.COMPLETED,
    canceled: byStatus.CANCELED,
    open: placed - byStatus.COMPLETED - byStatus.CANCELED,
  };
  const cancelReasons = [...reasons.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { byStatus, totals, cancelReasons };
}

export interface TotalsSample {
  readonly totals: FunnelTotals;
  readonly atMs: number;
}

/**
 * Orders per second between two samples. A counter that went down (the database was reset)
 * counts as zero rather than a negative rate; no previous sample or no elapsed time → null.
 */
export function ratesFromDeltas(prev: TotalsSample | null, curr: TotalsSample): FunnelRates | null {
  if (!prev) return null;
  const seconds = (curr.atMs - prev.atMs) / 1000;
  if (!(seconds > 0)) return null;
  const rate = (k: RateKey) => Math.max(0, curr.totals[k] - prev.totals[k]) / seconds;
  return { placed: rate("placed"), completed: rate("completed"), canceled: rate("canceled") };
}

export function emptyHistory(): FunnelHistory {
  return { placed: [], completed: [], canceled: [] };
}

/** Appends one rates sample, keeping the last `max`. */
export function pushHistory(
  history: FunnelHistory,
  rates: FunnelRates | null,
  max = HISTORY_LENGTH,
): FunnelHistory {
  if (!rates) return history;
  const next = (k: RateKey) => [...history[k], rates[k]].slice(-max);
  return Object.fromEntries(RATE_KEYS.map((k) => [k, next(k)])) as unknown as FunnelHistory;
}

export interface PercentileRow {
  readonly count: number | string | null;
  /** percentile_cont(ARRAY[0.5, 0.9, 0.99]) in ms, or null when there was no sample. */
  readonly p: readonly (number | string | null)[] | null;
  readonly max: number | string | null;
}

/** A percentile_cont row → Percentiles in whole-ish ms; null when the window had no sample. */
export function shapePercentiles(row: PercentileRow | undefined): Percentiles | null {
  const count = Number(row?.count ?? 0);
  if (!row || count === 0 || !row.p || row.p.length < 3) return null;
  const ms = (v: number | string | null | undefined) => Math.max(0, Math.round(Number(v ?? 0) * 10) / 10);
  return { count, p50: ms(row.p[0]), p90: ms(row.p[1]), p99: ms(row.p[2]), max: ms(row.max) };
}

/** host:port[/db] of a URL without its credentials. */
export function displayAddress(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname && u.pathname !== "/" ? u.pathname : "";
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.protocol.startsWith("postgres") ? path : ""}`;
  } catch {
    return "(invalid url)";
  }
}

/** One line of an error, short enough for a panel; the JSON keeps the same text. */
export function shortError(err: unknown): string {
  const raw = err instanceof Error ? err.message || err.name : String(err);
  const code = err && typeof err === "object" && "code" in err ? String((err as { code: unknown }).code) : "";
  const text = raw.split("\n")[0]?.trim() || "unknown error";
  return code && !text.includes(code) && code.length < 24 ? `${code}: ${text}` : text;
}

/** True when not one of Postgres, Redis and Kafka answered: the stack is not there at all. */
export function nothingReachable(s: Pick<Snapshot, "health">): boolean {
  return !s.health.postgres.up && !s.health.redis.up && !s.health.kafka.up;
}
