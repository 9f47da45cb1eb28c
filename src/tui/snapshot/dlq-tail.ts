/**
 * A live reader of dlq.events that keeps only the newest entries in memory.
 *
 * It joins a throwaway consumer group of its own (so it never moves another reader's
 * offsets), reads from the beginning without committing, and deletes the group on close.
 * Starting happens in the background: a tick never waits for Kafka here. If the start fails
 * (the broker is down) the next `ensureStarted()` tries again; entries already read are kept
 * and re-reads are de-duplicated by entry id.
 */
import type { Consumer, Kafka } from "kafkajs";
import type { Logger } from "../../infra/log.ts";
import { keepLatest, parseDlqValue } from "./kafka-shape.ts";
import { shortError } from "./shape.ts";
import type { DlqLatest } from "./types.ts";

export interface DlqTailOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  /** How many of the newest entries to keep. */
  readonly keep: number;
  readonly log?: Logger;
}

type State = "idle" | "starting" | "running" | "closed";

export class DlqTail {
  private entries: DlqLatest[] = [];
  private consumer: Consumer | null = null;
  private state: State = "idle";
  private lastError: string | null = "reader not started";
  private everJoined = false;

  constructor(private readonly opts: DlqTailOptions) {}

  /** Newest first. */
  latest(): DlqLatest[] {
    return this.entries;
  }

  /** Null while the reader is live; otherwise why `latest()` may be incomplete. */
  error(): string | null {
    return this.lastError;
  }

  /** Starts the reader in the background unless it is running or starting. */
  ensureStarted(): void {
    if (this.state !== "idle") return;
    this.state = "starting";
    this.lastError = "reader starting";
    void this.start();
  }

  async close(): Promise<void> {
    this.state = "closed";
    await this.stopConsumer();
    if (!this.everJoined) return;
    const admin = this.opts.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.opts.groupId]);
    } catch (err) {
      this.opts.log?.debug("dlq reader: could not delete its group", { error: shortError(err) });
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  private async start(): Promise<void> {
    const consumer = this.opts.kafka.consumer({
      groupId: this.opts.groupId,
      maxWaitTimeInMs: 500,
      retry: { retries: 3 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.everJoined = true;
      this.lastError = null;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.lastError = shortError(payload.error);
      // kafkajs restarts a consumer after a retriable crash; otherwise start afresh next tick.
      if (!payload.restart) void this.reset();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.opts.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => this.accept(message.value),
      });
      if (this.state === "starting") this.state = "running";
      // close() ran while this was starting: it could not see the consumer settle, so stop it here.
      else if (this.state === "closed") await consumer.disconnect().catch(() => {});
    } catch (err) {
      this.lastError = shortError(err);
      await this.reset();
    }
  }

  private accept(value: Buffer | null): void {
    const entry = parseDlqValue(value);
    if (entry) this.entries = keepLatest(this.entries, entry, this.opts.keep);
  }

  private async reset(): Promise<void> {
    await this.stopConsumer();
    if (this.state !== "closed") this.state = "idle";
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect().catch(() => {});
  }
}
