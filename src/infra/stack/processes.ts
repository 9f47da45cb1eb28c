/**
 * Processes that `stack up` starts: detached (own session, so they outlive the CLI), output
 * appended to `<stateDir>/logs/<name>.log`, PID in `<stateDir>/pids/<name>.pid`. `stack down`
 * signals exactly that PID — never a process found by name.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { dirname, join } from "node:path";
import { SagaError } from "../../errors.ts";

export function pidPath(stateDir: string, name: string): string {
  return join(stateDir, "pids", `${name}.pid`);
}

export function logPath(stateDir: string, name: string): string {
  return join(stateDir, "logs", `${name}.log`);
}

/** A PID file holds the PID and the host:port the process serves (so a changed URL is noticed). */
export function writePid(stateDir: string, name: string, pid: number, address: string): void {
  const path = pidPath(stateDir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${pid}\n${address}\n`);
}

export interface PidRecord {
  readonly pid: number;
  readonly address: string | undefined;
}

export function readPid(stateDir: string, name: string): PidRecord | undefined {
  const path = pidPath(stateDir, name);
  if (!existsSync(path)) return undefined;
  const [first, address] = readFileSync(path, "utf8").split("\n");
  const pid = Number.parseInt(first?.trim() ?? "", 10);
  return Number.isInteger(pid) && pid > 0 ? { pid, address: address?.trim() || undefined } : undefined;
}

export function removePid(stateDir: string, name: string): void {
  rmSync(pidPath(stateDir, name), { force: true });
}

/**
 * Alive, not a zombie, and (when `marker` is given) running a command line that contains it:
 * a PID file left by a crash may name a PID the kernel has since given to something else.
 */
export function isAlive(pid: number, marker?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user (e.g. postgres started via runuser).
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = readProc(pid, "stat");
  // A killed child of this very process stays a zombie until reaped: treat it as gone.
  if (stat && /^\d+ \(.*\) Z/.test(stat)) return false;
  if (!marker) return true;
  const cmdline = readProc(pid, "cmdline");
  return cmdline === undefined || cmdline.replaceAll("\0", " ").includes(marker);
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

export interface ManagedPid {
  /** The PID from the PID file, when that process is still ours and alive. */
  readonly pid: number | undefined;
  /** The host:port it was started on. */
  readonly address: string | undefined;
  /** A PID file existed but its process is gone. */
  readonly stale: boolean;
}

export function managedPid(stateDir: string, name: string, marker: string): ManagedPid {
  const record = readPid(stateDir, name);
  if (record === undefined) return { pid: undefined, address: undefined, stale: false };
  return isAlive(record.pid, marker)
    ? { pid: record.pid, address: record.address, stale: false }
    : { pid: undefined, address: undefined, stale: true };
}

/**
 * Our process from this state dir serves another address than the configuration names (the
 * URL changed since `stack up`): waiting for it or stopping it would both be wrong.
 */
export function assertSameAddress(
  component: string,
  ours: ManagedPid,
  address: string,
  stateDir: string,
): void {
  if (ours.pid === undefined || ours.address === undefined || ours.address === address) return;
  throw new SagaError(
    "STACK_PROVISION_FAILED",
    `saga-cli's ${component} from ${stateDir} (pid ${ours.pid}) serves ${ours.address}, but the configuration says ${address}`,
    { hint: "run `saga-cli stack down` first, or use another state dir (SAGA_HOME) for the new address" },
  );
}

/** Is our process (if any) the one serving `address`? */
export function servesHere(ours: ManagedPid, address: string): boolean {
  return ours.pid !== undefined && (ours.address === undefined || ours.address === address);
}

/** A status note about our PID file when it does not describe the server at `address`. */
export function pidNote(ours: ManagedPid, address: string): string {
  if (ours.stale) return " (stale PID file)";
  if (ours.pid !== undefined && !servesHere(ours, address))
    return ` (saga-cli's pid ${ours.pid} serves ${ours.address})`;
  return "";
}

export interface SpawnOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly logFile: string;
  readonly env?: Record<string, string | undefined>;
}

/** Starts a process in its own session with output appended to `logFile`; returns its PID. */
export function spawnDetached(opts: SpawnOptions): number {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  mkdirSync(opts.cwd, { recursive: true });
  const fd = openSync(opts.logFile, "a");
  try {
    const child = spawn(opts.command, [...opts.args], {
      cwd: opts.cwd,
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...process.env, ...opts.env },
    });
    if (child.pid === undefined) throw new Error(`could not start ${opts.command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export type StopOutcome = "stopped" | "killed" | "not-running";

/** Signals `pid`, waits up to `timeoutMs` for it to exit, then SIGKILLs it. */
export async function stopPid(
  pid: number,
  opts: { signal?: NodeJS.Signals; timeoutMs?: number; marker?: string } = {},
): Promise<StopOutcome> {
  if (!isAlive(pid, opts.marker)) return "not-running";
  try {
    process.kill(pid, opts.signal ?? "SIGTERM");
  } catch {
    return "not-running";
  }
  if (await waitFor(async () => !isAlive(pid), { timeoutMs: opts.timeoutMs ?? 20_000, intervalMs: 200 })) {
    return "stopped";
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return "stopped";
  }
  await waitFor(async () => !isAlive(pid), { timeoutMs: 5_000, intervalMs: 100 });
  return "killed";
}

/** Does anything accept TCP connections at host:port? */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Called once per attempt (progress dots). */
  readonly onTick?: () => void;
  /** Returns a reason to give up early (e.g. the process died). */
  readonly abort?: () => string | undefined;
}

/** Polls `check` until it returns true (→ true), the timeout passes or `abort` fires (→ false). */
export async function waitFor(check: () => Promise<boolean>, opts: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    if (opts.abort?.() !== undefined) return false;
    opts.onTick?.();
    await Bun.sleep(Math.min(opts.intervalMs, Math.max(0, deadline - Date.now())));
  }
  return check();
}

/** Rejects with `message` if `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last `lines` lines of a log file, for error messages. */
export function tailFile(path: string, lines = 15): string {
  if (!existsSync(path)) return "(no log written)";
  const text = readFileSync(path, "utf8").trimEnd();
  return text.split("\n").slice(-lines).join("\n");
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` (or `[v6]:port`); `fallbackPort` when the port is missing. */
export function parseHostPort(address: string, fallbackPort: number): HostPort {
  const m = /^\[(.+)\](?::(\d+))?$/.exec(address) ?? /^([^:]+)(?::(\d+))?$/.exec(address);
  if (!m) return { host: address, port: fallbackPort };
  return { host: m[1] ?? address, port: m[2] ? Number(m[2]) : fallbackPort };
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "0.0.0.0"]);

/** saga-cli only starts servers on this machine. */
export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host) || host.startsWith("127.");
}
