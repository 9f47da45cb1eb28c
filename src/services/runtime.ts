/**
 * What every role gets and how it runs: shared clients (one Postgres pool, one Kafka client,
 * one Redis connection per process), its own outbox relay, and a start/stop lifecycle.
 */
import type { Kafka, Producer } from "kafkajs";
import type { Config } from "../config.ts";
import { type BaseTopic, TOPICS, topicName } from "../contracts/topics.ts";
import type { Clock } from "../core/clock.ts";
import { ServiceConsumer } from "../core/consumer/consumer.ts";
import type { Dispatcher } from "../core/consumer/dispatcher.ts";
import { DlqPublisher } from "../core/dlq/publisher.ts";
import { OutboxRelay } from "../core/outbox/relay.ts";
import type { Sql } from "../infra/db/client.ts";
import { createIdempotentProducer } from "../infra/kafka.ts";
import type { Logger } from "../infra/log.ts";
import type { RedisClient } from "../infra/redis.ts";

export type RoleName = "gateway" | "inventory" | "payment" | "restaurant";
export const ROLE_NAMES: readonly RoleName[] = ["gateway", "inventory", "payment", "restaurant"];

/** The topics each role consumes (its consumer group subscribes to exactly these). */
export const ROLE_INPUTS: Readonly<Record<RoleName, readonly BaseTopic[]>> = {
  gateway: [TOPICS.inventory, TOPICS.payment, TOPICS.restaurant],
  inventory: [TOPICS.order, TOPICS.payment, TOPICS.restaurant],
  payment: [TOPICS.inventory, TOPICS.restaurant],
  restaurant: [TOPICS.payment],
};

export interface RoleContext {
  readonly config: Config;
  readonly sql: Sql;
  readonly kafka: Kafka;
  readonly log: Logger;
  readonly clock: Clock;
  /** A unique id for this process's instance of a role (shows in logs and consumer client ids). */
  readonly instanceId: string;
  /** The process's Redis connection (a cache: may be down). */
  readonly redis: RedisClient;
  /** The process's dead-letter publisher. */
  readonly dlq: DlqPublisher;
  /** Called when a component fails beyond repair (e.g. kafkajs will not restart a consumer). */
  readonly onFatal: (err: unknown) => void;
}

/** A running role. `stop` is graceful: stop intake, finish in-flight work, flush the outbox. */
export interface Role {
  readonly name: RoleName;
  stop(): Promise<void>;
}

/** Starts a relay for a service schema with its own idempotent producer. */
export async function startRelay(
  ctx: RoleContext,
  schema: RoleName,
): Promise<{ relay: OutboxRelay; stop(): Promise<void> }> {
  const producer: Producer = createIdempotentProducer(ctx.kafka);
  await producer.connect();
  const relay = new OutboxRelay({
    sql: ctx.sql,
    producer,
    schema,
    batchSize: ctx.config.relay.batchSize,
    pollIntervalMs: ctx.config.relay.pollIntervalMs,
    log: ctx.log.child(`${schema}.relay`),
    clock: ctx.clock,
  });
  await relay.start();
  return {
    relay,
    stop: async () => {
      await relay.stop();
      await producer.disconnect();
    },
  };
}

/** The consumer group of a service: every instance of the role joins it and shares partitions. */
export function groupId(config: Pick<Config, "topicPrefix">, role: RoleName): string {
  return `${config.topicPrefix}saga.${role}`;
}

/** Starts a role's consumer on its input topics with its dispatcher. */
export async function startConsumer(
  ctx: RoleContext,
  role: RoleName,
  dispatcher: Dispatcher,
  concurrency = 6,
): Promise<ServiceConsumer> {
  const inputs = ROLE_INPUTS[role];
  const consumer = new ServiceConsumer({
    kafka: ctx.kafka,
    sql: ctx.sql,
    log: ctx.log.child(`${role}.consumer`),
    clock: ctx.clock,
    service: role,
    groupId: groupId(ctx.config, role),
    topics: inputs.map((t) => topicName(ctx.config.topicPrefix, t)),
    dispatcher,
    dlq: ctx.dlq,
    config: ctx.config,
    concurrency,
    onFatal: ctx.onFatal,
  });
  await consumer.start();
  return consumer;
}

/** A DLQ publisher on its own idempotent producer. */
export async function createDlq(
  kafka: Kafka,
  config: Pick<Config, "topicPrefix">,
): Promise<{ dlq: DlqPublisher; close(): Promise<void> }> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  return { dlq: new DlqPublisher(producer, config.topicPrefix), close: () => producer.disconnect() };
}
