/**
 * A service's Kafka consumer: one consumer group per service, partitions processed in parallel
 * and in order within each partition (kafkajs `partitionsConsumedConcurrently`).
 *
 * Per message: decode (a failure is poison → DLQ) → skip types this service does not handle →
 * one transaction { inbox row, handler, emitted events into the outbox } → return, after which
 * kafkajs marks the offset for commit. Offsets are therefore committed only after the handler's
 * transaction committed; a crash in between redelivers, and the inbox absorbs the duplicate.
 *
 * Failures: retryable ones (connection loss, 40001, 40P01, 57P03, …) are retried in place with
 * exponential backoff and jitter, heartbeating between attempts; non-retryable or exhausted ones
 * are dead-lettered and the consumer moves on. Business outcomes never reach this code: they
 * are events the handlers emit.
 */
import type { Consumer, EachMessagePayload, Kafka } from "kafkajs";
import type { Config } from "../../config.ts";
import {
  type AnyEnvelope,
  EVENT_TOPIC,
  createEvent,
  decodeEvent,
  reactionTo,
} from "../../contracts/events.ts";
import { topicName } from "../../contracts/topics.ts";
import { childTraceparent } from "../../contracts/trace.ts";
import { backoffDelay } from "../../domain/backoff.ts";
import { SagaError, errorCode, errorMessage, isRetryable } from "../../errors.ts";
import type { Sql } from "../../infra/db/client.ts";
import type { Logger } from "../../infra/log.ts";
import { type Clock, systemClock } from "../clock.ts";
import { headerStrings } from "../../infra/kafka.ts";
import { DLQ_TARGET_GROUP } from "../dlq/entry.ts";
import type { DlqPublisher } from "../dlq/publisher.ts";
import { type OutboxEntry, insertOutbox } from "../outbox/queries.ts";
import type { Dispatcher, MessageMeta } from "./dispatcher.ts";
import { buildDlqEntry } from "./dead-letter.ts";
import { claimInbox } from "./inbox.ts";

export type ServiceName = "gateway" | "inventory" | "payment" | "restaurant";

/** Thrown inside the transaction to roll it back when the inbox says "already handled". */
const DUPLICATE = Symbol("duplicate event");

export interface ConsumerOptions {
  readonly kafka: Kafka;
  readonly sql: Sql;
  readonly log: Logger;
  readonly clock?: Clock;
  /** The service: its schema (inbox, outbox) and the producer name on emitted events. */
  readonly service: ServiceName;
  readonly groupId: string;
  /** Real topic names (already prefixed). */
  readonly topics: readonly string[];
  readonly dispatcher: Dispatcher;
  readonly dlq: DlqPublisher;
  readonly config: Pick<Config, "consumer" | "topicPrefix">;
  /** Partitions processed at once (bounded by the Postgres pool). */
  readonly concurrency: number;
  /** Called when kafkajs gives up and will not restart the consumer. */
  readonly onFatal: (err: unknown) => void;
  /** Observes each retry (tests assert the growing delays). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  readonly random?: () => number;
}

export interface ConsumerStats {
  applied: number;
  duplicates: number;
  ignored: number;
  deadLettered: number;
  retries: number;
}

export class ServiceConsumer {
  private readonly consumer: Consumer;
  private readonly clock: Clock;
  private readonly stopSignal = new AbortController();
  private stopping = false;
  readonly stats: ConsumerStats = { applied: 0, duplicates: 0, ignored: 0, deadLettered: 0, retries: 0 };

  constructor(private readonly opts: ConsumerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: opts.config.consumer.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(opts.config.consumer.sessionTimeoutMs / 5)),
      // Long poll: the broker answers as soon as data arrives; this only bounds idle fetches.
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
    });
  }

  async start(): Promise<void> {
    const { CRASH } = this.consumer.events;
    this.consumer.on(CRASH, ({ payload }) => {
      if (this.stopping) return;
      if (!payload.restart) {
        this.opts.log.error("kafka consumer crashed and will not restart", {
          group: this.opts.groupId,
          error: payload.error,
        });
        this.opts.onFatal(payload.error);
      } else {
        this.opts.log.warn("kafka consumer crashed; kafkajs is restarting it", { error: payload.error });
      }
    });
    await this.consumer.connect();
    // A new group starts at the beginning so events published before its first start are not skipped.
    await this.consumer.subscribe({ topics: [...this.opts.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      autoCommitThreshold: 100,
      partitionsConsumedConcurrently: this.opts.concurrency,
      eachMessage: (payload) => this.handleMessage(payload),
    });
  }

  /** Stops fetching and waits for in-flight handlers; retries in progress give up (the message comes back). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    await this.consumer.disconnect();
  }

  private async handleMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const target = message.headers?.[DLQ_TARGET_GROUP]?.toString();
    if (target !== undefined && target !== this.opts.groupId) {
      this.stats.ignored++; // a DLQ replay meant for another group
      return;
    }
    const decoded = decodeEvent(message.value);
    if (!decoded.ok) {
      const err = new SagaError("POISON_MESSAGE", `${decoded.reason}: ${decoded.message}`, {
        retryable: false,
      });
      await this.deadLetter(payload, `POISON_${decoded.reason}`, err, 1, null);
      return;
    }
    const event = decoded.event;
    if (!this.opts.dispatcher.handles(event.type)) {
      this.stats.ignored++;
      return;
    }
    const headers = headerStrings(message.headers);
    for (let attempt = 1; ; attempt++) {
      const meta: MessageMeta = {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        attempt,
        headers,
      };
      try {
        const applied = await this.applyOnce(event, meta);
        if (applied) this.stats.applied++;
        else this.stats.duplicates++;
        return;
      } catch (err) {
        if (this.stopping) {
          // Leave the offset uncommitted: the next owner of this partition handles the message.
          throw new SagaError("INTERNAL", "consumer stopping during a retry", { cause: err });
        }
        if (!isRetryable(err) || attempt >= this.opts.config.consumer.maxAttempts) {
          await this.deadLetter(payload, errorCode(err), err, attempt, event);
          return;
        }
        await this.backoff(attempt, err, event, payload);
      }
    }
  }

  private async backoff(
    attempt: number,
    err: unknown,
    event: AnyEnvelope,
    payload: EachMessagePayload,
  ): Promise<void> {
    const { backoffBaseMs, backoffMaxMs } = this.opts.config.consumer;
    const delayMs = backoffDelay(
      attempt,
      { baseMs: backoffBaseMs, maxMs: backoffMaxMs, jitter: 0.2 },
      this.opts.random,
    );
    this.stats.retries++;
    this.opts.onRetry?.({ attempt, delayMs, error: err });
    this.opts.log.warn("handler failed; retrying", {
      type: event.type,
      order: event.orderId,
      attempt,
      delayMs,
      error: errorMessage(err),
    });
    await this.clock.sleep(delayMs, this.stopSignal.signal);
    await payload.heartbeat();
  }

  /**
   * One transaction: inbox claim, handler, emitted events. Returns false for a duplicate.
   *
   * The claim is pipelined ahead of the handler's statements (see claimInbox). When it turns out
   * the event was handled before, the transaction is rolled back whole, so the handler's work
   * on a duplicate — rare — is undone rather than avoided.
   */
  private async applyOnce(event: AnyEnvelope, meta: MessageMeta): Promise<boolean> {
    const { service, dispatcher, config } = this.opts;
    const committed: (() => void)[] = [];
    try {
      await this.opts.sql.begin(async (tx) => {
        const claim = claimInbox(tx, service, service, event, meta);
        claim.catch(() => {}); // awaited below; don't let an early handler failure leave it unobserved
        const emitted: OutboxEntry[] = [];
        let failure: { error: unknown } | undefined;
        try {
          await dispatcher.dispatch(event, {
            tx,
            message: meta,
            emit: (type, payload) => {
              const created = createEvent(type, payload, reactionTo(event, service));
              emitted.push({
                topic: topicName(config.topicPrefix, EVENT_TOPIC[type]),
                event: created,
                // The saga stays one trace: each reaction is a new span of the incoming trace.
                headers: { traceparent: childTraceparent(meta.headers.traceparent) },
              });
              return created;
            },
            afterCommit: (fn) => committed.push(fn),
          });
        } catch (error) {
          failure = { error };
        }
        // A duplicate wins over whatever the handler did (it may have failed *because* it ran twice).
        if (!(await claim)) throw DUPLICATE;
        if (failure) throw failure.error;
        await insertOutbox(tx, service, emitted);
      });
    } catch (err) {
      if (err === DUPLICATE) return false;
      throw err;
    }
    for (const fn of committed) fn();
    return true;
  }

  private async deadLetter(
    payload: EachMessagePayload,
    code: string,
    err: unknown,
    attempts: number,
    event: AnyEnvelope | null,
  ): Promise<void> {
    const entry = buildDlqEntry({
      payload,
      code,
      message: errorMessage(err),
      attempts,
      event,
      groupId: this.opts.groupId,
      service: this.opts.service,
      now: new Date(this.clock.now()),
    });
    // If this throws, eachMessage fails, the offset is not committed and the message returns.
    await this.opts.dlq.publish(entry);
    this.stats.deadLettered++;
    this.opts.log.warn("message dead-lettered", {
      dlq: entry.id,
      code,
      topic: payload.topic,
      partition: payload.partition,
      offset: payload.message.offset,
      error: errorMessage(err),
    });
  }
}
