import { type Command, InvalidArgumentError, Option } from "commander";
import { loadConfig } from "../../config.ts";
import { SagaError } from "../../errors.ts";
import { createLogger } from "../../infra/log.ts";
import { startRoles } from "../../services/process.ts";
import { ROLE_NAMES, type RoleName } from "../../services/runtime.ts";

function parseNumber(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}]`);
    return n;
  };
}

export interface RoleFlags {
  port?: number;
  /** Gateway HTTP listen host (`saga-cli gateway --host`). */
  host?: string;
  timeScale?: number;
  paymentFailureRate?: number;
  paymentLatency?: number;
}

/** Flags shared by `run` and `up`: they override the environment for this process. */
export function addRoleFlags(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--port <n>", "gateway HTTP port (env SAGA_HTTP_PORT, default 8080)").argParser(
        parseNumber(0, 65535),
      ),
    )
    .addOption(
      new Option(
        "--time-scale <ms>",
        "wall-clock ms per simulated prep minute (env SAGA_TIME_SCALE, default 100)",
      ).argParser(parseNumber(0, 60_000)),
    )
    .addOption(
      new Option(
        "--payment-failure-rate <p>",
        "probability a valid payment is declined (default 0)",
      ).argParser(parseNumber(0, 1)),
    )
    .addOption(
      new Option("--payment-latency <ms>", "mock processor latency (default 2)").argParser(
        parseNumber(0, 60_000),
      ),
    );
}

export function roleConfig(flags: RoleFlags) {
  return loadConfig({
    httpPort: flags.port,
    httpHost: flags.host,
    timeScaleMsPerMinute: flags.timeScale,
    paymentFailureRate: flags.paymentFailureRate,
    paymentLatencyMs: flags.paymentLatency,
  });
}

export function parseRoles(arg: string): RoleName[] {
  if (arg === "all") return [...ROLE_NAMES];
  const names = arg.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!(ROLE_NAMES as readonly string[]).includes(n)) {
      throw new SagaError("INVALID_INPUT", `unknown role "${n}"`, {
        hint: `choose one of ${ROLE_NAMES.join(", ")}, all, or a comma-separated list`,
      });
    }
  }
  return names as RoleName[];
}

/** Under `saga-cli up`: stop (gracefully) when the supervisor is gone rather than run on as an orphan. */
function watchSupervisor(pid: number | undefined, stop: () => void): void {
  if (pid === undefined) return;
  const timer = setInterval(() => {
    let alive = process.ppid === pid;
    if (alive) {
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    if (!alive) {
      clearInterval(timer);
      stop();
    }
  }, 1000);
  timer.unref();
}

/** Runs roles in this process until SIGINT/SIGTERM, then stops them gracefully. */
export async function runUntilSignal(names: readonly RoleName[], flags: RoleFlags): Promise<void> {
  const config = roleConfig(flags);
  const log = createLogger(config.logLevel, names.length === ROLE_NAMES.length ? "all" : names.join("+"));
  const running = await startRoles(config, names, { log, port: flags.port });
  log.info("running; Ctrl-C to stop", {
    roles: names.join(","),
    ...(running.httpPort !== undefined ? { url: `http://${config.httpHost}:${running.httpPort}` } : {}),
  });
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        log.warn("second signal: exiting without a graceful stop");
        process.exit(130);
      }
      log.info(`${sig}: stopping (finishing in-flight work, flushing the outbox)`);
      running.stop().then(resolve, (err) => {
        log.error("stop failed", { error: err });
        resolve();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    watchSupervisor(config.supervisorPid, () => onSignal("SIGTERM"));
  });
  log.info("stopped");
}

export function registerRunCommand(program: Command): void {
  addRoleFlags(
    program
      .command("run")
      .argument("<role>", `${ROLE_NAMES.join(" | ")} | all (or a comma-separated list)`)
      .description(
        "run one role (or several) of the saga against the stack; run as many instances as you like",
      ),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  saga-cli run all                 every role in one process\n  saga-cli run inventory           one inventory instance (start more to share partitions)\n  saga-cli run gateway --port 8081",
    )
    .action(async (role: string, flags: RoleFlags) => {
      await runUntilSignal(parseRoles(role), flags);
      process.exit(0);
    });
}
