/**
 * Redis: use the server at REDIS_URL when it answers PING; otherwise start redis-server on the
 * URL's port, in the foreground of its own session (daemonize no), with persistence off — the
 * cache is rebuilt from Postgres on a miss.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Redis from "ioredis";
import type { Config } from "../../config.ts";
import { errorMessage, SagaError } from "../../errors.ts";
import {
  assertSameAddress,
  type HostPort,
  isAlive,
  isLocalHost,
  logPath,
  managedPid,
  pidNote,
  portOpen,
  removePid,
  servesHere,
  spawnDetached,
  stopPid,
  tailFile,
  waitFor,
  writePid,
} from "./processes.ts";
import { type Progress, seconds } from "./progress.ts";
import { requireRedisServer } from "./tools.ts";
import { type ComponentStatus, type EnsureResult, probedStatus } from "./types.ts";

const NAME = "redis";
const MARKER = "redis-server";

export function redisAddress(config: Pick<Config, "redisUrl">): HostPort {
  const url = new URL(config.redisUrl);
  return { host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", port: Number(url.port || 6379) };
}

/** A client that fails fast instead of retrying forever (the ioredis default). */
function quickClient(url: string, timeoutMs: number): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on("error", () => {}); // reported through the rejected promise instead
  return client;
}

export type RedisProbe =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly error: string };

export async function probeRedis(url: string, timeoutMs = 1500): Promise<RedisProbe> {
  const client = quickClient(url, timeoutMs);
  try {
    await client.connect();
    await client.ping();
    const info = await client.info("server");
    return { ok: true, version: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown" };
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  } finally {
    client.disconnect();
  }
}

export async function ensureRedis(config: Config, progress: Progress): Promise<EnsureResult> {
  const at = redisAddress(config);
  const address = `${at.host}:${at.port}`;
  const ours = managedPid(config.stateDir, NAME, MARKER);
  assertSameAddress("Redis", ours, address, config.stateDir);
  const probe = await probeRedis(config.redisUrl);
  if (probe.ok) {
    progress.note(
      ours.pid !== undefined
        ? `Redis: already running at ${address} (started by saga-cli, pid ${ours.pid})`
        : `Redis: using the server already answering at ${address}`,
    );
    return { status: await redisStatus(config), startedNow: false };
  }
  if (ours.pid !== undefined) {
    await waitReady(config, ours.pid, progress, {
      label: `waiting for Redis (pid ${ours.pid})`,
      stopOnFailure: false,
    });
    return { status: await redisStatus(config), startedNow: false };
  }
  if (ours.stale) removePid(config.stateDir, NAME);
  await assertCanStart(at, address, probe.error);
  const pid = startRedis(config, at);
  await waitReady(config, pid, progress, { label: `starting Redis on ${address}`, stopOnFailure: true });
  return { status: await redisStatus(config), startedNow: true };
}

async function assertCanStart(at: HostPort, address: string, why: string): Promise<void> {
  if (!isLocalHost(at.host)) {
    throw new SagaError("STACK_UNAVAILABLE", `Redis at ${address} is unreachable (${why})`, {
      hint: "saga-cli only starts Redis on this machine: point REDIS_URL at 127.0.0.1 or start that server",
    });
  }
  if (await portOpen(at.host, at.port)) {
    throw new SagaError(
      "STACK_UNAVAILABLE",
      `something listens on ${address} but does not answer PING: ${why}`,
      {
        hint: "check the password in REDIS_URL, or free the port so saga-cli can start its own Redis",
      },
    );
  }
}

function startRedis(config: Config, at: HostPort): number {
  const server = requireRedisServer();
  const dir = join(config.stateDir, "redis");
  mkdirSync(dir, { recursive: true });
  const password = decodeURIComponent(new URL(config.redisUrl).password);
  const args = ["--port", String(at.port), "--bind", at.host, "--save", "", "--appendonly", "no"];
  args.push("--daemonize", "no", "--dir", dir, ...(password ? ["--requirepass", password] : []));
  const pid = spawnDetached({ command: server, args, cwd: dir, logFile: logPath(config.stateDir, NAME) });
  writePid(config.stateDir, NAME, pid, `${at.host}:${at.port}`);
  return pid;
}

async function waitReady(
  config: Config,
  pid: number,
  progress: Progress,
  opts: { label: string; stopOnFailure: boolean },
): Promise<void> {
  const step = progress.begin(opts.label);
  const started = Date.now();
  const ready = await waitFor(async () => (await probeRedis(config.redisUrl, 500)).ok, {
    timeoutMs: 15_000,
    intervalMs: 100,
    onTick: step.tick,
    // No marker here: we just spawned this PID, and until the child has exec'd, its cmdline is
    // still ours — a marker check would call a starting server "exited" (seen under CPU load).
    abort: () => (isAlive(pid) ? undefined : "exited"),
  });
  if (ready) {
    step.end(`ready in ${seconds(Date.now() - started)}`);
    return;
  }
  step.end("failed");
  const exited = !isAlive(pid);
  if (exited || opts.stopOnFailure) {
    if (!exited) await stopPid(pid, { marker: MARKER, timeoutMs: 5_000 });
    removePid(config.stateDir, NAME);
  }
  const log = logPath(config.stateDir, NAME);
  throw new SagaError(
    "STACK_PROVISION_FAILED",
    `Redis did not start. Last lines of ${log}:\n${tailFile(log, 10)}`,
    {
      hint: "fix the cause above and run `saga-cli stack up` again",
    },
  );
}

export async function redisStatus(config: Config): Promise<ComponentStatus> {
  const at = redisAddress(config);
  const address = `${at.host}:${at.port}`;
  const found = managedPid(config.stateDir, NAME, MARKER);
  const ours = servesHere(found, address);
  const probe = await probeRedis(config.redisUrl);
  return probedStatus(NAME, address, probe, { ours, pid: found.pid, note: pidNote(found, address) });
}

export async function stopRedis(config: Config): Promise<number | undefined> {
  const ours = managedPid(config.stateDir, NAME, MARKER);
  if (ours.pid !== undefined)
    await stopPid(ours.pid, { signal: "SIGTERM", timeoutMs: 10_000, marker: MARKER });
  removePid(config.stateDir, NAME);
  return ours.pid;
}

/** Deletes the keys under our prefix (the payment-method cache); `stack reset` uses it. */
export async function clearRedisKeys(config: Pick<Config, "redisUrl" | "redisPrefix">): Promise<number> {
  // An empty prefix would match every key of a possibly shared server.
  if (config.redisPrefix === "") return 0;
  const client = quickClient(config.redisUrl, 2000);
  try {
    await client.connect();
    let deleted = 0;
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${config.redisPrefix}*`, "COUNT", 500);
      if (keys.length > 0) deleted += await client.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
    return deleted;
  } finally {
    client.disconnect();
  }
}
