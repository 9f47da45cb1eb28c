/**
 * How commands talk to people: one clear line per expected failure (what failed, why, what to
 * do) and a non-zero exit; a stack trace only for a real bug, or with SAGA_DEBUG=1.
 */
import { SagaError, errorMessage } from "../errors.ts";

export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  UNAVAILABLE: 3,
  CHECK_FAILED: 4,
} as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof SagaError) {
    if (err.code === "STACK_UNAVAILABLE") return EXIT.UNAVAILABLE;
    if (err.code === "INVALID_INPUT" || err.code === "CONFIG_INVALID") return EXIT.USAGE;
  }
  return EXIT.FAILURE;
}

export function formatError(err: unknown): string {
  if (err instanceof SagaError) {
    return `saga-cli: ${err.message}${err.hint ? `\n  → ${err.hint}` : ""}`;
  }
  return `saga-cli: unexpected error: ${errorMessage(err)}`;
}

export function exitWithError(err: unknown): never {
  process.stderr.write(`${formatError(err)}\n`);
  if (process.env.SAGA_DEBUG === "1" || !(err instanceof SagaError)) {
    if (err instanceof Error && err.stack && process.env.SAGA_DEBUG === "1")
      process.stderr.write(`${err.stack}\n`);
  }
  process.exit(exitCodeFor(err));
}

export { table } from "../infra/table.ts";
