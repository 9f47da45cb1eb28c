/** Kafka topics: one per bounded context, plus the dead-letter queue. */
export const TOPICS = {
  order: "order.events",
  inventory: "inventory.events",
  payment: "payment.events",
  restaurant: "restaurant.events",
  dlq: "dlq.events",
} as const;

export type TopicKey = keyof typeof TOPICS;
export type BaseTopic = (typeof TOPICS)[TopicKey];

export const ALL_TOPICS: readonly BaseTopic[] = Object.values(TOPICS);

/** The real topic name for a base name under a prefix (tests isolate runs with a prefix). */
export function topicName(prefix: string, base: BaseTopic): string {
  return `${prefix}${base}`;
}

/** The base name of a real topic, or undefined if it is not one of ours under this prefix. */
export function baseTopic(prefix: string, topic: string): BaseTopic | undefined {
  if (!topic.startsWith(prefix)) return undefined;
  const base = topic.slice(prefix.length);
  return (ALL_TOPICS as readonly string[]).includes(base) ? (base as BaseTopic) : undefined;
}
