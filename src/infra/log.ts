/**
 * A small leveled logger: one line per record on stderr, `time level component message k=v…`.
 * stdout stays free for command output (tables, JSON) that scripts read.
 */
import type { LogLevel } from "../config.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

function formatValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === "string") return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

/** Redirects every logger's output (the dashboard and tests use it to keep the screen clean). */
export function setLogSink(fn: (line: string) => void): void {
  sink = fn;
}

export function createLogger(level: LogLevel = "info", component = "saga"): Logger {
  const min = ORDER[level];
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const kv = fields
      ? Object.entries(fields)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${formatValue(v)}`)
          .join(" ")
      : "";
    sink(`${new Date().toISOString()} ${lvl.padEnd(5)} ${component} ${msg}${kv ? ` ${kv}` : ""}`);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (c) => createLogger(level, `${component}.${c}`),
  };
}
