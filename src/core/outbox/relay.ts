/**
 * The transactional outbox relay: publishes a service's outbox rows to Kafka.
 *
 * Each cycle is one transaction: take the service's relay lock, claim the oldest unpublished
 * rows, send them with the idempotent producer (acks=-1), mark them published, commit.
 *
 * Why a transaction-scoped advisory lock: several relay instances may run (one per role
 * instance). Only the holder of the lock publishes, one batch at a time, and the next batch —
 * by any instance — starts only after the previous one committed, so each order's events reach
 * Kafka in commit order. A standby simply fails `pg_try_advisory_xact_lock` and waits; when the
 * leader dies its transaction aborts, the lock goes with it, and the standby takes the next batch
 * (on its next NOTIFY or poll, so at most `pollIntervalMs` later).
 * A session-level lock would survive in postgres.js only until a silent reconnect — this cannot.
 *
 * Why `FOR UPDATE` without SKIP LOCKED: under the lock nobody else claims rows, and skipping a
 * locked older row could publish a newer event of the same order first.
 *
 * A crash between send and commit leaves the rows unpublished: they are sent again
 * (at-least-once); consumers drop the duplicate by event id.
 */
import type { Producer } from "kafkajs";
import { SagaError, errorMessage } from "../../errors.ts";
import type { Sql, TxSql } from "../../infra/db/client.ts";
import type { Logger } from "../../infra/log.ts";
import { backoffDelay } from "../../domain/backoff.ts";
import { type Clock, Waker, systemClock } from "../clock.ts";
import { claimBatch, markPublished, type OutboxLag, type OutboxRow, outboxLag } from "./queries.ts";
import { toKafkaMessage } from "./messages.ts";

/** Advisory lock namespace for relays; the second key is the schema's index. */
const RELAY_LOCK_CLASS = 7140;
const SCHEMA_LOCK_IDS: Record<string, number> = { gateway: 1, inventory: 2, payment: 3, restaurant: 4 };

export interface RelayOptions {
  readonly sql: Sql;
  readonly producer: Producer;
  readonly schema: string;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Test hook: runs after Kafka acknowledged a batch and before it is marked published. */
  readonly afterSend?: (rows: readonly OutboxRow[]) => Promise<void>;
}

export interface RelayStats {
  readonly schema: string;
  readonly published: number;
  readonly batches: number;
  readonly leader: boolean;
  readonly lastError: string | undefined;
  readonly lastPublishedAt: number | undefined;
}

export class OutboxRelay {
  private readonly waker: Waker;
  private readonly clock: Clock;
  private running = false;
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private published = 0;
  private batches = 0;
  private leader = false;
  private lastError: string | undefined;
  private lastPublishedAt: number | undefined;
  private readonly lockId: number;

  constructor(private readonly opts: RelayOptions) {
    this.clock = opts.clock ?? systemClock;
    this.waker = new Waker(this.clock);
    const lockId = SCHEMA_LOCK_IDS[opts.schema];
    if (lockId === undefined) throw new SagaError("INTERNAL", `no outbox in schema ${opts.schema}`);
    this.lockId = lockId;
  }

  async start(): Promise<void> {
    if (this.running) return;
    // NOTIFY arrives at commit of the inserting transaction, so the relay wakes within ms.
    // Listen first: if it fails, the relay is not marked running and start() can be retried.
    const listening = await this.opts.sql.listen(`${this.opts.schema}_outbox`, () => this.waker.wake());
    this.unlisten = () => listening.unlisten();
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the loop, then drains what is left (bounded), so a graceful stop leaves no lag. */
  async stop(drainTimeoutMs = 5000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.waker.wake();
    await this.loop;
    await this.unlisten?.().catch(() => {});
    const deadline = this.clock.now() + drainTimeoutMs;
    while (this.clock.now() < deadline) {
      const n = await this.publishBatch().catch(() => -1);
      if (n <= 0) break;
      this.count(n);
    }
  }

  stats(): RelayStats {
    return {
      schema: this.opts.schema,
      published: this.published,
      batches: this.batches,
      leader: this.leader,
      lastError: this.lastError,
      lastPublishedAt: this.lastPublishedAt,
    };
  }

  lag(): Promise<OutboxLag> {
    return outboxLag(this.opts.sql, this.opts.schema);
  }

  /** Publishes one batch; returns rows published, 0 when idle, -1 when another relay holds the lock. */
  async publishBatch(): Promise<number> {
    return this.opts.sql.begin(async (tx) => {
      const [lock] = await tx`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_CLASS}, ${this.lockId}) AS ok`;
      this.leader = lock?.ok === true;
      if (!this.leader) return -1;
      const rows = await claimBatch(tx, this.opts.schema, this.opts.batchSize);
      if (rows.length === 0) return 0;
      await this.send(rows);
      await this.opts.afterSend?.(rows);
      await markPublished(
        tx as TxSql,
        this.opts.schema,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
  }

  private async send(rows: readonly OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
    for (const row of rows) {
      const list = byTopic.get(row.topic) ?? [];
      list.push(toKafkaMessage(row));
      byTopic.set(row.topic, list);
    }
    await this.opts.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  private count(n: number): void {
    this.published += n;
    this.batches++;
    this.lastPublishedAt = this.clock.now();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let n: number;
      try {
        n = await this.publishBatch();
        failures = 0;
        this.lastError = undefined;
      } catch (err) {
        failures++;
        this.lastError = errorMessage(err);
        this.opts.log.warn("outbox publish failed; will retry", {
          schema: this.opts.schema,
          attempt: failures,
          error: err,
        });
        await this.waker.wait(backoffDelay(failures, { baseMs: 100, maxMs: 5000, jitter: 0.2 }));
        continue;
      }
      if (n > 0) {
        this.count(n);
        if (n === this.opts.batchSize) continue; // more may be waiting: no pause
      }
      await this.waker.wait(this.opts.pollIntervalMs);
    }
  }
}
