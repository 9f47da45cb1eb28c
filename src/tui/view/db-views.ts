/** Panels over Postgres data: the saga funnel, latency, outbox lag, restaurant load. Pure. */
import type {
  Funnel,
  Latency,
  OutboxService,
  Percentiles,
  RateKey,
  RestaurantLoad,
  Section,
} from "../snapshot/types.ts";
import { formatCount, formatLoad, formatMs, formatRate, formatWindow, gauge, sparkline } from "./format.ts";
import { type Line, type Tone, padEnd, padStart, seg } from "./line.ts";
import { type PanelView, downPanel } from "./panel-view.ts";

const RATE_ROWS: readonly { key: RateKey; label: string; tone: Tone }[] = [
  { key: "placed", label: "placed", tone: "accent" },
  { key: "completed", label: "completed", tone: "good" },
  { key: "canceled", label: "canceled", tone: "warn" },
];

const OPEN_STATUSES = [
  ["PENDING", "pend"],
  ["RESERVED", "resv"],
  ["AUTHORIZED", "auth"],
  ["ACCEPTED", "acpt"],
] as const;

export function funnelView(section: Section<Funnel>, width: number): PanelView {
  if (!section.ok) return downPanel("Saga funnel", section.error, width);
  const label = 10;
  const count = 6;
  const rate = 8;
  const spark = Math.max(0, width - label - count - rate - 2);
  const pinned: Line[] = RATE_ROWS.map(({ key, label: name, tone }) => [
    seg(padEnd(` ${name}`, label)),
    seg(padStart(formatCount(section.totals[key]), count), "normal", { bold: true }),
    seg(padStart(formatRate(section.rates?.[key]), rate), "dim"),
    seg(" "),
    seg(sparkline(section.history[key], spark), tone),
  ]);
  const open: Line = [
    seg(` open ${formatCount(section.totals.open)}:`, "normal", { bold: true }),
    ...OPEN_STATUSES.flatMap(([status, short]) => [
      seg(` ${short} `, "dim"),
      seg(formatCount(section.byStatus[status])),
    ]),
  ];
  const reasons: Line[] = section.cancelReasons.map((r) => [
    seg(padEnd(`   ✗ ${r.reason}`, width - count - 1), "warn"),
    seg(padStart(formatCount(r.count), count)),
  ]);
  return {
    title: "Saga funnel",
    summary: seg(`${formatCount(section.totals.placed)} orders`, "dim"),
    pinned,
    lines: reasons.length ? [open, ...reasons] : [open, [seg("   no cancellations", "dim")]],
  };
}

function percentileRow(name: string, p: Percentiles | null, col: number, countCol: number): Line {
  if (!p) return [seg(padEnd(` ${name}`, 10)), seg(padStart("no samples", col * 2), "dim")];
  return [
    seg(padEnd(` ${name}`, 10)),
    ...[p.p50, p.p90, p.p99, p.max].map((v) => seg(padStart(formatMs(v), col))),
    seg(padStart(formatCount(p.count), countCol), "dim"),
  ];
}

export function latencyView(section: Section<Latency>, width: number): PanelView {
  const title = "Latency";
  if (!section.ok) return downPanel(title, section.error, width);
  const col = 6;
  const countCol = Math.max(3, width - 10 - col * 4);
  const header: Line = [
    seg(padEnd("", 10)),
    ...["p50", "p90", "p99", "max"].map((h) => seg(padStart(h, col), "dim")),
    seg(padStart("n", countCol), "dim"),
  ];
  return {
    title,
    summary: seg(`placed in last ${formatWindow(section.windowMs)}`, "dim"),
    pinned: [],
    lines: [
      header,
      percentileRow("decision", section.decision, col, countCol),
      percentileRow("complete", section.completion, col, countCol),
    ],
  };
}

/** Oldest unpublished row: fine under a second, worth a look after 5 s, a problem after 30 s. */
function ageTone(ms: number, unpublished: number): Tone {
  if (unpublished === 0) return "dim";
  if (ms >= 30_000) return "bad";
  return ms >= 5_000 ? "warn" : "normal";
}

export function outboxView(
  section: Section<{ services: readonly OutboxService[] }>,
  width: number,
): PanelView {
  const title = "Outbox lag";
  if (!section.ok) return downPanel(title, section.error, width);
  const waiting = section.services.reduce((sum, s) => sum + s.unpublished, 0);
  const lines: Line[] = section.services.map((s) => [
    seg(padEnd(` ${s.schema}`, 11)),
    seg(padStart(formatCount(s.unpublished), 5), s.unpublished > 0 ? "warn" : "good", { bold: true }),
    seg(" unpub ", "dim"),
    seg(
      padStart(s.unpublished > 0 ? formatMs(s.oldestAgeMs) : "–", 6),
      ageTone(s.oldestAgeMs, s.unpublished),
    ),
    seg(" "),
    seg(padStart(`${formatCount(s.published)} sent`, Math.max(0, width - 30)), "dim"),
  ]);
  return {
    title,
    summary: waiting > 0 ? seg(`${formatCount(waiting)} waiting`, "warn") : seg("all published", "good"),
    pinned: [],
    lines,
  };
}

function loadTone(fraction: number): Tone {
  if (fraction >= 0.9) return "bad";
  return fraction >= 0.7 ? "warn" : "good";
}

export function restaurantsView(
  section: Section<{ restaurants: readonly RestaurantLoad[] }>,
  width: number,
): PanelView {
  const title = "Restaurants";
  if (!section.ok) return downPanel(title, section.error, width);
  const idCol = Math.min(10, Math.max(8, ...section.restaurants.map((r) => r.id.length + 2)));
  const loadCol = 10;
  const prepCol = 8;
  const bar = Math.max(4, width - idCol - loadCol - prepCol - 1);
  const lines: Line[] = section.restaurants.map((r) => {
    const fraction = r.capacity > 0 ? r.load / r.capacity : 0;
    return [
      seg(padEnd(` ${r.id}`, idCol)),
      seg(gauge(fraction, bar), loadTone(fraction)),
      seg(padStart(`${formatLoad(r.load)}/${formatLoad(r.capacity)}`, loadCol)),
      seg(padStart(`${r.preparing} prep`, prepCol), r.preparing > 0 ? "accent" : "dim"),
    ];
  });
  const preparing = section.restaurants.reduce((sum, r) => sum + r.preparing, 0);
  return {
    title,
    summary: seg(`${preparing} preparing`, "dim"),
    pinned: [],
    lines: lines.length ? lines : [[seg(" no restaurants (not seeded?)", "warn")]],
  };
}
