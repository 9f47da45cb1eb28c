/**
 * The one place that reads the environment. Everything else receives a frozen `Config`.
 *
 * Precedence: command-line flags (passed as `overrides`) → environment → defaults that point
 * at the local stack started by `saga-cli stack up`.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { SagaError } from "./errors.ts";

export interface Config {
  /** Kafka bootstrap brokers (KAFKA_BROKERS, comma-separated). */
  readonly kafkaBrokers: readonly string[];
  /** Prefix for every topic and consumer group name (SAGA_TOPIC_PREFIX); tests use it to isolate runs. */
  readonly topicPrefix: string;
  /** Partitions for each topic created by `stack up` (SAGA_TOPIC_PARTITIONS). */
  readonly topicPartitions: number;
  /** Postgres connection string (DATABASE_URL). */
  readonly databaseUrl: string;
  /** Redis connection string (REDIS_URL). */
  readonly redisUrl: string;
  /** Prefix for every Redis key (SAGA_REDIS_PREFIX). */
  readonly redisPrefix: string;
  /** Gateway HTTP port (SAGA_HTTP_PORT or PORT). */
  readonly httpPort: number;
  /** Gateway HTTP listen host (SAGA_HTTP_HOST). */
  readonly httpHost: string;
  /** When set, the gateway requires `X-API-Key` (SAGA_API_KEY). */
  readonly apiKey: string | undefined;
  /** Wall-clock milliseconds per simulated prep minute (SAGA_TIME_SCALE). */
  readonly timeScaleMsPerMinute: number;
  /** Probability in [0,1] that the mock payment processor declines a valid payment (SAGA_PAYMENT_FAILURE_RATE). */
  readonly paymentFailureRate: number;
  /** Simulated processor latency in ms (SAGA_PAYMENT_LATENCY_MS). */
  readonly paymentLatencyMs: number;
  /** Project-local state: PID files, logs, Kafka and fallback database data (SAGA_HOME). */
  readonly stateDir: string;
  /** Download cache for the Kafka broker jars, shared between checkouts (SAGA_CACHE_DIR). */
  readonly cacheDir: string;
  /** Apache Kafka version fetched from Maven Central (SAGA_KAFKA_VERSION). */
  readonly kafkaVersion: string;
  /** Outbox relay tuning. */
  readonly relay: {
    /** Rows claimed per transaction (SAGA_RELAY_BATCH). */
    readonly batchSize: number;
    /** Fallback poll when no NOTIFY arrives (SAGA_RELAY_POLL_MS). */
    readonly pollIntervalMs: number;
  };
  /** Consumer retry tuning. */
  readonly consumer: {
    /** Attempts before a transient failure is dead-lettered (SAGA_CONSUMER_MAX_ATTEMPTS). */
    readonly maxAttempts: number;
    /** First retry delay (SAGA_CONSUMER_BACKOFF_MS). */
    readonly backoffBaseMs: number;
    /** Retry delay cap (SAGA_CONSUMER_BACKOFF_MAX_MS). */
    readonly backoffMaxMs: number;
    /**
     * Kafka session timeout (SAGA_CONSUMER_SESSION_MS). A killed instance's partitions move to
     * the survivors after this long; shorter than kafkajs's 30 s so kill-and-restart recovers fast.
     */
    readonly sessionTimeoutMs: number;
  };
  /** debug | info | warn | error (SAGA_LOG_LEVEL). */
  readonly logLevel: LogLevel;
  /**
   * Set by `saga-cli up` on the roles it starts (SAGA_SUPERVISOR_PID): a role whose supervisor
   * is gone stops itself instead of running on as an orphan.
   */
  readonly supervisorPid: number | undefined;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export type ConfigOverrides = Partial<Omit<Config, "relay" | "consumer">> & {
  relay?: Partial<Config["relay"]>;
  consumer?: Partial<Config["consumer"]>;
};

/**
 * The repository root: config defaults keep state beside the checkout, not in the cwd. In the
 * compiled binary the sources live in Bun's virtual filesystem, so state goes beside the cwd.
 */
export const isCompiled = import.meta.dir.startsWith("/$bunfs");
export const projectRoot = isCompiled ? process.cwd() : resolve(import.meta.dir, "..");

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new SagaError("CONFIG_INVALID", `${name}=${raw} is not an integer ≥ ${min}`, {
      hint: `unset ${name} or give it a whole number`,
    });
  }
  return n;
}

function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new SagaError("CONFIG_INVALID", `${name}=${raw} is not a number in [${min}, ${max}]`, {
      hint: `unset ${name} or give it a number between ${min} and ${max}`,
    });
  }
  return n;
}

function str(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === "" ? fallback : raw;
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export function loadConfig(overrides: ConfigOverrides = {}, env: Env = process.env): Config {
  const logLevel = str(env, "SAGA_LOG_LEVEL", "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new SagaError(
      "CONFIG_INVALID",
      `SAGA_LOG_LEVEL=${logLevel} is not one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  const base: Config = {
    kafkaBrokers: str(env, "KAFKA_BROKERS", "127.0.0.1:9092")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    topicPrefix: str(env, "SAGA_TOPIC_PREFIX", ""),
    topicPartitions: int(env, "SAGA_TOPIC_PARTITIONS", 6, 1),
    databaseUrl: str(env, "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saga"),
    redisUrl: str(env, "REDIS_URL", "redis://127.0.0.1:6379"),
    redisPrefix: str(env, "SAGA_REDIS_PREFIX", "saga:"),
    httpPort: int(env, "SAGA_HTTP_PORT", int(env, "PORT", 8080, 0), 0),
    httpHost: str(env, "SAGA_HTTP_HOST", "127.0.0.1"),
    apiKey: env.SAGA_API_KEY || undefined,
    timeScaleMsPerMinute: num(env, "SAGA_TIME_SCALE", 100, 0, 60_000),
    paymentFailureRate: num(env, "SAGA_PAYMENT_FAILURE_RATE", 0, 0, 1),
    paymentLatencyMs: int(env, "SAGA_PAYMENT_LATENCY_MS", 2, 0),
    stateDir: resolve(str(env, "SAGA_HOME", join(projectRoot, ".saga"))),
    cacheDir: resolve(str(env, "SAGA_CACHE_DIR", join(homedir(), ".cache", "saga-cli"))),
    kafkaVersion: str(env, "SAGA_KAFKA_VERSION", "3.9.1"),
    relay: {
      batchSize: int(env, "SAGA_RELAY_BATCH", 200, 1),
      pollIntervalMs: int(env, "SAGA_RELAY_POLL_MS", 1000, 10),
    },
    consumer: {
      maxAttempts: int(env, "SAGA_CONSUMER_MAX_ATTEMPTS", 6, 1),
      backoffBaseMs: int(env, "SAGA_CONSUMER_BACKOFF_MS", 100, 0),
      backoffMaxMs: int(env, "SAGA_CONSUMER_BACKOFF_MAX_MS", 5000, 0),
      sessionTimeoutMs: int(env, "SAGA_CONSUMER_SESSION_MS", 10_000, 6000),
    },
    logLevel,
    supervisorPid: env.SAGA_SUPERVISOR_PID ? int(env, "SAGA_SUPERVISOR_PID", 0, 1) : undefined,
  };
  if (base.kafkaBrokers.length === 0) {
    throw new SagaError("CONFIG_INVALID", "KAFKA_BROKERS is empty", {
      hint: "e.g. KAFKA_BROKERS=127.0.0.1:9092",
    });
  }
  const { relay, consumer, ...rest } = overrides;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return deepFreeze({
    ...base,
    ...defined,
    relay: { ...base.relay, ...stripUndefined(relay) },
    consumer: { ...base.consumer, ...stripUndefined(consumer) },
  });
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
