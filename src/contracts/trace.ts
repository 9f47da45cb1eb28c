/**
 * W3C trace context (`traceparent`) carried in Kafka headers, so one order's saga is one trace
 * across the gateway and every service: each hop keeps the trace id and starts a new span id.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function hex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

export function isTraceparent(value: string | undefined | null): value is string {
  const m = value ? TRACEPARENT.exec(value) : null;
  // All-zero ids are invalid by the spec.
  return !!m && !/^0+$/.test(m[1]!) && !/^0+$/.test(m[2]!);
}

/** A new trace (sampled). */
export function newTraceparent(): string {
  return `00-${hex(16)}-${hex(8)}-01`;
}

/** The next hop: same trace id and flags, a new span id; a new trace when `parent` is not valid. */
export function childTraceparent(parent: string | undefined | null): string {
  if (!isTraceparent(parent)) return newTraceparent();
  const [, traceId, , flags] = TRACEPARENT.exec(parent)!;
  return `00-${traceId}-${hex(8)}-${flags}`;
}

export function traceIdOf(traceparent: string): string | undefined {
  return TRACEPARENT.exec(traceparent)?.[1];
}
