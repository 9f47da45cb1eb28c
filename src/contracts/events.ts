/**
 * Every event of the saga in one place: its payload schema, the topic it travels on and the
 * envelope around it. Publishing and handling are typed by `EventMap`.
 *
 * Terminology
 * - envelope: the JSON value of a Kafka message: id, type, version, orderId, occurredAt,
 *   correlationId, causationId, producer, payload.
 * - key: the Kafka message key, always the orderId, so one order's events on one topic stay in order.
 * - correlationId: the id shared by every event of one order's saga (set by the gateway).
 * - causationId: the id of the event this one reacts to (null for OrderPlaced).
 *
 * Events carry the state the next step needs (items, amount, restaurant), so no service ever
 * reads another service's tables.
 */
import { z } from "zod";
import { TOPICS, type BaseTopic } from "./topics.ts";

export const SKU = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Z0-9_]+$/, "SKU must be upper-case letters, digits and underscores");
export const Item = z.object({ sku: SKU, quantity: z.number().int().positive().max(1000) });
export type Item = z.infer<typeof Item>;
const Items = z.array(Item).min(1).max(100);
const Id = z.string().min(1).max(128);
const Money = z.number().int().nonnegative().max(100_000_000);
const Currency = z.string().regex(/^[A-Z]{3}$/);
const Minutes = z.number().nonnegative().finite();
const Timestamp = z.iso.datetime({ offset: true });

export const RESERVATION_FAILURE_REASONS = ["out_of_stock", "unknown_sku"] as const;
export const PAYMENT_FAILURE_REASONS = [
  "declined",
  "limit_exceeded",
  "unknown_payment_method",
  "processor_declined",
] as const;
export const RESTAURANT_REJECTION_REASONS = [
  "capacity_exceeded",
  "unknown_item",
  "unknown_restaurant",
] as const;

export const PAYLOADS = {
  OrderPlaced: z.object({
    customerId: Id,
    restaurantId: Id,
    items: Items,
    pmId: Id,
    amountCents: Money,
    currency: Currency,
    deliveryAddress: z.string().min(1).max(500),
  }),
  ItemsReserved: z.object({
    restaurantId: Id,
    items: Items,
    customerId: Id,
    pmId: Id,
    amountCents: Money,
    currency: Currency,
  }),
  ItemsReservationFailed: z.object({
    restaurantId: Id,
    reason: z.enum(RESERVATION_FAILURE_REASONS),
    skus: z.array(z.string()).min(1),
  }),
  ItemsReleased: z.object({
    restaurantId: Id,
    items: z.array(Item),
    reason: z.enum(["payment_failed", "restaurant_rejected"]),
  }),
  PaymentAuthorized: z.object({
    paymentId: z.uuid(),
    pmId: Id,
    amountCents: Money,
    currency: Currency,
    restaurantId: Id,
    items: Items,
  }),
  PaymentFailed: z.object({
    pmId: Id,
    amountCents: Money,
    reason: z.enum(PAYMENT_FAILURE_REASONS),
  }),
  PaymentVoided: z.object({
    paymentId: z.uuid().nullable(),
    amountCents: Money,
    reason: z.enum(["restaurant_rejected"]),
  }),
  RestaurantAccepted: z.object({
    ticketId: z.uuid(),
    restaurantId: Id,
    load: Minutes,
    etaMinutes: Minutes,
    readyAt: Timestamp,
  }),
  RestaurantRejected: z.object({
    restaurantId: Id,
    reason: z.enum(RESTAURANT_REJECTION_REASONS),
    load: Minutes,
    currentLoad: Minutes,
    capacity: Minutes,
  }),
  RestaurantReady: z.object({
    ticketId: z.uuid(),
    restaurantId: Id,
    load: Minutes,
  }),
} as const;

export type EventType = keyof typeof PAYLOADS;
export type EventMap = { [K in EventType]: z.infer<(typeof PAYLOADS)[K]> };
export const EVENT_TYPES = Object.keys(PAYLOADS) as EventType[];

/** The topic each event is published to. */
export const EVENT_TOPIC: Record<EventType, BaseTopic> = {
  OrderPlaced: TOPICS.order,
  ItemsReserved: TOPICS.inventory,
  ItemsReservationFailed: TOPICS.inventory,
  ItemsReleased: TOPICS.inventory,
  PaymentAuthorized: TOPICS.payment,
  PaymentFailed: TOPICS.payment,
  PaymentVoided: TOPICS.payment,
  RestaurantAccepted: TOPICS.restaurant,
  RestaurantRejected: TOPICS.restaurant,
  RestaurantReady: TOPICS.restaurant,
};

/** Contract version of every payload; bump when a payload changes incompatibly. */
export const EVENT_VERSION = 1;

export type Producer = "gateway" | "inventory" | "payment" | "restaurant";

export interface Envelope<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  readonly version: number;
  readonly orderId: string;
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly producer: Producer;
  readonly payload: EventMap[T];
}

/** Any event, discriminated by `type`. */
export type AnyEnvelope = { [K in EventType]: Envelope<K> }[EventType];

const EnvelopeShape = z.object({
  id: z.uuid(),
  type: z.string(),
  version: z.number().int().positive(),
  orderId: z.uuid(),
  occurredAt: Timestamp,
  correlationId: z.uuid(),
  causationId: z.uuid().nullable(),
  producer: z.enum(["gateway", "inventory", "payment", "restaurant"]),
  payload: z.unknown(),
});

export interface NewEventMeta {
  readonly orderId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly producer: Producer;
  readonly occurredAt?: Date;
  readonly id?: string;
}

/** Builds an envelope; the payload is validated so a producer cannot emit what consumers refuse. */
export function createEvent<T extends EventType>(
  type: T,
  payload: EventMap[T],
  meta: NewEventMeta,
): Envelope<T> {
  const checked = PAYLOADS[type].parse(payload) as EventMap[T];
  return {
    id: meta.id ?? crypto.randomUUID(),
    type,
    version: EVENT_VERSION,
    orderId: meta.orderId,
    occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    producer: meta.producer,
    payload: checked,
  };
}

/** Metadata for an event that reacts to `cause`: same order and correlation, caused by it. */
export function reactionTo(cause: Envelope, producer: Producer): NewEventMeta {
  return { orderId: cause.orderId, correlationId: cause.correlationId, causationId: cause.id, producer };
}

export type DecodeFailure =
  | "BAD_JSON"
  | "INVALID_ENVELOPE"
  | "UNKNOWN_TYPE"
  | "UNSUPPORTED_VERSION"
  | "INVALID_PAYLOAD";

export type DecodeResult =
  | { readonly ok: true; readonly event: AnyEnvelope }
  | {
      readonly ok: false;
      readonly reason: DecodeFailure;
      readonly message: string;
      readonly eventId?: string;
    };

function issues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

/** Decodes a Kafka message value. Never throws: a failure is a poison message, not a crash. */
export function decodeEvent(value: Buffer | string | null): DecodeResult {
  if (value === null) return { ok: false, reason: "BAD_JSON", message: "message has no value" };
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === "string" ? value : value.toString("utf8"));
  } catch (err) {
    return { ok: false, reason: "BAD_JSON", message: `value is not JSON: ${(err as Error).message}` };
  }
  const env = EnvelopeShape.safeParse(raw);
  if (!env.success) return { ok: false, reason: "INVALID_ENVELOPE", message: issues(env.error) };
  const { type, version, id } = env.data;
  if (!(type in PAYLOADS)) {
    return {
      ok: false,
      reason: "UNKNOWN_TYPE",
      message: `unknown event type ${JSON.stringify(type)}`,
      eventId: id,
    };
  }
  if (version !== EVENT_VERSION) {
    return {
      ok: false,
      reason: "UNSUPPORTED_VERSION",
      message: `${type} v${version} is not supported`,
      eventId: id,
    };
  }
  const payload = PAYLOADS[type as EventType].safeParse(env.data.payload);
  if (!payload.success) {
    return {
      ok: false,
      reason: "INVALID_PAYLOAD",
      message: `${type}: ${issues(payload.error)}`,
      eventId: id,
    };
  }
  return { ok: true, event: { ...env.data, payload: payload.data } as AnyEnvelope };
}

export function encodeEvent(event: Envelope): string {
  return JSON.stringify(event);
}
