/**
 * Collects a `Snapshot` on demand, keeping its clients open between collections.
 *
 * `collect()` never throws and is bounded in time: the three probes run first, in parallel,
 * each with a short timeout; a section whose source is down is marked down at once instead
 * of queueing another query behind a dead connection; every other section gets its own
 * timeout. Concurrent calls share one collection.
 */
import type { Admin, Kafka } from "kafkajs";
import type { Config } from "../../config.ts";
import { TOPICS, topicName } from "../../contracts/topics.ts";
import { type Sql, connectDb } from "../../infra/db/client.ts";
import { createKafka } from "../../infra/kafka.ts";
import { readTopicToEnd } from "../../infra/kafka-read.ts";
import type { Logger } from "../../infra/log.ts";
import { type RedisClient, connectRedis } from "../../infra/redis.ts";
import { createAdmin } from "../../infra/stack/kafka-admin.ts";
import { withTimeout } from "../../infra/stack/processes.ts";
import { queryFunnelCounts, queryLatency, queryOutbox, queryRestaurants } from "./db-sections.ts";
import { DlqTail } from "./dlq-tail.ts";
import { queryConsumerLag, queryDlqTotal, queryRoleGroups } from "./kafka-sections.ts";
import { latestFromValues } from "./kafka-shape.ts";
import { probeKafka, probePostgres, probeRedis } from "./probes.ts";
import {
  type TotalsSample,
  displayAddress,
  emptyHistory,
  pushHistory,
  ratesFromDeltas,
  shortError,
} from "./shape.ts";
import type { DlqData, Funnel, FunnelHistory, Section, Snapshot, StackHealth } from "./types.ts";

export interface CollectorOptions {
  readonly config: Config;
  readonly log?: Logger;
  /** "live" keeps a reader on dlq.events between collections; "once" reads it to the end while collecting. */
  readonly mode?: "live" | "once";
  /** Per probe (default 1000 ms). */
  readonly probeTimeoutMs?: number;
  /** Per section query (default 2500 ms). */
  readonly sectionTimeoutMs?: number;
  /** Latency percentiles cover orders placed this long ago (default 5 min). */
  readonly latencyWindowMs?: number;
  /** Newest DLQ entries kept (default 5). */
  readonly dlqKeep?: number;
}

export class SnapshotCollector {
  private readonly config: Config;
  private readonly probeTimeoutMs: number;
  private readonly sectionTimeoutMs: number;
  private readonly sql: Sql;
  private readonly redis: RedisClient;
  private redisError: string | null = null;
  private readonly kafka: Kafka;
  private adminReady: Promise<Admin> | null = null;
  private readonly tail: DlqTail | null;
  private previous: TotalsSample | null = null;
  private history: FunnelHistory = emptyHistory();
  private inFlight: Promise<Snapshot> | null = null;

  constructor(private readonly opts: CollectorOptions) {
    this.config = opts.config;
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 1000;
    this.sectionTimeoutMs = opts.sectionTimeoutMs ?? 2500;
    this.sql = connectDb(this.config, { max: 4, applicationName: "saga-cli dashboard" });
    this.redis = connectRedis(this.config, opts.log?.child("redis"));
    this.redis.on("error", (err: Error) => {
      this.redisError = shortError(err);
    });
    this.redis.on("ready", () => {
      this.redisError = null;
    });
    this.kafka = createKafka(this.config, "saga-cli-dashboard", opts.log?.child("kafka"));
    this.tail =
      opts.mode === "once"
        ? null
        : new DlqTail({
            kafka: this.kafka,
            topic: this.dlqTopic(),
            // Under the topic prefix, so a test's cleanup of its prefix removes a left-over group too.
            groupId: `${this.config.topicPrefix}saga-cli.dashboard.${crypto.randomUUID().slice(0, 8)}`,
            keep: opts.dlqKeep ?? 5,
            log: opts.log,
          });
  }

  collect(): Promise<Snapshot> {
    this.inFlight ??= this.run()
      .catch((err: unknown) => this.failed(err))
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  /** Stops the DLQ reader (deleting its group) and closes every client. */
  async close(): Promise<void> {
    await this.inFlight?.catch(() => {});
    await this.tail?.close();
    this.dropAdmin();
    this.redis.disconnect();
    await this.sql.end({ timeout: 2 }).catch(() => {});
  }

  private async run(): Promise<Snapshot> {
    const started = Date.now();
    const health = await this.probes();
    const pgDown = health.postgres.up ? null : `Postgres unreachable: ${health.postgres.error}`;
    const kafkaDown = health.kafka.up ? null : `Kafka unreachable: ${health.kafka.error}`;
    if (!kafkaDown) this.tail?.ensureStarted();
    const windowMs = this.opts.latencyWindowMs ?? 5 * 60_000;
    const [funnel, latency, outbox, restaurants, roles, consumerLag, dlq] = await Promise.all([
      this.section(pgDown, () => this.funnel(started)),
      this.section(pgDown, () => queryLatency(this.sql, windowMs)),
      this.section(pgDown, async () => ({ services: await queryOutbox(this.sql) })),
      this.section(pgDown, async () => ({ restaurants: await queryRestaurants(this.sql) })),
      this.kafkaSection(kafkaDown, async (admin) => ({ groups: await queryRoleGroups(admin, this.config) })),
      this.kafkaSection(kafkaDown, async (admin) => ({ groups: await queryConsumerLag(admin, this.config) })),
      this.dlqSection(kafkaDown),
    ]);
    return {
      version: 1,
      takenAt: new Date(started).toISOString(),
      collectMs: Date.now() - started,
      topicPrefix: this.config.topicPrefix,
      health,
      roles,
      funnel,
      latency,
      outbox,
      consumerLag,
      dlq,
      restaurants,
    };
  }

  private async probes(): Promise<StackHealth> {
    const t = this.probeTimeoutMs;
    const [postgres, redis, kafka] = await Promise.all([
      probePostgres(this.sql, displayAddress(this.config.databaseUrl), t),
      probeRedis(this.redis, displayAddress(this.config.redisUrl), t, () => this.redisError),
      probeKafka(() => this.admin(), this.config.kafkaBrokers.join(","), t),
    ]);
    if (!kafka.up) this.dropAdmin();
    return { postgres, redis, kafka };
  }

  private async section<T extends object>(
    down: string | null,
    read: () => Promise<T>,
    timeoutMs = this.sectionTimeoutMs,
  ): Promise<Section<T>> {
    if (down) return { ok: false, error: down };
    try {
      const data = await withTimeout(read(), timeoutMs, `no answer within ${timeoutMs} ms`);
      return { ok: true, ...data };
    } catch (err) {
      return { ok: false, error: shortError(err) };
    }
  }

  /** As `section`, and a Kafka failure discards the admin client so the next tick starts clean. */
  private async kafkaSection<T extends object>(
    down: string | null,
    read: (admin: Admin) => Promise<T>,
    timeoutMs?: number,
  ): Promise<Section<T>> {
    const result = await this.section(down, async () => read(await this.admin()), timeoutMs);
    if (!result.ok && !down) this.dropAdmin();
    return result;
  }

  private async funnel(atMs: number): Promise<Funnel> {
    const counts = await queryFunnelCounts(this.sql);
    const sample: TotalsSample = { totals: counts.totals, atMs };
    const rates = ratesFromDeltas(this.previous, sample);
    this.previous = sample;
    this.history = pushHistory(this.history, rates);
    return { ...counts, rates, history: this.history };
  }

  private dlqSection(down: string | null): Promise<Section<DlqData>> {
    const tail = this.tail;
    if (tail) {
      return this.kafkaSection(down, async (admin) => ({
        total: await queryDlqTotal(admin, this.config),
        latest: tail.latest(),
        readerError: tail.error(),
      }));
    }
    // --once: read the topic to its end now; a join of a new consumer group can take seconds.
    const keep = this.opts.dlqKeep ?? 5;
    const readMs = Math.max(this.sectionTimeoutMs, 10_000);
    return this.kafkaSection(
      down,
      async (admin) => {
        const total = await queryDlqTotal(admin, this.config);
        const messages = total === 0 ? [] : await readTopicToEnd(this.kafka, this.dlqTopic(), readMs);
        return {
          total,
          latest: latestFromValues(
            messages.map((m) => m.message.value),
            keep,
          ),
          readerError: null,
        };
      },
      readMs + this.sectionTimeoutMs,
    );
  }

  private admin(): Promise<Admin> {
    if (!this.adminReady) {
      const admin = createAdmin(this.config.kafkaBrokers, {
        connectionTimeoutMs: this.probeTimeoutMs,
        retries: 0,
      });
      const ready = admin.connect().then(() => admin);
      ready.catch(() => {
        if (this.adminReady === ready) this.dropAdmin();
        void admin.disconnect().catch(() => {});
      });
      this.adminReady = ready;
    }
    return this.adminReady;
  }

  private dropAdmin(): void {
    const ready = this.adminReady;
    this.adminReady = null;
    void ready?.then((admin) => admin.disconnect()).catch(() => {});
  }

  private dlqTopic(): string {
    return topicName(this.config.topicPrefix, TOPICS.dlq);
  }

  private failed(err: unknown): Snapshot {
    const error = `dashboard bug: ${shortError(err)}`;
    const down = { up: false, address: "", detail: null, error, latencyMs: null } as const;
    const section = { ok: false, error } as const;
    return {
      version: 1,
      takenAt: new Date().toISOString(),
      collectMs: 0,
      topicPrefix: this.config.topicPrefix,
      health: { postgres: down, redis: down, kafka: down },
      roles: section,
      funnel: section,
      latency: section,
      outbox: section,
      consumerLag: section,
      dlq: section,
      restaurants: section,
    };
  }
}
