/**
 * A typed dispatcher: one handler per event type. A handler runs inside the consumer's
 * transaction and emits follow-up events through `ctx.emit`; they land in the service's
 * outbox in that same transaction, together with the inbox row.
 */
import type { AnyEnvelope, Envelope, EventMap, EventType } from "../../contracts/events.ts";
import type { TxSql } from "../../infra/db/client.ts";

export interface MessageMeta {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly attempt: number;
  /** The message's Kafka headers as text (trace context, correlation, …). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface HandlerContext {
  readonly tx: TxSql;
  readonly message: MessageMeta;
  /** Queue an event reacting to the one being handled (same order, correlation; caused by it). */
  emit<T extends EventType>(type: T, payload: EventMap[T]): Envelope<T>;
  /** Run after the transaction committed (e.g. arm an in-memory timer for durable state). */
  afterCommit(fn: () => void): void;
}

export type Handler<T extends EventType> = (event: Envelope<T>, ctx: HandlerContext) => Promise<void>;

type AnyHandler = (event: AnyEnvelope, ctx: HandlerContext) => Promise<void>;

export class Dispatcher {
  private readonly handlers = new Map<EventType, AnyHandler>();

  on<T extends EventType>(type: T, handler: Handler<T>): this {
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} is already registered`);
    this.handlers.set(type, handler as unknown as AnyHandler);
    return this;
  }

  handles(type: string): type is EventType {
    return this.handlers.has(type as EventType);
  }

  types(): EventType[] {
    return [...this.handlers.keys()];
  }

  async dispatch(event: AnyEnvelope, ctx: HandlerContext): Promise<void> {
    const handler = this.handlers.get(event.type);
    if (!handler) throw new Error(`no handler for ${event.type}`);
    await handler(event, ctx);
  }
}
