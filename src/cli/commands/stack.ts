/** `saga-cli stack up|down|status|reset`: the real local stack (Kafka KRaft, Postgres, Redis). */
import type { Command } from "commander";
import { type Config, loadConfig } from "../../config.ts";
import { createLogger } from "../../infra/log.ts";
import {
  type ComponentStatus,
  ensureStack,
  resetPlan,
  resetStack,
  type StackStatus,
  silentProgress,
  stackStatus,
  stderrProgress,
  stopStack,
} from "../../infra/stack/index.ts";
import { EXIT, table } from "../output.ts";

function managedBy(c: ComponentStatus): string {
  if (c.managedBy === "saga-cli") return `started by saga-cli (pid ${c.pid})`;
  return c.managedBy ?? "-";
}

export function renderStatus(status: StackStatus): string {
  const rows = status.components.map((c) => [
    c.name,
    c.up ? "up" : "DOWN",
    c.address,
    c.version ?? "-",
    managedBy(c),
    c.up ? "" : (c.detail ?? ""),
  ]);
  const parts = [table(["component", "state", "address", "version", "managed by", "note"], rows)];
  const topicRows = [
    ...status.topics.map((t) => [t.name, String(t.partitions)]),
    ...status.missingTopics.map((name) => [name, "missing"]),
  ];
  parts.push(table(["topic", "partitions"], topicRows));
  const down = status.components.filter((c) => !c.up);
  parts.push(
    down.length === 0
      ? `all ${status.components.length} components up`
      : `${down.length} of ${status.components.length} components DOWN (${down.map((c) => c.name).join(", ")}): run \`saga-cli stack up\``,
  );
  return `${parts.join("\n\n")}\n`;
}

/** JSON keeps every key (undefined → null) so scripts see a stable shape. */
function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(
    json ? `${JSON.stringify(value, (_key, v: unknown) => (v === undefined ? null : v), 2)}\n` : text,
  );
}

interface JsonOption {
  json?: boolean;
}

async function up(config: Config, opts: JsonOption & { docker?: boolean }): Promise<void> {
  const started = Date.now();
  const log = createLogger(config.logLevel, "stack");
  const report = await ensureStack(config, log, { progress: stderrProgress, docker: opts.docker === true });
  stderrProgress.note(`stack up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  print(opts.json === true, report, renderStatus(report));
}

async function reset(config: Config, opts: JsonOption & { yes?: boolean }): Promise<void> {
  if (!opts.yes) {
    const plan = resetPlan(config);
    process.stdout.write(`stack reset would:\n${plan.map((line) => `  - ${line}`).join("\n")}\n`);
    process.stdout.write("nothing done; run `saga-cli stack reset --yes` to do it\n");
    process.exitCode = EXIT.USAGE;
    return;
  }
  const report = await resetStack(config, { progress: opts.json ? silentProgress : stderrProgress });
  print(opts.json === true, report, "stack reset: done\n");
}

export function registerStackCommand(program: Command): void {
  const stack = program
    .command("stack")
    .description(
      "provision the real local stack without Docker: Kafka (KRaft), Postgres, Redis, topics, schema, seed",
    );

  stack
    .command("up")
    .description(
      "Use the servers that answer at the configured addresses, start the missing ones from this machine's " +
        "binaries (Kafka from Maven Central jars + Java 17), create topics, migrate and seed. Safe to repeat.",
    )
    .option(
      "--docker",
      "start the stack with `docker compose` (docker-compose.yml) instead of local binaries",
    )
    .option("--json", "print the resulting status as JSON on stdout")
    .action((opts: JsonOption & { docker?: boolean }) => up(loadConfig(), opts));

  stack
    .command("down")
    .description(
      "Stop what `stack up` started (by the PIDs in its PID files); external servers are never touched",
    )
    .option("--docker", "run `docker compose down` for a stack started with `stack up --docker`")
    .action(async (opts: { docker?: boolean }) => {
      await stopStack(loadConfig(), { progress: stderrProgress, docker: opts.docker === true });
    });

  stack
    .command("status")
    .description(
      "Show each component (up/down, address, version, who runs it) and the topics; exits 0 even when down",
    )
    .option("--json", "print the status as JSON")
    .action(async (opts: JsonOption) => {
      const status = await stackStatus(loadConfig());
      print(opts.json === true, status, renderStatus(status));
    });

  stack
    .command("reset")
    .description(
      "Drop the saga's schemas, delete and recreate its topics, clear its Redis keys, then migrate and seed. " +
        "Without --yes it only prints what it would do (exit 2).",
    )
    .option("--yes", "really do it (all saga data is lost)")
    .option("--json", "print the reset report as JSON")
    .action((opts: JsonOption & { yes?: boolean }) => reset(loadConfig(), opts));
}
