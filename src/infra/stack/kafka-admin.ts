/**
 * Short-lived kafkajs admin clients for provisioning: quiet (a refused connection is an
 * expected answer here, not an error to log) and bounded in time.
 */
import { type Admin, Kafka, logLevel } from "kafkajs";
import { errorMessage } from "../../errors.ts";
import { filterKafkajsTimerWarning } from "../kafka.ts";
import { withTimeout } from "./processes.ts";

// Kept importable from here: test/support/kafka.ts uses it; the one definition is in ../kafka.ts.

export interface AdminOptions {
  /** Per-connection timeout. */
  readonly connectionTimeoutMs?: number;
  /** kafkajs retries for each request (0 for a probe). */
  readonly retries?: number;
}

export function createAdmin(brokers: readonly string[], opts: AdminOptions = {}): Admin {
  filterKafkajsTimerWarning();
  const kafka = new Kafka({
    clientId: "saga-cli-stack",
    brokers: [...brokers],
    connectionTimeout: opts.connectionTimeoutMs ?? 3000,
    requestTimeout: 30_000,
    retry: { retries: opts.retries ?? 5, initialRetryTime: 200 },
    logLevel: logLevel.NOTHING,
  });
  return kafka.admin();
}

/** Connects an admin client, runs `fn`, always disconnects. */
export async function withAdmin<T>(
  brokers: readonly string[],
  fn: (admin: Admin) => Promise<T>,
  opts: AdminOptions = {},
): Promise<T> {
  const admin = createAdmin(brokers, opts);
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export type KafkaProbe =
  | { readonly ok: true; readonly brokers: number; readonly clusterId: string }
  | { readonly ok: false; readonly error: string };

/** Does a Kafka cluster answer `describeCluster` at these brokers within `timeoutMs`? */
export async function probeKafka(brokers: readonly string[], timeoutMs = 3000): Promise<KafkaProbe> {
  try {
    const cluster = await withTimeout(
      withAdmin(brokers, (admin) => admin.describeCluster(), {
        connectionTimeoutMs: Math.min(timeoutMs, 1000),
        retries: 0,
      }),
      timeoutMs,
      `no answer within ${timeoutMs} ms`,
    );
    return { ok: true, brokers: cluster.brokers.length, clusterId: cluster.clusterId };
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  }
}
