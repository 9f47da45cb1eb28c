import { useEffect, useState } from "react";
import type { Snapshot } from "./snapshot/types.ts";

/** Anything that can produce a snapshot: the SnapshotCollector, or a fixture in tests. */
export interface SnapshotSource {
  collect(): Promise<Snapshot>;
}

/**
 * The latest snapshot, refreshed every `intervalMs`. The next collection is scheduled when
 * the previous one has finished, so a slow stack stretches the interval instead of piling up
 * collections.
 */
export function useSnapshot(source: SnapshotSource, intervalMs: number): Snapshot | null {
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const started = Date.now();
      const next = await source.collect();
      if (stopped) return;
      setSnapshot(next);
      timer = setTimeout(tick, Math.max(0, intervalMs - (Date.now() - started)));
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [source, intervalMs]);
  return snapshot;
}
