/** Panels over Kafka data: consumer lag per group and partition, the dead-letter queue. Pure. */
import { worstPartitions } from "../snapshot/kafka-shape.ts";
import type { DlqData, GroupLag, RoleGroup, Section } from "../snapshot/types.ts";
import { formatClock, formatCount } from "./format.ts";
import { type Line, type Tone, padEnd, padStart, seg } from "./line.ts";
import { type PanelView, downPanel, errorLines } from "./panel-view.ts";

/** Kafka's group states, shortened; a group mid-rebalance is worth a glance, a dead one a look. */
function stateLabel(state: string | undefined): { text: string; tone: Tone } {
  switch (state) {
    case "Stable":
      return { text: "stable", tone: "good" };
    case "PreparingRebalance":
    case "CompletingRebalance":
      return { text: "rebalancing", tone: "warn" };
    case "Empty":
      return { text: "no members", tone: "bad" };
    case "Dead":
      return { text: "no group", tone: "bad" };
    default:
      return { text: (state ?? "?").toLowerCase(), tone: "dim" };
  }
}

function lagTone(lag: number): Tone {
  if (lag === 0) return "good";
  return lag >= 1000 ? "bad" : "warn";
}

function groupRow(g: GroupLag, role: RoleGroup | undefined, width: number): Line {
  const state = stateLabel(role?.state);
  return [
    seg(padEnd(` ${g.role}`, 12)),
    seg(padEnd(state.text, 12), state.tone),
    seg(padStart(formatCount(g.total), Math.max(4, width - 12 - 12 - 4))),
    seg(" lag", "dim"),
  ];
}

/** Strips the run's topic prefix: the panel has no room for it and it is the same on every row. */
function shortTopic(topic: string, prefix: string): string {
  return prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
}

export function lagView(
  section: Section<{ groups: readonly GroupLag[] }>,
  roles: Section<{ groups: readonly RoleGroup[] }>,
  prefix: string,
  width: number,
): PanelView {
  const title = "Consumer lag";
  if (!section.ok) return downPanel(title, section.error, width);
  const roleOf = (g: GroupLag) => (roles.ok ? roles.groups.find((r) => r.groupId === g.groupId) : undefined);
  const pinned = section.groups.map((g) => groupRow(g, roleOf(g), width));
  const all = worstPartitions(section.groups);
  const lagging = all.filter((p) => p.lag > 0);
  const row = (p: (typeof all)[number]): Line => [
    seg(padEnd(`  ${p.role}`, 13), "dim"),
    seg(padEnd(`${shortTopic(p.topic, prefix)}/${p.partition}`, 20)),
    seg(padStart(formatCount(p.lag), Math.max(3, width - 33)), lagTone(p.lag)),
  ];
  const caughtUp: Line = [seg(`   ${all.length - lagging.length} partitions caught up`, "dim")];
  const total = section.groups.reduce((sum, g) => sum + g.total, 0);
  return {
    title,
    summary: seg(`${formatCount(total)} behind`, lagTone(total)),
    pinned,
    lines: [...lagging.map(row), caughtUp, ...all.filter((p) => p.lag === 0).map(row)],
  };
}

export function dlqView(section: Section<DlqData>, prefix: string, width: number): PanelView {
  const title = "Dead letters";
  if (!section.ok) return downPanel(title, section.error, width);
  const pinned = section.readerError
    ? errorLines(`latest: ${section.readerError}`, width, "warn").slice(0, 1)
    : [];
  const lines: Line[] = section.latest.flatMap((e) => [
    [
      seg(` ${formatClock(e.at)} `, "dim"),
      seg(padEnd(e.service, 11), "normal", { bold: true }),
      seg(e.errorCode, "bad"),
    ],
    [seg(`   ${shortTopic(e.originTopic, prefix)}: `, "dim"), seg(e.reason)],
  ]);
  const summary =
    section.total > 0
      ? seg(`${formatCount(section.total)} dead-lettered`, "bad", { bold: true })
      : seg("empty", "good");
  const empty: Line[] =
    section.total === 0 && !section.readerError ? [[seg(" nothing dead-lettered", "good")]] : [];
  return { title, summary, pinned, lines: lines.length ? lines : empty };
}
