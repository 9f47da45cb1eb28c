/**
 * Files for the local broker under `<stateDir>/kafka/`: a KRaft combined-mode (broker and
 * controller in one process) server.properties, a log4j.properties that keeps the log small, and
 * the storage format step that a KRaft node needs exactly once.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config.ts";
import { SagaError } from "../../errors.ts";
import type { KafkaDist } from "./kafka-dist.ts";
import type { HostPort } from "./processes.ts";
import { run } from "./tools.ts";

export interface KafkaPaths {
  readonly dir: string;
  readonly dataDir: string;
  readonly serverProperties: string;
  readonly log4jProperties: string;
  /** The Kafka version this state dir's broker was last started with. */
  readonly versionFile: string;
}

export function kafkaPaths(config: Pick<Config, "stateDir">): KafkaPaths {
  const dir = join(config.stateDir, "kafka");
  return {
    dir,
    dataDir: join(dir, "data"),
    serverProperties: join(dir, "server.properties"),
    log4jProperties: join(dir, "log4j.properties"),
    versionFile: join(dir, "version"),
  };
}

/** The controller listens one port above the broker (9092 → 9093). */
export function serverProperties(broker: HostPort, dataDir: string): string {
  const controller = `${broker.host}:${broker.port + 1}`;
  const address = `${broker.host}:${broker.port}`;
  return [
    "# Written by `saga-cli stack up`; rewritten on every start.",
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${controller}`,
    `listeners=PLAINTEXT://${address},CONTROLLER://${controller}`,
    `advertised.listeners=PLAINTEXT://${address}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    `log.dirs=${dataDir}`,
    "num.partitions=6",
    "default.replication.factor=1",
    "offsets.topic.replication.factor=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    // Topics are created by `stack up` with explicit partition counts; a typo must not create one.
    "auto.create.topics.enable=false",
    "delete.topic.enable=true",
    // A development broker: keep a day of data, in small segments.
    "log.retention.hours=24",
    "log.segment.bytes=67108864",
    "",
  ].join("\n");
}

/** WARN and above to the console (our kafka.log), plus the one line that says the broker started. */
export const LOG4J_PROPERTIES = [
  "log4j.rootLogger=WARN, stdout",
  "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
  "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
  "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
  "log4j.logger.kafka.server.KafkaRaftServer=INFO",
  "log4j.logger.kafka.server.BrokerServer=INFO",
  "",
].join("\n");

export function writeKafkaConfig(config: Pick<Config, "stateDir">, broker: HostPort): KafkaPaths {
  const paths = kafkaPaths(config);
  mkdirSync(paths.dataDir, { recursive: true });
  writeFileSync(paths.serverProperties, serverProperties(broker, paths.dataDir));
  writeFileSync(paths.log4jProperties, LOG4J_PROPERTIES);
  return paths;
}

/** JVM arguments shared by the storage tool and the broker. */
export function jvmArgs(dist: KafkaDist, paths: KafkaPaths): string[] {
  return [
    "-cp",
    // The JVM expands `dir/*` itself; no shell involved.
    `${dist.libsDir}/*`,
    `-Dlog4j.configuration=file:${paths.log4jProperties}`,
    `-Dkafka.logs.dir=${paths.dir}`,
    "-Djava.awt.headless=true",
  ];
}

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 characters). */
export function randomClusterId(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * Formats the data dir for KRaft once. meta.properties marks a formatted dir; formatting again
 * would fail (and with a new cluster id would orphan the data).
 */
export function formatStorage(java: string, dist: KafkaDist, paths: KafkaPaths): boolean {
  if (existsSync(join(paths.dataDir, "meta.properties"))) return false;
  const args = [
    ...jvmArgs(dist, paths),
    "kafka.tools.StorageTool",
    "format",
    // `--opt=value`: a cluster id may start with "-" (base64url), which argparse would take for an option.
    `--cluster-id=${randomClusterId()}`,
    `--config=${paths.serverProperties}`,
  ];
  const r = run(java, args, { cwd: paths.dir });
  if (r.status !== 0) {
    throw new SagaError(
      "STACK_PROVISION_FAILED",
      `formatting Kafka storage failed: ${r.output.trim().slice(-800)}`,
      {
        hint: `remove ${paths.dataDir} and retry; if it persists, the jar cache may be damaged (delete ${dist.libsDir})`,
      },
    );
  }
  return true;
}

export function startedVersion(paths: KafkaPaths): string | undefined {
  return existsSync(paths.versionFile)
    ? readFileSync(paths.versionFile, "utf8").trim() || undefined
    : undefined;
}
