import { type Command, InvalidArgumentError, Option } from "commander";
import { loadConfig } from "../../config.ts";
import { SagaError } from "../../errors.ts";
import { collectOnce, runLive } from "../../tui/run.tsx";
import { EXIT, formatError } from "../output.ts";

function intervalMs(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100 || n > 60_000)
    throw new InvalidArgumentError("expected milliseconds in [100, 60000]");
  return n;
}

const HELP = `
Panels: stack health and live role instances (consumer group members), the saga funnel with
rates and sparklines, decision/completion latency percentiles (orders placed in the last 5 min),
outbox lag per service, consumer lag per group and partition, the newest dead letters, and
restaurant load. Keys: q quit · tab / shift-tab move between panels · ↑/↓ (PgUp/PgDn) scroll.
It needs a terminal of at least 80×24; logs go to $SAGA_HOME/logs/dashboard.log while it runs.

A part of the stack that is down is shown in red and the rest keeps updating. In --once
output each section says {"ok": false, "error": …} when its source was unreachable.

Exit codes (--once): 0 a snapshot was printed, even if parts of the stack are down;
3 nothing answered (Postgres, Redis and Kafka all unreachable) — the snapshot is still printed
and one line on stderr says so; 2 bad usage.`;

export function registerDashboardCommand(program: Command): void {
  program
    .command("dashboard")
    .description(
      "live terminal dashboard of the saga: stack health, funnel, latency, outbox and consumer lag, DLQ",
    )
    .option("--once", "print one snapshot (text tables) and exit")
    .option("--json", "print one snapshot as JSON and exit (implies --once)")
    .addOption(
      new Option("--interval <ms>", "refresh interval of the live dashboard")
        .argParser(intervalMs)
        .default(1000),
    )
    .addHelpText("after", HELP)
    .action(async (opts: { once?: boolean; json?: boolean; interval: number }) => {
      const config = loadConfig();
      if (!opts.once && !opts.json) {
        await runLive(config, opts.interval);
        return;
      }
      const result = await collectOnce(config, opts.json === true);
      process.stdout.write(`${result.output}\n`);
      if (result.nothingReachable) {
        const { postgres, redis, kafka } = result.snapshot.health;
        const err = new SagaError(
          "STACK_UNAVAILABLE",
          `nothing is reachable: Postgres at ${postgres.address}, Redis at ${redis.address}, Kafka at ${kafka.address}`,
          {
            hint: "start the local stack with `saga-cli stack up` (or point DATABASE_URL, REDIS_URL, KAFKA_BROKERS at one)",
          },
        );
        process.stderr.write(`${formatError(err)}\n`);
        process.exitCode = EXIT.UNAVAILABLE;
      }
    });
}
