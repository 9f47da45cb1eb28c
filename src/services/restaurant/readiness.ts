/**
 * Ticket readiness: a durable delay queue. `ready_at` lives in Postgres; the in-memory heap is
 * rebuilt from it on start and a sweep picks up tickets any instance left due, so a restart or a
 * crash loses no ticket. Firing marks the ticket READY, releases exactly that ticket's load and
 * emits RestaurantReady — once, whichever instance fires first.
 */
import type { Config } from "../../config.ts";
import { EVENT_TOPIC, createEvent } from "../../contracts/events.ts";
import { topicName } from "../../contracts/topics.ts";
import { childTraceparent } from "../../contracts/trace.ts";
import type { Clock } from "../../core/clock.ts";
import { insertOutbox } from "../../core/outbox/queries.ts";
import { DelayQueue } from "../../core/scheduler/delay-queue.ts";
import type { Sql } from "../../infra/db/client.ts";
import type { Logger } from "../../infra/log.ts";
import * as q from "./queries.ts";

export interface ReadinessOptions {
  readonly sql: Sql;
  readonly config: Pick<Config, "topicPrefix">;
  readonly clock: Clock;
  readonly log: Logger;
  readonly sweepIntervalMs?: number;
}

/** Fires one ticket: READY + load release + RestaurantReady in one transaction. Idempotent. */
export async function fireTicket(opts: ReadinessOptions, orderId: string): Promise<boolean> {
  return opts.sql.begin(async (tx) => {
    const ticket = await q.markReady(tx, orderId);
    if (!ticket) return false;
    await q.releaseLoad(tx, ticket.restaurantId, ticket.load);
    const event = createEvent(
      "RestaurantReady",
      { ticketId: ticket.ticketId, restaurantId: ticket.restaurantId, load: ticket.load },
      {
        orderId: ticket.orderId,
        correlationId: ticket.correlationId,
        causationId: ticket.acceptedEventId,
        producer: "restaurant",
        occurredAt: new Date(opts.clock.now()),
      },
    );
    await insertOutbox(tx, "restaurant", [
      {
        topic: topicName(opts.config.topicPrefix, EVENT_TOPIC.RestaurantReady),
        event,
        headers: { traceparent: childTraceparent(ticket.traceparent) },
      },
    ]);
    return true;
  });
}

export class ReadinessScheduler {
  readonly queue: DelayQueue;

  constructor(private readonly opts: ReadinessOptions) {
    this.queue = new DelayQueue({
      onDue: async (orderId) => {
        await fireTicket(opts, orderId);
      },
      sweep: () => q.dueTickets(opts.sql, new Date(opts.clock.now()), 500),
      sweepIntervalMs: opts.sweepIntervalMs ?? 1000,
      log: opts.log,
      clock: opts.clock,
    });
  }

  /** Rebuilds the heap from every preparing ticket, then starts firing. */
  async start(): Promise<number> {
    const pending = await q.preparingTickets(this.opts.sql);
    for (const t of pending) this.queue.schedule(t.orderId, t.readyAt.getTime());
    this.queue.start();
    if (pending.length > 0)
      this.opts.log.info("rebuilt readiness queue from Postgres", { tickets: pending.length });
    return pending.length;
  }

  schedule(orderId: string, readyAt: number): void {
    this.queue.schedule(orderId, readyAt);
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }
}
