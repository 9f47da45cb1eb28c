/**
 * One process, any set of roles: opens the shared clients once, starts each role, and stops
 * them in reverse order. `saga-cli run <role>` and `saga-cli up` are thin layers over this.
 */
import type { Config } from "../config.ts";
import { type Clock, systemClock } from "../core/clock.ts";
import { connectDb } from "../infra/db/client.ts";
import { createKafka } from "../infra/kafka.ts";
import type { Logger } from "../infra/log.ts";
import { connectRedis } from "../infra/redis.ts";
import { startGateway } from "./gateway/index.ts";
import { startGatewayTracker } from "./gateway/tracker.ts";
import { startInventory } from "./inventory/index.ts";
import { startPayment } from "./payment/index.ts";
import { requireDatabase, requireKafka } from "./preflight.ts";
import { startRestaurant } from "./restaurant/index.ts";
import { type Role, type RoleContext, type RoleName, createDlq } from "./runtime.ts";

export interface RunOptions {
  readonly log: Logger;
  readonly clock?: Clock;
  /** Gateway HTTP port (0 = any free port). */
  readonly port?: number;
  /** Called when a component fails beyond repair; the default stops everything and exits 1. */
  readonly onFatal?: (err: unknown) => void;
}

export interface RunningRoles {
  readonly roles: readonly Role[];
  readonly ctx: RoleContext;
  /** The gateway's bound HTTP port, when the gateway runs here. */
  readonly httpPort: number | undefined;
  stop(): Promise<void>;
}

const STARTERS: Record<Exclude<RoleName, "gateway">, (ctx: RoleContext) => Promise<Role>> = {
  inventory: startInventory,
  payment: startPayment,
  restaurant: startRestaurant,
};

export interface RoleClientsOptions {
  readonly log: Logger;
  readonly clock?: Clock;
  /** Kafka client id and Postgres application name. */
  readonly name: string;
  /** Postgres pool size. */
  readonly poolMax: number;
  readonly onFatal: (err: unknown) => void;
}

export interface RoleClients {
  readonly ctx: RoleContext;
  /** Closes every client (stop the roles first). */
  close(): Promise<void>;
}

/**
 * The clients one process's roles share — one Postgres pool, one Kafka client, one Redis
 * connection, one DLQ producer — after checking (in one line each) that the stack is there.
 * `startRoles` and the integration tests build their contexts here, so tests run what ships.
 */
export async function openRoleClients(config: Config, opts: RoleClientsOptions): Promise<RoleClients> {
  const sql = connectDb(config, { max: opts.poolMax, applicationName: `saga-cli ${opts.name}` });
  try {
    await requireDatabase(sql, config);
    await requireKafka(config);
  } catch (err) {
    await sql.end({ timeout: 1 });
    throw err;
  }
  const kafka = createKafka(config, `saga-${opts.name}`, opts.log.child("kafka"));
  const redis = connectRedis(config, opts.log.child("redis"));
  const dlq = await createDlq(kafka, config);
  const ctx: RoleContext = {
    config,
    sql,
    kafka,
    redis,
    log: opts.log,
    clock: opts.clock ?? systemClock,
    instanceId: `${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
    dlq: dlq.dlq,
    onFatal: opts.onFatal,
  };
  return {
    ctx,
    close: async () => {
      await dlq.close().catch(() => {});
      redis.disconnect();
      await sql.end({ timeout: 5 });
    },
  };
}

export async function startRoles(
  config: Config,
  names: readonly RoleName[],
  opts: RunOptions,
): Promise<RunningRoles> {
  const log = opts.log;
  let stopping: Promise<void> | undefined;
  const roles: Role[] = [];
  const stop = () => {
    stopping ??= (async () => {
      for (const role of [...roles].reverse()) {
        await role
          .stop()
          .catch((err) => log.error("role did not stop cleanly", { role: role.name, error: err }));
      }
      await clients.close();
    })();
    return stopping;
  };
  const clients = await openRoleClients(config, {
    log,
    clock: opts.clock,
    name: names.join("+"),
    poolMax: 6 + 6 * names.length,
    onFatal:
      opts.onFatal ??
      ((err) =>
        void stop()
          .finally(() => process.exit(1))
          .catch(() => err)),
  });
  const { ctx } = clients;
  let httpPort: number | undefined;
  try {
    for (const name of names) {
      if (name === "gateway") {
        const gw = await startGateway(ctx, { port: opts.port ?? config.httpPort });
        httpPort = gw.port;
        roles.push(gw.role, await startGatewayTracker(ctx));
      } else {
        roles.push(await STARTERS[name](ctx));
      }
      log.info(`${name} started`, name === "gateway" ? { port: httpPort } : undefined);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { roles, ctx, httpPort, stop };
}
