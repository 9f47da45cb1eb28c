/**
 * The machine's tools that `stack up` relies on, each found once with a MISSING_TOOL error that
 * names the Debian package to install (or Docker as the alternative).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SagaError } from "../../errors.ts";

const DOCKER_ALTERNATIVE = "or, with Docker, run `saga-cli stack up --docker`";

function missing(tool: string, why: string, aptPackage: string): SagaError {
  return new SagaError("MISSING_TOOL", `${tool} not found on PATH: ${why}`, {
    hint: `install it (apt-get install -y ${aptPackage}), ${DOCKER_ALTERNATIVE}`,
  });
}

export interface CommandResult {
  readonly status: number;
  readonly output: string;
}

/** Runs a short command to completion, stdout and stderr together. */
export function run(command: string, args: readonly string[], opts: { cwd?: string } = {}): CommandResult {
  const r = spawnSync(command, [...args], { cwd: opts.cwd, encoding: "utf8" });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? r.error.message : ""}`;
  return { status: r.status ?? 1, output };
}

export interface JavaInfo {
  readonly path: string;
  readonly major: number;
}

/** Java 11+ (Kafka 3.9's minimum; 17 is what it is tested with). */
export function requireJava(): JavaInfo {
  const path = Bun.which("java");
  if (!path) throw missing("java", "the Kafka broker needs a Java 17 runtime", "openjdk-17-jre-headless");
  const { output } = run(path, ["-version"]);
  const m = /version "(?:1\.)?(\d+)/.exec(output);
  const major = m?.[1] ? Number(m[1]) : 0;
  if (major < 11) {
    throw new SagaError("MISSING_TOOL", `java at ${path} is version ${major || "unknown"}; Kafka needs 11+`, {
      hint: `install a newer runtime (apt-get install -y openjdk-17-jre-headless), ${DOCKER_ALTERNATIVE}`,
    });
  }
  return { path, major };
}

/** Maven is needed once, to fetch the broker jars into the cache. */
export function requireMaven(): string {
  const path = Bun.which("mvn");
  if (!path) throw missing("mvn", "Maven fetches the Kafka broker jars (first run only)", "maven");
  if (run(path, ["-v"]).status !== 0) throw missing("mvn", "`mvn -v` failed", "maven");
  return path;
}

export function requireRedisServer(): string {
  const path = Bun.which("redis-server");
  if (!path)
    throw missing(
      "redis-server",
      "nothing answers at the Redis URL, so saga-cli would start one",
      "redis-server",
    );
  return path;
}

export interface PgBinaries {
  readonly initdb: string;
  readonly pgCtl: string;
}

/** The newest /usr/lib/postgresql/<major>/bin with initdb and pg_ctl, else whatever is on PATH. */
export function findPgBinaries(): PgBinaries {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const bin = join(root, major, "bin");
    const initdb = join(bin, "initdb");
    const pgCtl = join(bin, "pg_ctl");
    if (existsSync(initdb) && existsSync(pgCtl)) return { initdb, pgCtl };
  }
  const initdb = Bun.which("initdb");
  const pgCtl = Bun.which("pg_ctl");
  if (initdb && pgCtl) return { initdb, pgCtl };
  throw missing(
    "initdb/pg_ctl",
    "nothing answers at the Postgres URL, so saga-cli would start one",
    "postgresql",
  );
}

export interface UserIds {
  readonly uid: number;
  readonly gid: number;
}

export function userIds(user: string): UserIds | undefined {
  const uid = run("id", ["-u", user]);
  const gid = run("id", ["-g", user]);
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

/** Single-quotes a word for /bin/sh. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A command line that runs `command args` as `user`: `runuser -u user --` when available,
 * else `su user -s /bin/sh -c '…'`.
 */
export function asUser(user: string, command: string, args: readonly string[]): [string, string[]] {
  const runuser = Bun.which("runuser");
  if (runuser) return [runuser, ["-u", user, "--", command, ...args]];
  const su = Bun.which("su");
  if (su) return [su, [user, "-s", "/bin/sh", "-c", [command, ...args].map(shellQuote).join(" ")]];
  throw new SagaError(
    "MISSING_TOOL",
    `cannot run ${command} as ${user}: neither runuser nor su is available`,
    {
      hint: `run saga-cli as a normal user, or install util-linux; ${DOCKER_ALTERNATIVE}`,
    },
  );
}

/** `docker compose` (plugin) or `docker-compose` (standalone), whichever works. */
export function requireCompose(): [string, string[]] {
  const docker = Bun.which("docker");
  if (docker && run(docker, ["compose", "version"]).status === 0) return [docker, ["compose"]];
  const standalone = Bun.which("docker-compose");
  if (standalone && run(standalone, ["version"]).status === 0) return [standalone, []];
  throw new SagaError(
    "MISSING_TOOL",
    "docker compose is not available (neither `docker compose` nor `docker-compose`)",
    {
      hint: "install Docker with the compose plugin, or run `saga-cli stack up` without --docker to use local binaries",
    },
  );
}
