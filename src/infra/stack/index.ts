/**
 * The local stack's public surface: bring it up (`ensureStack`), look at it (`stackStatus`),
 * stop what we started (`stopStack`) and wipe the saga's data (`resetStack`).
 */
import type { Config } from "../../config.ts";
import { SagaError } from "../../errors.ts";
import { databaseName } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { dropSchemas, ensureDatabase, migrateAndSeed, RESET_SCHEMAS } from "./database.ts";
import { composeDown, composeUp } from "./docker.ts";
import { ensureKafka, kafkaStatus, stopKafka } from "./kafka.ts";
import { probeKafka } from "./kafka-admin.ts";
import { ensurePostgres, postgresStatus, probePostgres, stopPostgres } from "./postgres.ts";
import { waitFor } from "./processes.ts";
import { type Progress, seconds, stderrProgress } from "./progress.ts";
import { clearRedisKeys, ensureRedis, probeRedis, redisStatus, stopRedis } from "./redis.ts";
import { deleteTopics, ensureTopics, listTopics, ourTopicNames } from "./topics.ts";
import type { ComponentName, ComponentStatus, StackStatus, StackUpReport, TopicStatus } from "./types.ts";

export { kafkaJarsCached } from "./kafka-dist.ts";
export { createProgress, type Progress, silentProgress, stderrProgress } from "./progress.ts";
export { deleteTopics, ensureTopics, listTopics } from "./topics.ts";
export type { ComponentName, ComponentStatus, StackStatus, StackUpReport, TopicStatus } from "./types.ts";

export interface StackOptions {
  /** Where progress lines go (default: stderr). */
  readonly progress?: Progress;
  /** Use docker compose instead of local binaries. */
  readonly docker?: boolean;
}

/**
 * Makes the whole stack answer: uses running servers, starts the missing ones, creates the
 * database and topics, migrates and seeds. Safe to call again: it then changes nothing.
 */
export async function ensureStack(
  config: Config,
  log: Logger,
  opts: StackOptions = {},
): Promise<StackUpReport> {
  const progress = opts.progress ?? stderrProgress;
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings[name] = Date.now() - started;
    }
  };
  if (opts.docker) {
    await timed("docker", () => composeUp(progress));
    await waitForExternalStack(config, progress);
  }
  // Kafka first: it is the step most likely to need a missing tool, so that fails fast.
  const kafka = await timed("kafka", () => ensureKafka(config, progress));
  const topics = await timed("topics", () => ensureTopics(config));
  progress.note(`topics: ${describeTopics(topics)}`);
  const pg = await timed("postgres", () => ensurePostgres(config, progress));
  const migrations = await timed("migrate", () => prepareDatabase(config, progress));
  const redis = await timed("redis", () => ensureRedis(config, progress));
  const results = [kafka, pg, redis];
  const report: StackUpReport = {
    components: results.map((r) => r.status),
    topics,
    missingTopics: [],
    downloaded: kafka.downloaded,
    startedNow: results.filter((r) => r.startedNow).map((r) => r.status.name),
    migrations,
    timings: kafka.readyMs === undefined ? timings : { ...timings, kafkaReady: kafka.readyMs },
  };
  log.debug("stack up", {
    startedNow: report.startedNow,
    downloaded: report.downloaded,
    timings: report.timings,
  });
  return report;
}

async function prepareDatabase(config: Config, progress: Progress): Promise<string[]> {
  if (await ensureDatabase(config))
    progress.note(`Postgres: created database ${databaseName(config.databaseUrl)}`);
  const applied = await migrateAndSeed(config);
  progress.note(
    `Postgres: ${applied.length ? `applied ${applied.join(", ")}` : "schema up to date"}; seed loaded`,
  );
  return applied;
}

function describeTopics(topics: readonly TopicStatus[]): string {
  return topics.map((t) => `${t.name}(${t.partitions}${t.created ? ", new" : ""})`).join(" ");
}

/** After `docker compose up -d`: the containers take a while; never fall back to local binaries. */
async function waitForExternalStack(config: Config, progress: Progress): Promise<void> {
  const step = progress.begin("waiting for the containers to answer");
  const started = Date.now();
  const ok = await waitFor(
    async () => {
      const [k, p, r] = await Promise.all([
        probeKafka(config.kafkaBrokers, 2000),
        probePostgres(config.databaseUrl),
        probeRedis(config.redisUrl),
      ]);
      return k.ok && p.ok && r.ok;
    },
    { timeoutMs: 120_000, intervalMs: 1000, onTick: step.tick },
  );
  step.end(ok ? `ready in ${seconds(Date.now() - started)}` : "timed out");
  if (!ok) {
    throw new SagaError("STACK_UNAVAILABLE", "the docker compose stack did not answer within 120s", {
      hint: "inspect it with `docker compose ps` and `docker compose logs`",
    });
  }
}

/** Every component's state and our topics. Never throws for a component that is down. */
export async function stackStatus(config: Config): Promise<StackStatus> {
  const components = await Promise.all([kafkaStatus(config), postgresStatus(config), redisStatus(config)]);
  const kafkaUp = components[0]?.up === true;
  if (!kafkaUp) return { components, topics: [], missingTopics: ourTopicNames(config.topicPrefix) };
  try {
    const listing = await listTopics(config);
    return { components, topics: listing.topics, missingTopics: listing.missing };
  } catch {
    return { components, topics: [], missingTopics: ourTopicNames(config.topicPrefix) };
  }
}

export interface StopReport {
  /** Processes `stack up` had started, now stopped. */
  readonly stopped: readonly { readonly name: ComponentName; readonly pid: number }[];
}

/** Stops only what `stack up` started (by the PIDs in its PID files); external servers are untouched. */
export async function stopStack(config: Config, opts: StackOptions = {}): Promise<StopReport> {
  const progress = opts.progress ?? stderrProgress;
  if (opts.docker) await composeDown(progress);
  const stops: [ComponentName, (c: Config) => Promise<number | undefined>][] = [
    ["kafka", stopKafka],
    ["postgres", stopPostgres],
    ["redis", stopRedis],
  ];
  const results = await Promise.all(
    stops.map(async ([name, stop]) => {
      const pid = await stop(config);
      if (pid !== undefined) progress.note(`stopped ${name} (pid ${pid})`);
      return { name, pid };
    }),
  );
  const stopped = results.flatMap((r) => (r.pid === undefined ? [] : [{ name: r.name, pid: r.pid }]));
  if (stopped.length === 0)
    progress.note("nothing to stop: saga-cli has no running processes in this state dir");
  return { stopped };
}

/** What `stack reset` does, for the confirmation message. */
export function resetPlan(config: Config): string[] {
  return [
    `drop schemas ${RESET_SCHEMAS.join(", ")} in database ${databaseName(config.databaseUrl)} (all saga data)`,
    `delete and recreate topics ${ourTopicNames(config.topicPrefix).join(", ")} (${config.topicPartitions} partitions)`,
    config.redisPrefix ? `delete Redis keys ${config.redisPrefix}*` : "leave Redis alone (no key prefix set)",
    "migrate and seed again",
  ];
}

export interface ResetReport {
  readonly schemasDropped: readonly string[];
  readonly topicsDeleted: readonly string[];
  readonly topics: readonly TopicStatus[];
  readonly migrations: readonly string[];
  readonly redisKeysDeleted: number;
}

/** Empties the saga: schemas, topics and cache, then migrates and seeds. Needs a running stack. */
export async function resetStack(config: Config, opts: StackOptions = {}): Promise<ResetReport> {
  const progress = opts.progress ?? stderrProgress;
  await requireUp(config);
  const schemasDropped = await dropSchemas(config);
  progress.note(`dropped schemas ${schemasDropped.join(", ")}`);
  const topicsDeleted = await deleteTopics(config, config.topicPrefix);
  progress.note(topicsDeleted.length ? `deleted topics ${topicsDeleted.join(", ")}` : "no topics to delete");
  const topics = await ensureTopics(config);
  progress.note(`topics: ${describeTopics(topics)}`);
  const redisKeysDeleted = await clearRedisKeys(config);
  progress.note(
    `deleted ${redisKeysDeleted} Redis key(s) under ${config.redisPrefix || "(no prefix: skipped)"}`,
  );
  const migrations = await migrateAndSeed(config);
  progress.note(`applied ${migrations.join(", ") || "no migrations"}; seed loaded`);
  return { schemasDropped, topicsDeleted, topics, migrations, redisKeysDeleted };
}

async function requireUp(config: Config): Promise<void> {
  const status = await stackStatus(config);
  const down = status.components.filter((c: ComponentStatus) => !c.up);
  if (down.length > 0) {
    throw new SagaError(
      "STACK_UNAVAILABLE",
      `cannot reset: ${down.map((c) => `${c.name} at ${c.address}`).join(", ")} down`,
      {
        hint: "start the stack first: `saga-cli stack up`",
      },
    );
  }
}
