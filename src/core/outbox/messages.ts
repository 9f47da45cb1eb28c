/** How an outbox row becomes a Kafka message: key = orderId, value = envelope JSON, trace in headers. */
import type { OutboxRow } from "./queries.ts";

export interface OutgoingMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export function toKafkaMessage(row: OutboxRow): OutgoingMessage {
  const env = row.envelope;
  return {
    key: row.message_key,
    value: JSON.stringify(env),
    headers: {
      ...row.headers,
      "event-id": env.id,
      "event-type": env.type,
      "correlation-id": env.correlationId,
      ...(env.causationId ? { "causation-id": env.causationId } : {}),
      producer: env.producer,
    },
  };
}
