/**
 * Where the panels go. Two columns under a two-line header and above a one-line key help:
 *
 *   header (stack health, role instances)
 *   funnel      │ consumer lag
 *   latency     │
 *   outbox      │ dlq
 *   restaurants │
 *   key help
 *
 * Heights include each panel's title row. The left column's first three panels have fixed
 * heights (their content is fixed); the restaurants and the right column take what is left,
 * so a taller terminal shows more partitions and DLQ entries.
 */
export const PANEL_IDS = ["funnel", "latency", "outbox", "restaurants", "lag", "dlq"] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export const HEADER_ROWS = 2;
export const HELP_ROWS = 1;
/** The smallest terminal the layout is designed for; smaller ones still render, cut short. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export interface PanelBox {
  readonly column: 0 | 1;
  readonly width: number;
  readonly height: number;
}

export interface Layout {
  readonly columns: number;
  readonly rows: number;
  /** Width of the left column, the divider, the right column. */
  readonly leftWidth: number;
  readonly dividerWidth: number;
  readonly rightWidth: number;
  /** Rows between the header and the key help. */
  readonly bodyRows: number;
  readonly panels: Readonly<Record<PanelId, PanelBox>>;
}

const FIXED_LEFT = { funnel: 7, latency: 4, outbox: 5 } as const;

export function computeLayout(columns: number, rows: number): Layout {
  const cols = Math.max(20, Math.floor(columns));
  const bodyRows = Math.max(PANEL_IDS.length * 2, Math.floor(rows) - HEADER_ROWS - HELP_ROWS);
  const dividerWidth = 1;
  const leftWidth = Math.floor((cols - dividerWidth) / 2);
  const rightWidth = cols - dividerWidth - leftWidth;
  const fixed = FIXED_LEFT.funnel + FIXED_LEFT.latency + FIXED_LEFT.outbox;
  const restaurants = Math.max(2, bodyRows - fixed);
  const lag = Math.max(2, Math.floor(bodyRows / 2) - 1);
  const dlq = Math.max(2, bodyRows - lag);
  const left = (height: number): PanelBox => ({ column: 0, width: leftWidth, height });
  const right = (height: number): PanelBox => ({ column: 1, width: rightWidth, height });
  return {
    columns: cols,
    rows: HEADER_ROWS + bodyRows + HELP_ROWS,
    leftWidth,
    dividerWidth,
    rightWidth,
    bodyRows,
    panels: {
      funnel: left(FIXED_LEFT.funnel),
      latency: left(FIXED_LEFT.latency),
      outbox: left(FIXED_LEFT.outbox),
      restaurants: left(restaurants),
      lag: right(lag),
      dlq: right(dlq),
    },
  };
}

/** The panel `step` places on in tab order (negative for shift-tab), wrapping around. */
export function nextPanel(current: PanelId, step: number): PanelId {
  const n = PANEL_IDS.length;
  const i = PANEL_IDS.indexOf(current);
  return PANEL_IDS[(((i + step) % n) + n) % n] ?? "funnel";
}
