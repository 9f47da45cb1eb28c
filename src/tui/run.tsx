/**
 * Running the dashboard: live in the terminal, or once for scripts. Logs go to a file while
 * it runs (a log line written to the terminal would tear the frame; one in --once output
 * would mix with what scripts read).
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink";
import type { Config } from "../config.ts";
import { SagaError } from "../errors.ts";
import { createLogger, setLogSink } from "../infra/log.ts";
import { LiveApp } from "./app.tsx";
import { SnapshotCollector } from "./snapshot/collector.ts";
import { formatSnapshotText } from "./snapshot/format-text.ts";
import { nothingReachable } from "./snapshot/shape.ts";
import type { Snapshot } from "./snapshot/types.ts";

/** Sends every log line to `<stateDir>/logs/dashboard.log` (or drops them if it cannot be written); returns the undo. */
export function routeLogsToFile(stateDir: string): { path: string | null; restore(): void } {
  let fd: number | null = null;
  let path: string | null = join(stateDir, "logs", "dashboard.log");
  try {
    mkdirSync(join(stateDir, "logs"), { recursive: true });
    fd = openSync(path, "a");
  } catch {
    path = null;
  }
  setLogSink((line) => {
    if (fd === null) return;
    try {
      writeSync(fd, `${line}\n`);
    } catch {
      // A full disk must not take the dashboard down; the log is a convenience.
    }
  });
  return {
    path,
    restore() {
      setLogSink((line) => process.stderr.write(`${line}\n`));
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

export interface OnceResult {
  readonly snapshot: Snapshot;
  readonly output: string;
  /** Not one of Postgres, Redis, Kafka answered. */
  readonly nothingReachable: boolean;
}

/** Collects one snapshot and formats it (JSON or text tables). Never throws for a down stack. */
export async function collectOnce(config: Config, json: boolean): Promise<OnceResult> {
  const logs = routeLogsToFile(config.stateDir);
  const collector = new SnapshotCollector({
    config,
    log: createLogger(config.logLevel, "dashboard"),
    mode: "once",
  });
  try {
    const snapshot = await collector.collect();
    const output = json ? JSON.stringify(snapshot, null, 2) : formatSnapshotText(snapshot);
    return { snapshot, output, nothingReachable: nothingReachable(snapshot) };
  } finally {
    await collector.close();
    logs.restore();
  }
}

/** Runs the live dashboard until q (or Ctrl-C, or SIGTERM); then closes every client. */
export async function runLive(config: Config, intervalMs: number): Promise<void> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new SagaError("INVALID_INPUT", "the live dashboard needs a terminal (stdin and stdout)", {
      hint: "use `saga-cli dashboard --once` (or --once --json) in scripts and pipes",
    });
  }
  const logs = routeLogsToFile(config.stateDir);
  const collector = new SnapshotCollector({
    config,
    log: createLogger(config.logLevel, "dashboard"),
    mode: "live",
  });
  const instance = render(<LiveApp source={collector} intervalMs={intervalMs} />, {
    alternateScreen: true,
    exitOnCtrlC: true,
  });
  const onSignal = () => instance.unmount();
  process.once("SIGTERM", onSignal);
  process.once("SIGHUP", onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
    await collector.close();
    logs.restore();
  }
}
