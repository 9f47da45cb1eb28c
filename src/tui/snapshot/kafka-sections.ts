/** The dashboard's reads of Kafka through one admin client: role groups, consumer lag, DLQ size. */
import type { Admin } from "kafkajs";
import type { Config } from "../../config.ts";
import { TOPICS, topicName } from "../../contracts/topics.ts";
import { ROLE_INPUTS, ROLE_NAMES, groupId } from "../../services/runtime.ts";
import { type TopicEnd, partitionLags, retainedCount, shapeGroupLag, shapeRoleGroup } from "./kafka-shape.ts";
import type { GroupLag, RoleGroup } from "./types.ts";

type Prefixed = Pick<Config, "topicPrefix">;

export async function queryBrokerCount(admin: Admin): Promise<number> {
  const cluster = await admin.describeCluster();
  return cluster.brokers.length;
}

export async function queryRoleGroups(admin: Admin, config: Prefixed): Promise<RoleGroup[]> {
  const ids = ROLE_NAMES.map((role) => groupId(config, role));
  const { groups } = await admin.describeGroups(ids);
  return ROLE_NAMES.map((role) => {
    const id = groupId(config, role);
    return shapeRoleGroup(
      role,
      id,
      groups.find((g) => g.groupId === id),
    );
  });
}

export async function queryConsumerLag(admin: Admin, config: Prefixed): Promise<GroupLag[]> {
  const topics = [...new Set(Object.values(ROLE_INPUTS).flat())].map((t) => topicName(config.topicPrefix, t));
  const ends = new Map<string, TopicEnd[]>(
    await Promise.all(topics.map(async (t) => [t, await admin.fetchTopicOffsets(t)] as const)),
  );
  return Promise.all(
    ROLE_NAMES.map(async (role) => {
      const id = groupId(config, role);
      const inputs = ROLE_INPUTS[role].map((t) => topicName(config.topicPrefix, t));
      const committed = await admin.fetchOffsets({ groupId: id, topics: inputs });
      const partitions = inputs.flatMap((topic) =>
        partitionLags(
          topic,
          ends.get(topic) ?? [],
          committed.find((c) => c.topic === topic)?.partitions ?? [],
        ),
      );
      return shapeGroupLag(role, id, partitions);
    }),
  );
}

export async function queryDlqTotal(admin: Admin, config: Prefixed): Promise<number> {
  return retainedCount(await admin.fetchTopicOffsets(topicName(config.topicPrefix, TOPICS.dlq)));
}
