/** Waits (bounded) until the saga is quiet: nothing open, unpublished or preparing, and nothing moving. */
import type { Clock } from "../../core/clock.ts";
import { systemClock } from "../../core/clock.ts";
import type { Sql } from "../../infra/db/client.ts";
import { activity } from "./invariants.ts";

export interface QuietResult {
  readonly quiet: boolean;
  readonly waitedMs: number;
  readonly last: Awaited<ReturnType<typeof activity>>;
}

export async function waitForQuiet(
  sql: Sql,
  timeoutMs: number,
  opts: { clock?: Clock; intervalMs?: number; onProgress?: (a: QuietResult["last"]) => void } = {},
): Promise<QuietResult> {
  const clock = opts.clock ?? systemClock;
  const start = clock.now();
  let previous = "";
  let stableSince = clock.now();
  for (;;) {
    const a = await activity(sql);
    opts.onProgress?.(a);
    if (a.fingerprint !== previous) {
      previous = a.fingerprint;
      stableSince = clock.now();
    }
    const idle = a.open === 0 && a.unpublished === 0 && a.preparing === 0;
    // Quiet = idle and unchanged for a moment (the last events may still be in flight to a consumer).
    if (idle && clock.now() - stableSince >= 1000)
      return { quiet: true, waitedMs: clock.now() - start, last: a };
    if (clock.now() - start >= timeoutMs) return { quiet: false, waitedMs: clock.now() - start, last: a };
    await clock.sleep(opts.intervalMs ?? 250);
  }
}
