/**
 * Postgres: use the server at DATABASE_URL when it answers; otherwise initdb a cluster into
 * `<stateDir>/postgres` and start it with pg_ctl on the URL's port. Postgres refuses to run as
 * root, so as root both run as the `postgres` user (via runuser/su) on directories it owns.
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
} from "node:fs";
import { dirname, join } from "node:path";
import postgres from "postgres";
import type { Config } from "../../config.ts";
import { errorMessage, SagaError, sqlState } from "../../errors.ts";
import { withDatabase } from "../db/client.ts";
import {
  assertSameAddress,
  type HostPort,
  isLocalHost,
  logPath,
  managedPid,
  pidNote,
  portOpen,
  removePid,
  servesHere,
  stopPid,
  tailFile,
  waitFor,
  writePid,
} from "./processes.ts";
import { type Progress, seconds } from "./progress.ts";
import { asUser, findPgBinaries, run, shellQuote, userIds } from "./tools.ts";
import { type ComponentStatus, type EnsureResult, probedStatus } from "./types.ts";

const NAME = "postgres";

export function postgresAddress(config: Pick<Config, "databaseUrl">): HostPort {
  const url = new URL(config.databaseUrl);
  return { host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", port: Number(url.port || 5432) };
}

function dataDir(config: Pick<Config, "stateDir">): string {
  return join(config.stateDir, "postgres");
}

export type PgProbe =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly error: string };

/**
 * Does the server answer? Asks the maintenance database `postgres`, since the target database
 * may not exist yet; falls back to the target when `postgres` is not there.
 */
export async function probePostgres(url: string, timeoutSec = 2): Promise<PgProbe> {
  const { host, port } = postgresAddress({ databaseUrl: url });
  if (!(await portOpen(host, port, timeoutSec * 1000))) return { ok: false, error: "connection refused" };
  const ask = async (target: string): Promise<string> => {
    const sql = postgres(target, { max: 1, connect_timeout: timeoutSec, onnotice: () => {} });
    try {
      const [row] = await sql<{ server_version: string }[]>`SHOW server_version`;
      return row?.server_version ?? "unknown";
    } finally {
      await sql.end({ timeout: 1 });
    }
  };
  try {
    return { ok: true, version: await ask(withDatabase(url, "postgres")) };
  } catch (err) {
    if (sqlState(err) !== "3D000") return { ok: false, error: errorMessage(err) };
    try {
      return { ok: true, version: await ask(url) };
    } catch (inner) {
      return { ok: false, error: errorMessage(inner) };
    }
  }
}

export async function ensurePostgres(config: Config, progress: Progress): Promise<EnsureResult> {
  const at = postgresAddress(config);
  const address = `${at.host}:${at.port}`;
  const ours = managedPid(config.stateDir, NAME, dataDir(config));
  assertSameAddress("Postgres", ours, address, config.stateDir);
  const probe = await probePostgres(config.databaseUrl);
  if (probe.ok) {
    progress.note(
      ours.pid !== undefined
        ? `Postgres: already running at ${address} (started by saga-cli, pid ${ours.pid})`
        : `Postgres: using the server already answering at ${address}`,
    );
    return { status: await postgresStatus(config), startedNow: false };
  }
  if (ours.pid !== undefined) {
    await waitForEarlier(config, ours.pid, address, progress);
    return { status: await postgresStatus(config), startedNow: false };
  }
  if (ours.stale) removePid(config.stateDir, NAME);
  await assertCanStart(at, address, probe.error);
  await startPostgres(config, at, progress);
  return { status: await postgresStatus(config), startedNow: true };
}

/** Started by an earlier `stack up` and perhaps still recovering: give it a moment. */
async function waitForEarlier(
  config: Config,
  pid: number,
  address: string,
  progress: Progress,
): Promise<void> {
  const step = progress.begin(`waiting for Postgres (pid ${pid}, started earlier)`);
  const ok = await waitFor(async () => (await probePostgres(config.databaseUrl)).ok, {
    timeoutMs: 30_000,
    intervalMs: 500,
    onTick: step.tick,
  });
  step.end(ok ? "ready" : "no answer");
  if (!ok)
    throw provisionFailed(
      `Postgres (pid ${pid}) does not answer at ${address}`,
      logPath(config.stateDir, NAME),
    );
}

async function assertCanStart(at: HostPort, address: string, why: string): Promise<void> {
  if (!isLocalHost(at.host)) {
    throw new SagaError("STACK_UNAVAILABLE", `Postgres at ${address} is unreachable (${why})`, {
      hint: "saga-cli only starts Postgres on this machine: point DATABASE_URL at 127.0.0.1 or start that server",
    });
  }
  if (await portOpen(at.host, at.port)) {
    throw new SagaError(
      "STACK_UNAVAILABLE",
      `Postgres at ${address} accepts connections but not ours: ${why}`,
      {
        hint: "check the user, password and database in DATABASE_URL (or free the port so saga-cli can start its own)",
      },
    );
  }
}

type Wrap = (command: string, args: readonly string[]) => [string, string[]];

/** As root: make our directories the postgres user's and run the binaries as that user. */
function prepareDirs(config: Config): Wrap {
  const data = dataDir(config);
  const runDir = join(config.stateDir, "run");
  const log = logPath(config.stateDir, NAME);
  // Only the data dir is private (Postgres insists); the others stay traversable for the postgres user.
  for (const dir of [config.stateDir, runDir, dirname(log)]) mkdirSync(dir, { recursive: true });
  mkdirSync(data, { recursive: true, mode: 0o700 });
  closeSync(openSync(log, "a"));
  if (process.getuid?.() !== 0) return (command, args) => [command, [...args]];
  const ids = userIds("postgres");
  if (!ids) {
    throw new SagaError(
      "STACK_PROVISION_FAILED",
      "Postgres refuses to run as root and there is no `postgres` user",
      {
        hint: "run saga-cli as a normal user, create the user (useradd -r -m postgres), or start a Postgres yourself",
      },
    );
  }
  for (const path of [data, runDir, log]) chownSync(path, ids.uid, ids.gid);
  const wrap: Wrap = (command, args) => asUser("postgres", command, args);
  assertReachable(config.stateDir, data, wrap);
  return wrap;
}

/**
 * The postgres user must traverse every directory above the data dir. The state dir is ours,
 * so it gets o+x (traverse, not list); a private ancestor (e.g. /root) is reported instead.
 */
function assertReachable(stateDir: string, data: string, wrap: Wrap): void {
  chmodSync(stateDir, statSync(stateDir).mode | 0o001);
  if (run(...wrap("test", ["-w", data])).status === 0) return;
  throw new SagaError(
    "STACK_PROVISION_FAILED",
    `the postgres user cannot reach ${data}: a parent directory is private`,
    {
      hint: "set SAGA_HOME to a directory the postgres user can traverse (e.g. under /tmp or /var/lib), or run as a normal user",
    },
  );
}

async function startPostgres(config: Config, at: HostPort, progress: Progress): Promise<void> {
  const bins = findPgBinaries();
  const wrap = prepareDirs(config);
  const data = dataDir(config);
  const log = logPath(config.stateDir, NAME);
  if (!existsSync(join(data, "PG_VERSION"))) {
    const user = decodeURIComponent(new URL(config.databaseUrl).username) || "postgres";
    const step = progress.begin(`initialising a Postgres cluster in ${data}`);
    const args = ["-D", data, "-A", "trust", "-U", user, "-E", "UTF8", "--no-sync"];
    checked(run(...wrap(bins.initdb, args)), "initdb", log);
    step.end("done");
  }
  const step = progress.begin(`starting Postgres on ${at.host}:${at.port}`);
  const started = Date.now();
  const serverOpts = ["-k", shellQuote(join(config.stateDir, "run")), "-p", String(at.port)];
  const options = [...serverOpts, "-c", `listen_addresses=${at.host}`].join(" ");
  const pgCtlArgs = ["-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"];
  checked(run(...wrap(bins.pgCtl, pgCtlArgs)), "pg_ctl start", log);
  const pid = Number.parseInt(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0] ?? "", 10);
  writePid(config.stateDir, NAME, pid, `${at.host}:${at.port}`);
  const ready = await waitFor(async () => (await probePostgres(config.databaseUrl)).ok, {
    timeoutMs: 30_000,
    intervalMs: 300,
    onTick: step.tick,
  });
  if (!ready) throw provisionFailed("Postgres started but does not accept connections", log);
  step.end(`ready in ${seconds(Date.now() - started)}`);
}

function checked(result: { status: number; output: string }, what: string, log: string): void {
  if (result.status !== 0) throw provisionFailed(`${what} failed: ${result.output.trim().slice(-600)}`, log);
}

function provisionFailed(message: string, log: string): SagaError {
  return new SagaError("STACK_PROVISION_FAILED", `${message}\nLast lines of ${log}:\n${tailFile(log, 10)}`, {
    hint: "as root the postgres user must be able to reach the state dir (SAGA_HOME); or start a Postgres yourself",
  });
}

export async function postgresStatus(config: Config): Promise<ComponentStatus> {
  const at = postgresAddress(config);
  const address = `${at.host}:${at.port}`;
  const found = managedPid(config.stateDir, NAME, dataDir(config));
  const ours = servesHere(found, address);
  const probe = await probePostgres(config.databaseUrl);
  return probedStatus(NAME, address, probe, { ours, pid: found.pid, note: pidNote(found, address) });
}

/** Stops the server `stack up` started, if any (fast shutdown: open sessions are ended). */
export async function stopPostgres(config: Config): Promise<number | undefined> {
  const ours = managedPid(config.stateDir, NAME, dataDir(config));
  if (ours.pid !== undefined) {
    await stopPid(ours.pid, { signal: "SIGINT", timeoutMs: 30_000, marker: dataDir(config) });
  }
  removePid(config.stateDir, NAME);
  return ours.pid;
}
