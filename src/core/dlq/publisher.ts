/**
 * Publishes dead-letter entries straight to Kafka (acks=-1). Not through the outbox: a message
 * is often dead-lettered *because* Postgres is failing. If this publish fails too, the consumer
 * does not commit the offset and the message comes back.
 */
import type { Producer } from "kafkajs";
import { TOPICS, topicName } from "../../contracts/topics.ts";
import type { DlqEntry } from "./entry.ts";

export class DlqPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topicPrefix: string,
  ) {}

  async publish(entry: DlqEntry): Promise<void> {
    await this.producer.send({
      topic: topicName(this.topicPrefix, TOPICS.dlq),
      acks: -1,
      messages: [
        {
          key: entry.orderId ?? entry.origin.key ?? entry.id,
          value: JSON.stringify(entry),
          headers: {
            "dlq-id": entry.id,
            "dlq-error-code": entry.errorCode,
            "dlq-origin-topic": entry.origin.topic,
            "dlq-service": entry.service,
          },
        },
      ],
    });
  }
}
