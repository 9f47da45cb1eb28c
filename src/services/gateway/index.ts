/**
 * The gateway role: the HTTP API (Bun.serve) plus the gateway's own outbox relay.
 *
 * Parts start in order and stop in reverse: relay → readiness probes → HTTP. Stopping is
 * graceful: refuse new connections, let in-flight requests finish (bounded), then stop the
 * relay, which drains what those requests wrote.
 *
 * Status tracking (consuming the other services' events) is a separate role part
 * (`tracker.ts`), started beside this one; the HTTP code knows nothing of it.
 */
import { TOPICS, topicName } from "../../contracts/topics.ts";
import { SagaError, errorMessage } from "../../errors.ts";
import { type Role, type RoleContext, startRelay } from "../runtime.ts";
import { createGatewayHandler } from "./http.ts";
import { MAX_BODY_BYTES } from "./http-io.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { createReadiness } from "./readiness.ts";

export interface GatewayOptions {
  /** Listen port (default config.httpPort; 0 = any free port). */
  readonly port?: number;
  /** Listen host (default config.httpHost). */
  readonly host?: string;
  readonly maxBodyBytes?: number;
  /** How long a stop waits for in-flight requests before cutting connections (default 10 s). */
  readonly shutdownTimeoutMs?: number;
  /** Export process metrics (CPU, memory) on /metrics (default true). */
  readonly processMetrics?: boolean;
}

export interface RunningGateway {
  /** Stops the HTTP server and the relay (gracefully). */
  readonly role: Role;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
}

interface Part {
  readonly name: string;
  stop(): Promise<void>;
}

async function stopAll(ctx: RoleContext, parts: readonly Part[]): Promise<void> {
  for (const part of [...parts].reverse()) {
    await part
      .stop()
      .catch((err: unknown) =>
        ctx.log.warn(`gateway: stopping ${part.name} failed`, { error: errorMessage(err) }),
      );
  }
}

export async function startGateway(ctx: RoleContext, opts: GatewayOptions = {}): Promise<RunningGateway> {
  const parts: Part[] = [];
  try {
    const relay = await startRelay(ctx, "gateway");
    parts.push({ name: "relay", stop: relay.stop });
    const readiness = createReadiness({ sql: ctx.sql, kafka: ctx.kafka, redis: ctx.redis });
    parts.push({ name: "readiness", stop: () => readiness.close() });
    const log = ctx.log.child("http");
    const metrics = createGatewayMetrics({
      outboxLag: () => relay.relay.lag(),
      log,
      processMetrics: opts.processMetrics ?? true,
    });
    let shuttingDown = false;
    const handler = createGatewayHandler({
      sql: ctx.sql,
      log,
      metrics,
      readiness,
      orderTopic: topicName(ctx.config.topicPrefix, TOPICS.order),
      apiKey: ctx.config.apiKey,
      maxBodyBytes: opts.maxBodyBytes ?? MAX_BODY_BYTES,
      isShuttingDown: () => shuttingDown,
    });
    const http = listen(ctx, opts, handler);
    parts.push({
      name: "http",
      stop: async () => {
        shuttingDown = true;
        await http.stop(opts.shutdownTimeoutMs ?? 10_000);
      },
    });
    ctx.log.info("http listening", { url: http.url, apiKey: ctx.config.apiKey ? "required" : "off" });
    let stopping: Promise<void> | undefined;
    const role: Role = {
      name: "gateway",
      stop: () => {
        stopping ??= stopAll(ctx, parts).then(() => ctx.log.info("http stopped"));
        return stopping;
      },
    };
    return { role, port: http.port, url: http.url };
  } catch (err) {
    await stopAll(ctx, parts);
    throw err;
  }
}

interface Listening {
  readonly port: number;
  readonly url: string;
  stop(timeoutMs: number): Promise<void>;
}

function listen(
  ctx: RoleContext,
  opts: GatewayOptions,
  handler: (req: Request) => Promise<Response>,
): Listening {
  const port = opts.port ?? ctx.config.httpPort;
  const hostname = opts.host ?? ctx.config.httpHost;
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({ port, hostname, development: false, fetch: handler });
  } catch (err) {
    throw new SagaError("CONFIG_INVALID", `cannot listen on ${hostname}:${port}: ${errorMessage(err)}`, {
      cause: err,
      hint: "pick another port with --port (or SAGA_HTTP_PORT), or stop whatever holds this one",
    });
  }
  const boundPort = server.port ?? port;
  const shownHost = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    port: boundPort,
    url: `http://${shownHost}:${boundPort}`,
    async stop(timeoutMs) {
      // stop() refuses new connections and resolves once in-flight requests have been answered.
      const drained = server.stop().then(() => true);
      const timedOut = Bun.sleep(timeoutMs).then(() => false);
      if (!(await Promise.race([drained, timedOut]))) {
        ctx.log.warn("gateway: in-flight requests did not finish in time; closing connections", {
          timeoutMs,
        });
        await server.stop(true);
      }
    },
  };
}
