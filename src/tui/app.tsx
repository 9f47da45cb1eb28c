/**
 * The dashboard's React tree. `App` renders one snapshot and handles the keys; `LiveApp`
 * feeds it a fresh snapshot about once a second. Tests render `App` with fixtures and a fixed
 * terminal size.
 */
import { useWindowSize } from "ink";
import { useMemo } from "react";
import { Dashboard } from "./components/Dashboard.tsx";
import type { Snapshot } from "./snapshot/types.ts";
import { useNavigation } from "./use-navigation.ts";
import { type SnapshotSource, useSnapshot } from "./use-snapshot.ts";
import { computeLayout } from "./view/layout.ts";
import { buildPanels } from "./view/panels.ts";

export interface AppProps {
  readonly snapshot: Snapshot | null;
  /** Terminal size; defaults to the real one (and follows resizes). */
  readonly columns?: number;
  readonly rows?: number;
}

export function App({ snapshot, columns, rows }: AppProps) {
  const size = useWindowSize();
  const cols = columns ?? size.columns;
  const height = rows ?? size.rows;
  const layout = useMemo(() => computeLayout(cols, height), [cols, height]);
  const panels = useMemo(() => (snapshot ? buildPanels(snapshot, layout) : null), [snapshot, layout]);
  const { focus, offsets } = useNavigation(panels, layout);
  return (
    <Dashboard
      snapshot={snapshot}
      panels={panels}
      layout={layout}
      focus={focus}
      offsets={offsets}
      terminal={{ columns: cols, rows: height }}
    />
  );
}

export interface LiveAppProps {
  readonly source: SnapshotSource;
  readonly intervalMs: number;
}

export function LiveApp({ source, intervalMs }: LiveAppProps) {
  const snapshot = useSnapshot(source, intervalMs);
  return <App snapshot={snapshot} />;
}
