/**
 * One error type for the whole tool. Classification is by `code`, never by `instanceof` of
 * a driver's error class: drivers change, codes are the contract.
 *
 * - `retryable`: a transient infrastructure failure (connection loss, serialization failure,
 *   deadlock, the server starting up). Consumers retry these with backoff.
 * - not retryable: poison input, a bug, a misconfiguration. Consumers dead-letter these at once.
 * - `hint`: one line that tells a person what to do; the CLI prints it after the message.
 */

export type ErrorCode =
  | "CONFIG_INVALID"
  | "INVALID_INPUT"
  | "NOT_FOUND"
  | "STACK_UNAVAILABLE"
  | "STACK_PROVISION_FAILED"
  | "MISSING_TOOL"
  | "DB_TRANSIENT"
  | "DB_ERROR"
  | "KAFKA_TRANSIENT"
  | "KAFKA_ERROR"
  | "REDIS_UNAVAILABLE"
  | "POISON_MESSAGE"
  | "HANDLER_FAILED"
  | "SCENARIO_INVALID"
  | "INTERNAL";

export interface SagaErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  hint?: string;
  details?: unknown;
}

export class SagaError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly hint: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, opts: SagaErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "SagaError";
    this.code = code;
    this.retryable = opts.retryable ?? DEFAULT_RETRYABLE.has(code);
    this.hint = opts.hint;
    this.details = opts.details;
  }
}

const DEFAULT_RETRYABLE = new Set<ErrorCode>(["DB_TRANSIENT", "KAFKA_TRANSIENT", "REDIS_UNAVAILABLE"]);

/**
 * Postgres SQLSTATEs that mean "try again": the same statement can succeed on a later attempt.
 * Class 08 (connection exceptions) is handled by prefix below.
 */
const RETRYABLE_SQLSTATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (server starting up)
  "53300", // too_many_connections
  "53400", // configuration_limit_exceeded
]);

/** The SQLSTATE of a unique violation: on an inbox insert it means "already handled". */
export const UNIQUE_VIOLATION = "23505";

const RETRYABLE_NET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

function field(err: unknown, name: string): unknown {
  return err && typeof err === "object" ? (err as Record<string, unknown>)[name] : undefined;
}

export function sqlState(err: unknown): string | undefined {
  const code = field(err, "code");
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Is this failure worth another attempt? Looks through SagaError, Postgres, Kafka and socket errors. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof SagaError) return err.retryable;
  const state = sqlState(err);
  if (state) return RETRYABLE_SQLSTATES.has(state) || state.startsWith("08");
  const code = field(err, "code");
  if (typeof code === "string" && RETRYABLE_NET_CODES.has(code)) return true;
  // kafkajs marks its own transient errors.
  if (field(err, "retriable") === true) return true;
  const name = field(err, "name");
  if (typeof name === "string" && /^KafkaJS(Connection|NumberOfRetriesExceeded|RequestTimeout)/.test(name)) {
    return true;
  }
  const cause = field(err, "cause");
  return cause !== undefined && cause !== err ? isRetryable(cause) : false;
}

/** A short, stable code for an arbitrary failure (used in DLQ entries and logs). */
export function errorCode(err: unknown): string {
  if (err instanceof SagaError) return err.code;
  const state = sqlState(err);
  if (state) return `PG_${state}`;
  const code = field(err, "code");
  if (typeof code === "string") return code;
  const name = field(err, "name");
  return typeof name === "string" ? name : "UNKNOWN";
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Wraps a connection failure to a stack component into an error a person can act on. */
export function unavailable(component: string, address: string, cause: unknown): SagaError {
  return new SagaError(
    "STACK_UNAVAILABLE",
    `${component} at ${address} is unreachable: ${errorMessage(cause)}`,
    {
      cause,
      retryable: true,
      hint: "start the local stack with `saga-cli stack up` (or point the URL env var at a running one)",
    },
  );
}
