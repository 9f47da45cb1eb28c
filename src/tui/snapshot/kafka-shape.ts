/** Pure shaping of Kafka admin answers: consumer lag, role groups, the DLQ count and tail. */
import { type DlqEntry, DlqEntrySchema } from "../../core/dlq/entry.ts";
import type { RoleName } from "../../services/runtime.ts";
import type { DlqLatest, GroupLag, PartitionLag, RoleGroup } from "./types.ts";

export interface TopicEnd {
  readonly partition: number;
  readonly high: string;
  readonly low: string;
}

export interface CommittedOffset {
  readonly partition: number;
  /** "-1" when the group never committed on this partition. */
  readonly offset: string;
}

/**
 * Lag of one group on one topic, per partition. Without a commit the group will read from
 * the log start (services subscribe fromBeginning), so everything retained is still to do.
 */
export function partitionLags(
  topic: string,
  ends: readonly TopicEnd[],
  committed: readonly CommittedOffset[],
): PartitionLag[] {
  const byPartition = new Map(committed.map((c) => [c.partition, c.offset]));
  return ends.map((end) => {
    const high = Number(end.high);
    const low = Number(end.low);
    const raw = byPartition.get(end.partition);
    const committedAt = raw === undefined || raw === "-1" || raw === "" ? null : Number(raw);
    const from = Math.max(committedAt ?? low, low);
    return { topic, partition: end.partition, committed: committedAt, high, lag: Math.max(0, high - from) };
  });
}

/** Worst first, then by topic and partition so the order is stable between ticks. */
export function byWorst(a: PartitionLag, b: PartitionLag): number {
  return b.lag - a.lag || a.topic.localeCompare(b.topic) || a.partition - b.partition;
}

export function shapeGroupLag(
  role: RoleName,
  groupId: string,
  partitions: readonly PartitionLag[],
): GroupLag {
  const sorted = [...partitions].sort(byWorst);
  return { role, groupId, total: sorted.reduce((sum, p) => sum + p.lag, 0), partitions: sorted };
}

export interface WorstPartition extends PartitionLag {
  readonly role: RoleName;
}

/** Every group's partitions in one list, worst first. */
export function worstPartitions(groups: readonly GroupLag[]): WorstPartition[] {
  return groups.flatMap((g) => g.partitions.map((p) => ({ ...p, role: g.role }))).sort(byWorst);
}

/** Messages retained on a topic: Σ (high − low). */
export function retainedCount(ends: readonly TopicEnd[]): number {
  return ends.reduce((sum, e) => sum + Math.max(0, Number(e.high) - Number(e.low)), 0);
}

export interface GroupDescriptionLike {
  readonly state: string;
  readonly members: readonly { readonly clientId: string; readonly clientHost: string }[];
}

export function shapeRoleGroup(
  role: RoleName,
  groupId: string,
  group: GroupDescriptionLike | undefined,
): RoleGroup {
  const members = group?.members ?? [];
  return {
    role,
    groupId,
    state: group?.state ?? "Unknown",
    members: members.length,
    instances: members
      .map((m) => ({ clientId: m.clientId, host: m.clientHost.replace(/^\//, "") }))
      .sort((a, b) => a.clientId.localeCompare(b.clientId) || a.host.localeCompare(b.host)),
  };
}

export function toDlqLatest(entry: DlqEntry): DlqLatest {
  return {
    id: entry.id,
    at: entry.deadLetteredAt,
    service: entry.service,
    errorCode: entry.errorCode,
    reason: entry.errorMessage.split("\n")[0] ?? "",
    originTopic: entry.origin.topic,
    eventType: entry.eventType,
    orderId: entry.orderId,
  };
}

/** Adds an entry to a newest-first list of at most `max`, ignoring one already there. */
export function keepLatest(list: readonly DlqLatest[], entry: DlqLatest, max: number): DlqLatest[] {
  if (list.some((e) => e.id === entry.id)) return [...list];
  return [...list, entry].sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id)).slice(0, max);
}

/** A dlq.events message value → its summary; null for anything that is not a DLQ entry. */
export function parseDlqValue(value: Buffer | null): DlqLatest | null {
  if (!value) return null;
  let json: unknown;
  try {
    json = JSON.parse(value.toString("utf8"));
  } catch {
    return null;
  }
  const parsed = DlqEntrySchema.safeParse(json);
  return parsed.success ? toDlqLatest(parsed.data) : null;
}

/** The newest `max` entries among message values, newest first. */
export function latestFromValues(values: readonly (Buffer | null)[], max: number): DlqLatest[] {
  let list: DlqLatest[] = [];
  for (const value of values) {
    const entry = parseDlqValue(value);
    if (entry) list = keepLatest(list, entry, max);
  }
  return list;
}
