/**
 * Our topics (ALL_TOPICS under a prefix), created with explicit partition counts and
 * replication 1. Existing topics are left as they are: changing partitions would re-map keys.
 */
import type { Admin } from "kafkajs";
import type { Config } from "../../config.ts";
import { ALL_TOPICS, topicName } from "../../contracts/topics.ts";
import { errorMessage, SagaError } from "../../errors.ts";
import { withAdmin } from "./kafka-admin.ts";
import { waitFor } from "./processes.ts";
import type { TopicStatus } from "./types.ts";

export interface TopicOptions {
  /** Defaults to config.topicPrefix; tests pass their own to isolate runs. */
  readonly prefix?: string;
  /** Defaults to config.topicPartitions. */
  readonly partitions?: number;
}

type KafkaConfig = Pick<Config, "kafkaBrokers" | "topicPrefix" | "topicPartitions">;

export function ourTopicNames(prefix: string): string[] {
  return ALL_TOPICS.map((base) => topicName(prefix, base));
}

/** Creates the missing topics; reports every topic with its partition count. */
export async function ensureTopics(config: KafkaConfig, opts: TopicOptions = {}): Promise<TopicStatus[]> {
  const names = ourTopicNames(opts.prefix ?? config.topicPrefix);
  const partitions = opts.partitions ?? config.topicPartitions;
  return withAdmin(config.kafkaBrokers, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const toCreate = names.filter((n) => !existing.has(n));
    if (toCreate.length > 0) await createTopics(admin, toCreate, partitions);
    const counts = await partitionCounts(admin, names);
    return names.map((name) => ({
      name,
      partitions: counts.get(name) ?? 0,
      created: toCreate.includes(name),
    }));
  });
}

/**
 * A topic deleted a moment ago can still be "marked for deletion", and creating it then fails
 * with TOPIC_ALREADY_EXISTS although listTopics no longer shows it: retry for a while.
 */
async function createTopics(admin: Admin, names: readonly string[], partitions: number): Promise<void> {
  let existing = new Set<string>();
  let lastError: unknown;
  const created = await waitFor(
    async () => {
      const topics = names
        .filter((topic) => !existing.has(topic))
        .map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 }));
      try {
        await admin.createTopics({ topics, waitForLeaders: true, timeout: 30_000 });
        return true;
      } catch (err) {
        lastError = err;
        // Whatever exists now (created concurrently by someone else) is not created again.
        existing = new Set(await admin.listTopics().catch(() => []));
        return names.every((n) => existing.has(n));
      }
    },
    { timeoutMs: 30_000, intervalMs: 1000 },
  );
  if (!created) {
    throw new SagaError(
      "STACK_PROVISION_FAILED",
      `creating topics ${names.join(", ")} failed: ${describe(lastError)}`,
      {
        hint: "check the broker log (<stateDir>/logs/kafka.log) and run `saga-cli stack up` again",
      },
    );
  }
}

function describe(err: unknown): string {
  const errors = (err as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0) return errors.map(errorMessage).join("; ");
  return errorMessage(err);
}

async function partitionCounts(admin: Admin, names: readonly string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const meta = await admin.fetchTopicMetadata({ topics: [...names] });
  return new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
}

export interface TopicListing {
  readonly topics: TopicStatus[];
  readonly missing: string[];
}

/** Which of our topics exist, with partition counts. */
export async function listTopics(config: KafkaConfig, prefix = config.topicPrefix): Promise<TopicListing> {
  const names = ourTopicNames(prefix);
  return withAdmin(
    config.kafkaBrokers,
    async (admin) => {
      const existing = new Set(await admin.listTopics());
      const present = names.filter((n) => existing.has(n));
      const counts = await partitionCounts(admin, present);
      return {
        topics: present.map((name) => ({ name, partitions: counts.get(name) ?? 0 })),
        missing: names.filter((n) => !existing.has(n)),
      };
    },
    { retries: 1 },
  );
}

/**
 * Deletes our topics under `prefix` (only ALL_TOPICS names, never anything else) and waits
 * until the broker no longer lists them. Returns the names deleted.
 */
export async function deleteTopics(config: Pick<Config, "kafkaBrokers">, prefix: string): Promise<string[]> {
  const names = ourTopicNames(prefix);
  return withAdmin(config.kafkaBrokers, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const doomed = names.filter((n) => existing.has(n));
    if (doomed.length === 0) return [];
    await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    await waitFor(
      async () => {
        const now = new Set(await admin.listTopics());
        return doomed.every((n) => !now.has(n));
      },
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    return doomed;
  });
}
