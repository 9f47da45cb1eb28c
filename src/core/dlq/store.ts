/**
 * Operator access to the dead-letter queue: list entries (read from `dlq.events`), replay one
 * to its original topic (same key, value and headers, plus `dlq-replay-of` and the consumer
 * group it is meant for), and remember which were replayed (`saga_meta.dlq_replays`).
 */
import type { Kafka } from "kafkajs";
import { TOPICS, topicName } from "../../contracts/topics.ts";
import { SagaError } from "../../errors.ts";
import type { Sql } from "../../infra/db/client.ts";
import { createIdempotentProducer } from "../../infra/kafka.ts";
import { readTopicToEnd } from "../../infra/kafka-read.ts";
import { DLQ_TARGET_GROUP, type DlqEntry, DlqEntrySchema, decodeValue } from "./entry.ts";

export interface StoredDlqEntry {
  readonly entry: DlqEntry;
  readonly partition: number;
  readonly offset: string;
  readonly replayedAt: Date | null;
}

export async function listDlq(kafka: Kafka, sql: Sql, prefix: string): Promise<StoredDlqEntry[]> {
  const messages = await readTopicToEnd(kafka, topicName(prefix, TOPICS.dlq));
  const replays = await sql`SELECT dlq_id, replayed_at FROM saga_meta.dlq_replays`;
  const replayed = new Map(replays.map((r) => [r.dlq_id as string, r.replayed_at as Date]));
  const out: StoredDlqEntry[] = [];
  for (const m of messages) {
    let parsed: ReturnType<typeof DlqEntrySchema.safeParse>;
    try {
      parsed = DlqEntrySchema.safeParse(JSON.parse(m.message.value?.toString("utf8") ?? "null"));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    out.push({
      entry: parsed.data,
      partition: m.partition,
      offset: m.offset,
      replayedAt: replayed.get(parsed.data.id) ?? null,
    });
  }
  return out.sort((a, b) => a.entry.deadLetteredAt.localeCompare(b.entry.deadLetteredAt));
}

export function findEntry(entries: readonly StoredDlqEntry[], id: string): StoredDlqEntry {
  const matches = entries.filter((e) => e.entry.id === id || e.entry.id.startsWith(id));
  if (matches.length === 0) {
    throw new SagaError("NOT_FOUND", `no DLQ entry ${id}`, { hint: "list them with `saga-cli dlq list`" });
  }
  if (matches.length > 1) {
    throw new SagaError("INVALID_INPUT", `"${id}" matches ${matches.length} DLQ entries`, {
      hint: "give more of the id",
    });
  }
  return matches[0]!;
}

/** Re-publishes entries to their original topics and records the replay. */
export async function replayDlq(kafka: Kafka, sql: Sql, entries: readonly StoredDlqEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    for (const { entry } of entries) {
      await producer.send({
        topic: entry.origin.topic,
        acks: -1,
        messages: [
          {
            key: entry.origin.key,
            value: decodeValue(entry),
            // Only the group that failed handles the replay; the topic's other groups skip it.
            headers: {
              ...entry.origin.headers,
              "dlq-replay-of": entry.id,
              [DLQ_TARGET_GROUP]: entry.consumerGroup,
            },
          },
        ],
      });
      await sql`
        INSERT INTO saga_meta.dlq_replays (dlq_id, target_topic) VALUES (${entry.id}, ${entry.origin.topic})
        ON CONFLICT (dlq_id) DO UPDATE SET replayed_at = now()`;
    }
  } finally {
    await producer.disconnect();
  }
  return entries.length;
}
