/** The header (stack health, role instances) and the key help line. Pure. */
import type { Probe, Snapshot } from "../snapshot/types.ts";
import { formatClock } from "./format.ts";
import { type Line, type Segment, fitLine, seg } from "./line.ts";

function probeSegments(name: string, p: Probe): Segment[] {
  return [
    seg(`${name} `, "normal", { bold: true }),
    seg(p.up ? "✓" : "✗", p.up ? "good" : "bad", { bold: true }),
    seg(` ${p.address}`, p.up ? "dim" : "bad"),
  ];
}

/** Line 1: each component, up or down, and where it was asked. */
export function healthLine(s: Snapshot, width: number): Line {
  const { postgres, redis, kafka } = s.health;
  return fitLine(
    [
      seg(" "),
      ...probeSegments("pg", postgres),
      seg("  "),
      ...probeSegments("redis", redis),
      seg("  "),
      ...probeSegments("kafka", kafka),
    ],
    width,
  );
}

/** What is down, in one phrase per component, for the right of line 2. */
function downText(s: Snapshot): string | null {
  const down = (
    [
      ["postgres", s.health.postgres],
      ["redis", s.health.redis],
      ["kafka", s.health.kafka],
    ] as const
  ).filter(([, p]) => !p.up);
  if (down.length === 0) return null;
  return down.map(([name, p]) => `${name}: ${p.error ?? "down"}`).join(" · ");
}

/** Line 2: live instances per role (consumer group members), then what is down or when this was taken. */
export function rolesLine(s: Snapshot, width: number): Line {
  const roles: Segment[] = [seg(" roles ", "dim")];
  if (s.roles.ok) {
    s.roles.groups.forEach((g, i) => {
      if (i > 0) roles.push(seg(" · ", "dim"));
      roles.push(seg(`${g.role} `), seg(String(g.members), g.members > 0 ? "good" : "bad", { bold: true }));
    });
  } else {
    roles.push(seg("unknown", "bad"));
  }
  const problem = downText(s);
  const tail = problem
    ? seg(`  ${problem}`, "bad")
    : seg(`  ${formatClock(s.takenAt)} (${s.collectMs}ms)`, "dim");
  return fitLine([...roles, tail], width);
}

export function helpLine(width: number, focusTitle: string): Line {
  return fitLine(
    [
      seg(" q", "accent", { bold: true }),
      seg(" quit  ", "dim"),
      seg("tab", "accent", { bold: true }),
      seg(" next panel  ", "dim"),
      seg("↑↓", "accent", { bold: true }),
      seg(" scroll  ", "dim"),
      seg(`focus: ${focusTitle}`, "dim"),
    ],
    width,
  );
}
