/** The inbox: which events this consumer has already applied. Written in the handler's transaction. */
import type { AnyEnvelope } from "../../contracts/events.ts";
import type { TxSql } from "../../infra/db/client.ts";
import type { MessageMeta } from "./dispatcher.ts";

/**
 * Records the event as handled. Returns false when it already was (a redelivery): the caller
 * then skips the handler. A concurrent duplicate blocks on the primary key until the first
 * transaction ends, then sees the conflict — so two deliveries never both apply.
 */
export async function claimInbox(tx: TxSql, schema: string, consumer: string, event: AnyEnvelope, meta: MessageMeta): Promise<boolean> {
  const rows = await tx`
    INSERT INTO ${tx(schema)}.inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
    VALUES (${consumer}, ${event.id}, ${event.type}, ${meta.topic}, ${meta.partition}, ${meta.offset})
    ON CONFLICT (consumer, event_id) DO NOTHING
    RETURNING event_id`;
  return rows.length === 1;
}
