/**
 * Runs each role as its own child process (`saga-cli run <role>`), restarts one that dies
 * unexpectedly (with backoff), and stops them all gracefully. Separate processes make the demo
 * honest: kill one with `kill -9 <pid>` and watch the saga recover.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, closeSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";
import { backoffDelay } from "../domain/backoff.ts";
import type { Logger } from "../infra/log.ts";
import type { RoleName } from "../services/runtime.ts";

export interface RoleProcess {
  readonly role: RoleName;
  pid: number | undefined;
  restarts: number;
  state: "starting" | "running" | "restarting" | "stopped";
  lastExit: string | undefined;
}

/** How to start this same program again: the compiled binary, or bun with the entry script. */
export function selfCommand(): string[] {
  const main = Bun.main;
  return main.startsWith("/$bunfs/") || main === process.execPath
    ? [process.execPath]
    : [process.execPath, main];
}

/** A role that ran this long before dying is restarted promptly again (its crash streak resets). */
const HEALTHY_RUN_MS = 30_000;

export class Supervisor {
  private readonly children = new Map<RoleName, ChildProcess>();
  private readonly streaks = new Map<RoleName, { count: number; startedAt: number }>();
  readonly processes: RoleProcess[];
  private stopping = false;

  constructor(
    private readonly config: Config,
    roles: readonly RoleName[],
    private readonly log: Logger,
    private readonly extraArgs: readonly string[] = [],
  ) {
    this.processes = roles.map((role) => ({
      role,
      pid: undefined,
      restarts: 0,
      state: "starting",
      lastExit: undefined,
    }));
  }

  logFile(role: RoleName): string {
    return join(this.config.stateDir, "logs", `role-${role}.log`);
  }

  start(): void {
    for (const p of this.processes) this.spawn(p);
  }

  private spawn(p: RoleProcess): void {
    const [cmd, ...args] = selfCommand();
    mkdirSync(join(this.config.stateDir, "logs"), { recursive: true });
    const fd = openSync(this.logFile(p.role), "a");
    const child = spawn(cmd!, [...args, "run", p.role, ...this.extraArgs], {
      stdio: ["ignore", fd, fd],
      // Own process group: Ctrl-C reaches `up` alone, which then stops each role once, in order.
      // If `up` itself dies, each role notices (SAGA_SUPERVISOR_PID) and stops on its own.
      detached: true,
      env: { ...process.env, SAGA_SUPERVISOR_PID: String(process.pid) },
    });
    closeSync(fd);
    p.pid = child.pid;
    p.state = "running";
    const streak = this.streaks.get(p.role) ?? { count: 0, startedAt: 0 };
    this.streaks.set(p.role, { count: streak.count, startedAt: Date.now() });
    this.children.set(p.role, child);
    child.on("exit", (code, signal) => {
      p.lastExit = signal ? `signal ${signal}` : `exit ${code}`;
      this.children.delete(p.role);
      if (this.stopping) {
        p.state = "stopped";
        return;
      }
      p.state = "restarting";
      p.restarts++;
      // Back off on a crash loop; a role that ran a while before dying is restarted promptly.
      const last = this.streaks.get(p.role) ?? { count: 0, startedAt: 0 };
      const count = Date.now() - last.startedAt > HEALTHY_RUN_MS ? 1 : last.count + 1;
      this.streaks.set(p.role, { count, startedAt: last.startedAt });
      const delay = backoffDelay(Math.min(count, 6), { baseMs: 500, maxMs: 10_000, jitter: 0.2 });
      this.log.warn(`${p.role} exited (${p.lastExit}); restarting`, {
        inMs: delay,
        log: this.logFile(p.role),
      });
      setTimeout(() => this.stopping || this.spawn(p), delay);
    });
  }

  /** SIGTERM every role (they drain their outboxes), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopping = true;
    const waits = [...this.children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    );
    await Promise.all(waits);
  }
}
