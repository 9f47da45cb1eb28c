/**
 * What every integration test shares: its own database, topics, Redis prefix and config, a
 * RoleContext over real clients, and cleanup that honours KEEP_TEST_STATE=1.
 *
 * Typical use:
 *
 *   let stack: TestStack;
 *   beforeAll(async () => { stack = await createTestStack(); });
 *   afterAll(() => stack.cleanup());
 *   …
 *   const { ctx, close } = await createTestRoleContext(stack.config);
 */
import { type Config, type ConfigOverrides, loadConfig } from "../../src/config.ts";
import { type Logger, createLogger } from "../../src/infra/log.ts";
import { openRoleClients } from "../../src/services/process.ts";
import type { RoleContext } from "../../src/services/runtime.ts";
import { type TestDatabase, createTestDatabase, randomId } from "./database.ts";
import { createTestTopics, deleteTestTopics } from "./kafka.ts";

export {
  type TestDatabase,
  createTestDatabase,
  dropTestDatabase,
  randomId,
  testServerUrl,
} from "./database.ts";
export {
  type ReadMessage,
  type ReadTopicOptions,
  createTestTopics,
  deleteTestTopics,
  readTopic,
} from "./kafka.ts";

/** KEEP_TEST_STATE=1 keeps databases and topics after the run, for inspection. */
export function keepTestState(): boolean {
  return process.env.KEEP_TEST_STATE === "1";
}

// Only where the stack lives comes from the environment; nothing else a developer exported
// (an API key, a prefix, a time scale) may leak into a test.
const PASSED_ENV = [
  "KAFKA_BROKERS",
  "REDIS_URL",
  "SAGA_LOG_LEVEL",
  "SAGA_HOME",
  "SAGA_CACHE_DIR",
  "SAGA_KAFKA_VERSION",
];

/**
 * A config for one test file: unique topic prefix `t<random>.` and Redis prefix, any free
 * HTTP port, fast relay polling and consumer retries, log level warn (SAGA_LOG_LEVEL wins).
 * Pass `databaseUrl` (from createTestDatabase) and anything else to override.
 */
export function testConfig(overrides: ConfigOverrides = {}): Config {
  const env = Object.fromEntries(PASSED_ENV.map((k) => [k, process.env[k]]));
  const id = randomId(4);
  const { relay, consumer, ...rest } = overrides;
  return loadConfig(
    {
      topicPrefix: `t${id}.`,
      redisPrefix: `t${id}:`,
      httpPort: 0,
      logLevel: process.env.SAGA_LOG_LEVEL ? undefined : "warn",
      ...rest,
      relay: { pollIntervalMs: 50, ...relay },
      consumer: { backoffBaseMs: 10, backoffMaxMs: 200, ...consumer },
    },
    env,
  );
}

export interface TestStack {
  readonly db: TestDatabase;
  readonly config: Config;
  /** Drops the database and deletes the topics (unless KEEP_TEST_STATE=1: then prints what it kept). */
  cleanup(): Promise<void>;
}

/** A database plus topics plus a config pointing at both; `overrides` go into the config. */
export async function createTestStack(overrides: ConfigOverrides = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const config = testConfig({ databaseUrl: db.url, ...overrides });
  try {
    await createTestTopics(config);
  } catch (err) {
    await db.drop();
    throw err;
  }
  return {
    db,
    config,
    async cleanup() {
      if (keepTestState()) {
        await db.sql.end({ timeout: 5 });
        process.stderr.write(`KEEP_TEST_STATE: kept database ${db.name} and topics ${config.topicPrefix}*\n`);
        return;
      }
      await Promise.allSettled([db.drop(), deleteTestTopics(config)]).then((results) => {
        for (const r of results)
          if (r.status === "rejected") process.stderr.write(`test cleanup: ${String(r.reason)}\n`);
      });
    },
  };
}

export interface TestRoleContext {
  readonly ctx: RoleContext;
  /** Errors the roles reported as fatal (a test usually asserts this stays empty). */
  readonly fatal: unknown[];
  /** Closes every client the context opened (stop the roles first). */
  close(): Promise<void>;
}

/** A RoleContext over real clients for `config`, built exactly as `saga-cli run` builds one. */
export async function createTestRoleContext(config: Config, name = "test"): Promise<TestRoleContext> {
  const log: Logger = createLogger(config.logLevel, name);
  const fatal: unknown[] = [];
  const { ctx, close } = await openRoleClients(config, {
    log,
    name: `test-${name}-${randomId(3)}`,
    poolMax: 20,
    onFatal: (err) => {
      fatal.push(err);
      log.error("fatal", { error: err });
    },
  });
  return { ctx, fatal, close };
}

export interface WaitForOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What was awaited, for the failure message. */
  readonly what?: string;
}

/** Polls `fn` until it returns something other than undefined/false; throws after the timeout. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  opts: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline)
      throw new Error(
        `timed out after ${opts.timeoutMs ?? 15_000} ms waiting for ${opts.what ?? "a condition"}`,
      );
    await Bun.sleep(opts.intervalMs ?? 50);
  }
}

/**
 * A free TCP port for a server a test starts, below the kernel's ephemeral range (32768+): a port
 * the OS hands out for `listen(0)` can be taken by any outgoing connection before the server
 * binds it (or rebinds it after a restart), which makes tests flaky.
 */
export function freePort(): number {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      const s = Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } });
      s.stop(true);
      return port;
    } catch {
      // taken: try another
    }
  }
  throw new Error("no free port found in 20000–32000");
}
