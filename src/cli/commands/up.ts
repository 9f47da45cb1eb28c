/**
 * `saga-cli up`: the one-command demo. Ensures the stack, starts every role as its own
 * supervised process, waits for the gateway, then opens the dashboard (or, without a terminal,
 * waits for Ctrl-C). Quitting stops the roles gracefully; the stack keeps running (`stack down`).
 */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { SagaError } from "../../errors.ts";
import { createLogger } from "../../infra/log.ts";
import { ensureStack } from "../../infra/stack/index.ts";
import { portOpen } from "../../infra/stack/processes.ts";
import { ROLE_NAMES } from "../../services/runtime.ts";
import { Supervisor, selfCommand } from "../supervisor.ts";
import { type RoleFlags, addRoleFlags, roleConfig } from "./run.ts";

interface UpFlags extends RoleFlags {
  dashboard: boolean;
  docker?: boolean;
}

/** Flags for the roles, passed on to each `saga-cli run` child. */
function childArgs(flags: RoleFlags): string[] {
  const out: string[] = [];
  if (flags.port !== undefined) out.push("--port", String(flags.port));
  if (flags.timeScale !== undefined) out.push("--time-scale", String(flags.timeScale));
  if (flags.paymentFailureRate !== undefined)
    out.push("--payment-failure-rate", String(flags.paymentFailureRate));
  if (flags.paymentLatency !== undefined) out.push("--payment-latency", String(flags.paymentLatency));
  return out;
}

async function waitForGateway(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await Bun.sleep(250);
  }
  throw new SagaError(
    "STACK_UNAVAILABLE",
    `the gateway did not answer at ${url} within ${timeoutMs / 1000}s`,
    {
      hint: "see .saga/logs/role-gateway.log (is the port taken? try --port)",
    },
  );
}

function runDashboardChild(): Promise<number> {
  const [cmd, ...args] = selfCommand();
  return new Promise((resolve) => {
    const child = spawn(cmd!, [...args, "dashboard"], { stdio: "inherit" });
    child.on("exit", (code) => resolve(code ?? 0));
  });
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

export function registerUpCommand(program: Command): void {
  addRoleFlags(
    program
      .command("up")
      .description("the one-command demo: stack up, every role as a supervised process, the live dashboard")
      .option("--no-dashboard", "don't open the dashboard; print where things are and wait for Ctrl-C")
      .option("--docker", "bring the stack up with docker compose instead of local binaries"),
  )
    .addHelpText(
      "after",
      "\nRoles log to .saga/logs/role-<role>.log and are restarted if they die (kill -9 one and watch).\nQuit the dashboard (q) or press Ctrl-C to stop the roles; `saga-cli stack down` stops the stack.",
    )
    .action(async (flags: UpFlags) => {
      const config = roleConfig(flags);
      const log = createLogger(config.logLevel, "up");
      if (await portOpen(config.httpHost, config.httpPort, 500)) {
        // Otherwise our gateway would crash-loop on EADDRINUSE while whatever holds the port answers.
        throw new SagaError(
          "INVALID_INPUT",
          `port ${config.httpPort} on ${config.httpHost} is already in use`,
          {
            hint: "is another `saga-cli up` or `run gateway` running? stop it, or pick another port with --port",
          },
        );
      }
      await ensureStack(config, log, { docker: flags.docker });
      const supervisor = new Supervisor(config, ROLE_NAMES, log, childArgs(flags));
      supervisor.start();
      const url = `http://${config.httpHost}:${config.httpPort}`;
      try {
        await waitForGateway(url, 60_000);
        const pids = supervisor.processes.map((p) => `${p.role}=${p.pid}`).join(" ");
        if (flags.dashboard && process.stdout.isTTY && process.stdin.isTTY) {
          process.stderr.write(`saga-cli: roles running (${pids}); opening the dashboard…\n`);
          await runDashboardChild();
        } else {
          process.stderr.write(
            `saga-cli: the saga is running — gateway ${url}, roles ${pids}, logs ${config.stateDir}/logs\n` +
              "  try: saga-cli order place · saga-cli dashboard · saga-cli check --wait · Ctrl-C to stop\n",
          );
          await waitForSignal();
        }
      } finally {
        process.stderr.write("saga-cli: stopping the roles (they drain their outboxes)…\n");
        await supervisor.stop();
      }
      process.exit(0);
    });
}
