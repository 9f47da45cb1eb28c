import type { Config } from "../../src/config.ts";
import { type BaseTopic, topicName } from "../../src/contracts/topics.ts";
import { createKafka } from "../../src/infra/kafka.ts";
import { filterKafkajsTimerWarning, headerStrings } from "../../src/infra/kafka.ts";
import { withAdmin } from "../../src/infra/stack/kafka-admin.ts";
import { deleteTopics, ensureTopics } from "../../src/infra/stack/topics.ts";
import { randomId } from "./database.ts";

type KafkaConfig = Pick<Config, "kafkaBrokers" | "topicPrefix" | "topicPartitions">;

function requirePrefix(config: Pick<Config, "topicPrefix">): void {
  // An empty prefix would mean the real topics of the local stack.
  if (config.topicPrefix === "") throw new Error("test topics need a topicPrefix (use testConfig())");
}

/** Creates order/inventory/payment/restaurant/dlq `.events` under config.topicPrefix. */
export async function createTestTopics(config: KafkaConfig): Promise<void> {
  requirePrefix(config);
  await ensureTopics(config, { prefix: config.topicPrefix, partitions: config.topicPartitions });
}

/** Deletes the five topics and the consumer groups under config.topicPrefix (and nothing else). */
export async function deleteTestTopics(config: KafkaConfig): Promise<void> {
  requirePrefix(config);
  await deleteTopics(config, config.topicPrefix);
  await withAdmin(config.kafkaBrokers, async (admin) => {
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((id) => id.startsWith(config.topicPrefix));
    // A group with live members cannot be deleted; it expires on its own once they leave.
    if (ours.length > 0) await admin.deleteGroups(ours).catch(() => {});
  });
}

export interface ReadMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** The value parsed as JSON (the raw string when it is not JSON; null for a tombstone). */
  readonly value: unknown;
  readonly raw: string | null;
  readonly headers: Record<string, string>;
  readonly timestamp: string;
}

export interface ReadTopicOptions {
  /** Stop once this many messages arrived, or once this predicate holds over what arrived. */
  readonly until?: number | ((messages: readonly ReadMessage[]) => boolean);
  /** Give up (and return what arrived) after this long; default 15 s. */
  readonly timeoutMs?: number;
}

function parse(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Reads `baseTopic` (under config.topicPrefix) from the beginning with a new consumer group.
 * Never throws on timeout: returns whatever arrived, so the assertion shows what was there.
 */
export async function readTopic(
  config: KafkaConfig,
  baseTopic: BaseTopic,
  opts: ReadTopicOptions = {},
): Promise<ReadMessage[]> {
  requirePrefix(config);
  filterKafkajsTimerWarning();
  const until = opts.until ?? 1;
  const enough = (ms: readonly ReadMessage[]) => (typeof until === "number" ? ms.length >= until : until(ms));
  const topic = topicName(config.topicPrefix, baseTopic);
  const kafka = createKafka(config, `test-reader-${randomId(3)}`);
  const consumer = kafka.consumer({
    groupId: `${config.topicPrefix}test-reader.${randomId()}`,
    allowAutoTopicCreation: false,
  });
  const messages: ReadMessage[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const timer = setTimeout(done, opts.timeoutMs ?? 15_000);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        const raw = message.value === null ? null : message.value.toString("utf8");
        messages.push({
          topic: t,
          partition,
          offset: message.offset,
          key: message.key === null ? null : message.key.toString("utf8"),
          value: parse(raw),
          raw,
          headers: headerStrings(message.headers),
          timestamp: message.timestamp,
        });
        if (enough(messages)) done();
      },
    });
    if (enough(messages)) done();
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
  }
  return messages;
}
