/** The inbox: which events this consumer has already applied. Written in the handler's transaction. */
import type { AnyEnvelope } from "../../contracts/events.ts";
import type { TxSql } from "../../infra/db/client.ts";
import type { MessageMeta } from "./dispatcher.ts";

/**
 * Records the event as handled; resolves to false when it already was (a redelivery). A
 * concurrent duplicate blocks on the primary key until the first transaction ends, then sees
 * the conflict — so two deliveries never both apply.
 *
 * The insert is sent at once (`execute()`), not when awaited: the handler's first statements are
 * pipelined behind it on the same connection, saving a round trip per message. The caller awaits
 * the claim before committing and rolls back if it lost.
 */
export function claimInbox(
  tx: TxSql,
  schema: string,
  consumer: string,
  event: AnyEnvelope,
  meta: MessageMeta,
): Promise<boolean> {
  const query = tx`
    INSERT INTO ${tx(schema)}.inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
    VALUES (${consumer}, ${event.id}, ${event.type}, ${meta.topic}, ${meta.partition}, ${meta.offset})
    ON CONFLICT (consumer, event_id) DO NOTHING
    RETURNING event_id`.execute();
  return query.then((rows) => rows.length === 1);
}
