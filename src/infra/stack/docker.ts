/**
 * `stack up --docker`: the same stack from docker-compose.yml, for machines with a Docker
 * engine. saga-cli then treats the containers as external servers.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../config.ts";
import { SagaError } from "../../errors.ts";
import { type Progress, seconds } from "./progress.ts";
import { requireCompose } from "./tools.ts";

/** docker-compose.yml at the repository root, else in the current directory. */
export function composeFile(): string {
  for (const dir of [projectRoot, process.cwd()]) {
    const file = join(dir, "docker-compose.yml");
    if (existsSync(file)) return file;
  }
  throw new SagaError("STACK_PROVISION_FAILED", "docker-compose.yml not found", {
    hint: "run saga-cli from the repository checkout, where docker-compose.yml lives",
  });
}

async function compose(args: readonly string[], label: string, progress: Progress): Promise<void> {
  const [command, prefix] = requireCompose();
  const file = composeFile();
  const step = progress.begin(label);
  const started = Date.now();
  const proc = Bun.spawn([command, ...prefix, "-f", file, ...args], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const dots = setInterval(step.tick, 2000);
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]).finally(() => clearInterval(dots));
  if (code !== 0) {
    step.end("failed");
    const detail = `${out}${err}`.trim().split("\n").slice(-10).join("\n");
    throw new SagaError(
      "STACK_PROVISION_FAILED",
      `docker compose ${args.join(" ")} failed (exit ${code}):\n${detail}`,
      {
        hint: "is the Docker engine running (docker info)? Without Docker, run `saga-cli stack up`",
      },
    );
  }
  step.end(`done in ${seconds(Date.now() - started)}`);
}

export function composeUp(progress: Progress): Promise<void> {
  return compose(["up", "-d"], "starting the stack with docker compose", progress);
}

export function composeDown(progress: Progress): Promise<void> {
  return compose(["down"], "stopping the docker compose stack", progress);
}
