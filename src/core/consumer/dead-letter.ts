/** Builds the DLQ entry for a message a consumer gives up on. */
import type { EachMessagePayload } from "kafkajs";
import type { AnyEnvelope } from "../../contracts/events.ts";
import { headerStrings } from "../../infra/kafka.ts";
import { type DlqEntry, encodeValue } from "../dlq/entry.ts";

export interface DeadLetterInput {
  readonly payload: EachMessagePayload;
  readonly code: string;
  readonly message: string;
  readonly attempts: number;
  readonly event: AnyEnvelope | null;
  readonly groupId: string;
  readonly service: string;
  readonly now: Date;
}

export function buildDlqEntry(input: DeadLetterInput): DlqEntry {
  const { payload, event } = input;
  const { message } = payload;
  const headers = headerStrings(message.headers);
  return {
    id: crypto.randomUUID(),
    deadLetteredAt: input.now.toISOString(),
    consumerGroup: input.groupId,
    service: input.service,
    errorCode: input.code,
    errorMessage: input.message.slice(0, 2000),
    attempts: input.attempts,
    eventId: event?.id ?? headers["event-id"] ?? null,
    eventType: event?.type ?? headers["event-type"] ?? null,
    orderId: event?.orderId ?? null,
    origin: {
      topic: payload.topic,
      partition: payload.partition,
      offset: message.offset,
      timestamp: new Date(Number(message.timestamp)).toISOString(),
      key: message.key?.toString("utf8") ?? null,
      ...encodeValue(message.value),
      headers,
    },
  };
}
