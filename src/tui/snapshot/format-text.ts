/**
 * `saga-cli dashboard --once`: one snapshot as plain text tables, in full (every instance,
 * every lagging partition, whole error messages), without colours, for people and logs.
 */
import { table } from "../../infra/table.ts";
import { formatClock, formatCount, formatMs, formatRate, formatWindow } from "../view/format.ts";
import type { Percentiles, Section, Snapshot } from "./types.ts";

function block(title: string, body: string): string {
  return `${title}\n${body}`;
}

function sectionText<T extends object>(
  title: string,
  section: Section<T>,
  render: (data: T) => string,
): string {
  return block(title, section.ok ? render(section) : `  down: ${section.error}`);
}

function stackText(s: Snapshot): string {
  const rows = (["postgres", "redis", "kafka"] as const).map((name) => {
    const p = s.health[name];
    return [
      name,
      p.up ? "up" : "DOWN",
      p.address,
      p.detail ?? "",
      p.up ? `${p.latencyMs ?? "?"} ms` : (p.error ?? ""),
    ];
  });
  return block("STACK", table(["COMPONENT", "STATE", "ADDRESS", "DETAIL", "ANSWER"], rows));
}

function rolesText(s: Snapshot): string {
  return sectionText("ROLE INSTANCES (consumer group members)", s.roles, ({ groups }) =>
    table(
      ["ROLE", "GROUP", "STATE", "MEMBERS", "INSTANCES"],
      groups.map((g) => [
        g.role,
        g.groupId,
        g.state,
        String(g.members),
        g.instances.map((i) => `${i.clientId}@${i.host}`).join(", ") || "-",
      ]),
    ),
  );
}

function funnelText(s: Snapshot): string {
  return sectionText("SAGA FUNNEL", s.funnel, (f) => {
    const rate = (k: "placed" | "completed" | "canceled") => (f.rates ? formatRate(f.rates[k]) : "-");
    const totals = table(
      ["", "ORDERS", "RATE"],
      [
        ["placed", String(f.totals.placed), rate("placed")],
        ["completed", String(f.totals.completed), rate("completed")],
        ["canceled", String(f.totals.canceled), rate("canceled")],
        ["open", String(f.totals.open), ""],
      ],
    );
    const statuses = table(
      ["STATUS", "ORDERS"],
      Object.entries(f.byStatus).map(([status, n]) => [status, String(n)]),
    );
    const reasons = f.cancelReasons.length
      ? table(
          ["CANCEL REASON", "ORDERS"],
          f.cancelReasons.map((r) => [r.reason, String(r.count)]),
        )
      : "no cancellations";
    return [totals, statuses, reasons].join("\n\n");
  });
}

function latencyText(s: Snapshot): string {
  const title = s.latency.ok
    ? `LATENCY (orders placed in the last ${formatWindow(s.latency.windowMs)})`
    : "LATENCY";
  const row = (name: string, p: Percentiles | null) =>
    p
      ? [name, ...[p.p50, p.p90, p.p99, p.max].map(formatMs), String(p.count)]
      : [name, "-", "-", "-", "-", "0"];
  return sectionText(title, s.latency, (l) =>
    table(
      ["", "P50", "P90", "P99", "MAX", "SAMPLES"],
      [row("placed → decided", l.decision), row("placed → completed", l.completion)],
    ),
  );
}

function outboxText(s: Snapshot): string {
  return sectionText("OUTBOX LAG", s.outbox, ({ services }) =>
    table(
      ["SERVICE", "UNPUBLISHED", "OLDEST", "PUBLISHED"],
      services.map((o) => [
        o.schema,
        String(o.unpublished),
        o.unpublished ? formatMs(o.oldestAgeMs) : "-",
        String(o.published),
      ]),
    ),
  );
}

function lagText(s: Snapshot): string {
  return sectionText("CONSUMER LAG", s.consumerLag, ({ groups }) => {
    const totals = table(
      ["GROUP", "LAG", "PARTITIONS"],
      groups.map((g) => [g.groupId, String(g.total), String(g.partitions.length)]),
    );
    const lagging = groups.flatMap((g) =>
      g.partitions
        .filter((p) => p.lag > 0)
        .map((p) => [
          g.groupId,
          p.topic,
          String(p.partition),
          p.committed === null ? "-" : String(p.committed),
          String(p.high),
          String(p.lag),
        ]),
    );
    const detail = lagging.length
      ? table(["GROUP", "TOPIC", "PARTITION", "COMMITTED", "HIGH", "LAG"], lagging)
      : "every partition caught up";
    return `${totals}\n\n${detail}`;
  });
}

function dlqText(s: Snapshot): string {
  const title = s.dlq.ok ? `DEAD-LETTER QUEUE (${formatCount(s.dlq.total)} retained)` : "DEAD-LETTER QUEUE";
  return sectionText(title, s.dlq, (d) => {
    const note = d.readerError ? `latest entries incomplete: ${d.readerError}\n` : "";
    if (d.latest.length === 0) return `${note}${d.total === 0 ? "empty" : "no entries read"}`;
    return (
      note +
      table(
        ["WHEN", "ID", "SERVICE", "CODE", "ORIGIN", "REASON"],
        d.latest.map((e) => [
          e.at.replace("T", " ").slice(0, 19),
          e.id.slice(0, 8),
          e.service,
          e.errorCode,
          e.originTopic,
          e.reason,
        ]),
      )
    );
  });
}

function restaurantsText(s: Snapshot): string {
  return sectionText("RESTAURANTS", s.restaurants, ({ restaurants }) =>
    table(
      ["ID", "NAME", "LOAD", "CAPACITY", "PREPARING"],
      restaurants.map((r) => [r.id, r.name, String(r.load), String(r.capacity), String(r.preparing)]),
    ),
  );
}

export function formatSnapshotText(s: Snapshot): string {
  const prefix = s.topicPrefix ? `  topic prefix ${s.topicPrefix}` : "";
  const header = `saga-cli dashboard  ${s.takenAt.replace("T", " ").slice(0, 19)}Z (${formatClock(s.takenAt)} local, ${s.collectMs} ms)${prefix}`;
  return [
    header,
    stackText(s),
    rolesText(s),
    funnelText(s),
    latencyText(s),
    outboxText(s),
    lagText(s),
    dlqText(s),
    restaurantsText(s),
  ].join("\n\n");
}
