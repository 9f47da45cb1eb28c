/** Number, duration and chart formatting for narrow panels. Pure. */

const SPARKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/**
 * The last `width` values as a sparkline, scaled to the largest value shown (or `max` when
 * given). Zero is the lowest bar, so an idle series still draws a baseline. Right-aligned:
 * the newest sample is always the last cell, padded with spaces before the oldest.
 */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  if (width <= 0) return "";
  const shown = values.slice(-width).map((v) => (Number.isFinite(v) ? Math.max(0, v) : 0));
  const top = max ?? Math.max(0, ...shown);
  const bars = shown.map((v) => {
    if (top <= 0) return SPARKS[0];
    const i = Math.round((Math.min(v, top) / top) * (SPARKS.length - 1));
    return SPARKS[i] ?? SPARKS[0];
  });
  return " ".repeat(width - bars.length) + bars.join("");
}

/** A horizontal gauge of `fraction` in [0, 1], `width` cells of █ and ░. */
export function gauge(fraction: number, width: number): string {
  if (width <= 0) return "";
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(f * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

/** 999, 1.2k, 12k, 1.2M: counts in at most 5 cells. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "–";
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  if (abs < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (abs < 999_500) return `${Math.round(n / 1000)}k`;
  if (abs < 10_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  return `${Math.round(n / 1_000_000)}M`;
}

/** Per-second rate: "–" when unknown, one decimal below 100. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return "–/s";
  return perSecond < 100 ? `${perSecond.toFixed(1)}/s` : `${formatCount(perSecond)}/s`;
}

/** 0ms, 850ms, 1.25s, 12.3s, 2m03s, 1h05m: durations in at most 6 cells. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  const v = Math.max(0, ms);
  if (v < 1000) return `${Math.round(v)}ms`;
  if (v < 10_000) return `${(v / 1000).toFixed(2)}s`;
  if (v < 60_000) return `${(v / 1000).toFixed(1)}s`;
  const minutes = Math.floor(v / 60_000);
  if (minutes < 60) return `${minutes}m${String(Math.floor((v % 60_000) / 1000)).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** HH:MM:SS of an ISO timestamp, in local time; the text itself when it does not parse. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 8);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** A decimal without trailing zeros: 42, 12.5. */
export function formatLoad(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** A window length in words: 5m, 90s, 2h. */
export function formatWindow(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return formatMs(ms);
}
