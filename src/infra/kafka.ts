/** kafkajs clients, configured once: logging routed to our logger, idempotent producers. */
import { type IHeaders, Kafka, logLevel as KafkaLogLevel, type LogEntry, type Producer } from "kafkajs";
import type { Config } from "../config.ts";
import type { Logger } from "./log.ts";

let timerWarningFiltered = false;

/**
 * kafkajs computes some timer delays from a far-future timestamp; Bun reports each as a
 * TimeoutNegativeWarning (and clamps it to 1 ms, which is what kafkajs wants). Drop that one
 * warning; every other warning still reaches the default listeners.
 */
export function filterKafkajsTimerWarning(): void {
  if (timerWarningFiltered) return;
  timerWarningFiltered = true;
  const defaults = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (warning.name === "TimeoutNegativeWarning") return;
    for (const listener of defaults) listener(warning);
  });
}

export function createKafka(config: Pick<Config, "kafkaBrokers">, clientId: string, log?: Logger): Kafka {
  filterKafkajsTimerWarning();
  return new Kafka({
    clientId,
    brokers: [...config.kafkaBrokers],
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!log) return;
      const { message, ...rest } = entry.log;
      // kafkajs logs every rebalance and retried request at ERROR; WARN keeps the signal readable.
      const fields = { ns: entry.namespace, ...pickFields(rest) };
      if (entry.level <= KafkaLogLevel.ERROR) log.warn(`kafka: ${message}`, fields);
      else log.debug(`kafka: ${message}`, fields);
    },
  });
}

function pickFields(rest: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ["error", "groupId", "topic", "partition", "broker"]) {
    if (rest[k] !== undefined) out[k] = rest[k];
  }
  return out;
}

/**
 * An idempotent producer: the broker de-duplicates retried batches. kafkajs requires acks=-1
 * (set on each send) and at most one request in flight for this.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

// kafkajs warns once per process about its partitioner change; the default (murmur2) is what we want.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = "1";

/** Kafka message headers as text (values arrive as Buffers, strings or arrays of them). */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => x.toString()).join(",") : v.toString();
  }
  return out;
}
